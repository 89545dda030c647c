/**
 * Wires OPA's decision logs and status reports from the configuration (decisionLog, status,
 * labels, bundleName): the decision sink, the uploader and the status reporter, their metrics, and
 * the hooks main.ts gives the bundle manager. Tokens come from the environment only
 * ($GATEWAY_DECISION_LOG_TOKEN, $GATEWAY_STATUS_TOKEN) and are never logged.
 */
import type { GatewayConfig } from "../../../config/schema.ts";
import type { PolicyEvaluator } from "../../../engine/types.ts";
import type { DecisionSink } from "../decision_log.ts";
import { jsonLinesSink } from "../decision_log.ts";
import type { LineWriter } from "../line_writer.ts";
import type { GatewayMetrics } from "../metrics.ts";
import { MASK_ENTRYPOINT, OpaDecisionLog } from "./decision_events.ts";
import { type BundleState, statusReport, StatusReporter } from "./status.ts";
import { EventUploader } from "./uploader.ts";

export const DECISION_LOG_TOKEN_ENV = "GATEWAY_DECISION_LOG_TOKEN";
export const STATUS_TOKEN_ENV = "GATEWAY_STATUS_TOKEN";
/** OPA's `version` label: what is answering. */
export const GATEWAY_VERSION_LABEL = "policy-gateway";

export interface OpaReportingDeps {
  evaluator: PolicyEvaluator;
  /** Stdout's writer, when log.decisions is on. */
  console: LineWriter | null;
  metrics: GatewayMetrics;
  env: (name: string) => string | undefined;
  /** Warnings for the operator (upload failures, mask failures): messages hold no secret. */
  warn: (message: string, props?: Record<string, unknown>) => void;
  fetch?: typeof fetch;
}

export interface OpaReporting {
  sink: DecisionSink;
  /** Requests get an OPA decision id (X-Decision-Id). */
  decisionIds: boolean;
  /** Entrypoints the engine should compile when the policy defines them. */
  optionalEntrypoints: string[];
  /** For the bundle manager: a bundle was activated or failed. */
  onBundleChange(state: BundleState): void;
  /** Shutdown: send what is waiting (bounded by the services' timeouts), then stop. */
  close(): Promise<void>;
}

export function opaReporting(config: GatewayConfig, deps: OpaReportingDeps): OpaReporting {
  const labels = { id: crypto.randomUUID(), version: GATEWAY_VERSION_LABEL, ...config.labels };
  const opa = config.decisionLog.format === "opa";
  const upload = config.decisionLog.upload;
  let lastUploadWarning = 0;
  const uploader = upload === undefined ? null : new EventUploader({
    target: {
      url: upload.url,
      resource: upload.resource,
      timeoutMs: upload.timeoutMs,
      token: deps.env(DECISION_LOG_TOKEN_ENV) || undefined,
      fetch: deps.fetch,
    },
    maxDelayMs: upload.maxDelayMs,
    uploadSizeLimitBytes: upload.uploadSizeLimitBytes,
    bufferSizeLimitEvents: upload.bufferSizeLimitEvents,
    minRetryDelayMs: upload.minRetryDelayMs,
    onError: (e, failures) => {
      // Once a minute at most: a service that is down must not flood the operator's log.
      if (Date.now() - lastUploadWarning < 60_000) return;
      lastUploadWarning = Date.now();
      deps.warn("decision log upload failed: events kept and retried", { error: e.message, failures });
    },
  });
  let sink: DecisionSink;
  let decisionLog: OpaDecisionLog | null = null;
  if (opa) {
    decisionLog = new OpaDecisionLog({
      evaluator: deps.evaluator,
      entrypoint: config.policy.entrypoint,
      labels,
      bundleName: config.bundleName,
      console: config.log.decisions ? deps.console : null,
      uploader,
      onMaskFailed: (message) => deps.warn("decision log event dropped: the mask rule failed", { message }),
    });
    sink = decisionLog;
    deps.metrics.trackDecisionLogs(() => ({
      dropped: uploader?.dropped ?? 0,
      maskFailures: decisionLog!.maskFailures,
      uploaded: uploader?.uploaded ?? 0,
      uploadFailures: uploader?.uploadFailures ?? 0,
      buffered: uploader?.counts().buffered ?? 0,
    }));
  } else {
    sink = config.log.decisions && deps.console !== null ? jsonLinesSink(deps.console) : { write() {} };
  }

  const status = config.status;
  let bundleState: BundleState | null = null;
  const reporter = status === undefined ? null : new StatusReporter({
    target: {
      url: status.url,
      resource: status.resource,
      timeoutMs: status.timeoutMs,
      token: deps.env(STATUS_TOKEN_ENV) || undefined,
      fetch: deps.fetch,
    },
    report: () =>
      statusReport(bundleState!, {
        labels,
        bundleName: config.bundleName,
        metrics: uploader === null ? {} : { decision_logs: uploader.counts() },
      }),
    onError: (e) => deps.warn("status report not delivered: retrying", { error: e.message }),
  });

  return {
    sink,
    decisionIds: opa,
    optionalEntrypoints: opa ? [MASK_ENTRYPOINT] : [],
    onBundleChange(state) {
      bundleState = state;
      void reporter?.trigger();
    },
    async close() {
      reporter?.stop();
      if (uploader !== null) {
        await uploader.flush();
        uploader.stop();
      }
    },
  };
}
