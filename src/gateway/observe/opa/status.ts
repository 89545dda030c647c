/**
 * Status reports as OPA's status API sends them (POST <service>/status, gzip'd JSON): labels, the
 * bundle in force (name, active_revision, last_successful_activation, last_successful_download,
 * last_request, and code/message/errors after a failure), the plugins' states and metrics. Sent at
 * start and after each bundle activation or failure; a report that cannot be delivered is retried
 * with backoff until a newer one replaces it (only the latest state matters).
 */
import { postGzipJson, type ServiceError, type ServiceTarget } from "./service.ts";

/** What the report reads of the bundle manager (engine/reload/manager.ts ReloadStatus). */
export interface BundleState {
  ready: boolean;
  revision: string | null;
  lastError: { code: string; message: string } | null;
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  lastDownloadAt: Date | null;
}

export interface StatusReport {
  labels: Record<string, string>;
  bundles: Record<string, BundleStatusV1>;
  plugins: Record<string, { state: "OK" | "NOT_READY" | "ERROR" }>;
  metrics: { prometheus?: unknown; [name: string]: unknown };
}

export interface BundleStatusV1 {
  name: string;
  active_revision?: string;
  last_successful_activation?: string;
  last_successful_download?: string;
  last_request?: string;
  last_successful_request?: string;
  code?: string;
  message?: string;
  errors?: { code: string; message: string }[];
}

export function statusReport(
  bundle: BundleState,
  ctx: { labels: Record<string, string>; bundleName: string; metrics?: Record<string, unknown> },
): StatusReport {
  const b: BundleStatusV1 = { name: ctx.bundleName };
  if (bundle.revision !== null) b.active_revision = bundle.revision;
  if (bundle.lastSuccessAt !== null) b.last_successful_activation = bundle.lastSuccessAt.toISOString();
  if (bundle.lastDownloadAt !== null) {
    b.last_successful_download = bundle.lastDownloadAt.toISOString();
    b.last_successful_request = bundle.lastDownloadAt.toISOString();
  }
  if (bundle.lastAttemptAt !== null) b.last_request = bundle.lastAttemptAt.toISOString();
  if (bundle.lastError !== null) {
    // OPA's bundle error code, with the engine's stable reason in `errors`.
    b.code = "bundle_error";
    b.message = bundle.lastError.message;
    b.errors = [{ code: bundle.lastError.code, message: bundle.lastError.message }];
  }
  const state = bundle.lastError !== null ? "ERROR" : bundle.ready ? "OK" : "NOT_READY";
  return {
    labels: ctx.labels,
    bundles: { [ctx.bundleName]: b },
    plugins: { bundle: { state }, status: { state: "OK" } },
    metrics: ctx.metrics ?? {},
  };
}

export interface StatusReporterOptions {
  target: ServiceTarget;
  report: () => StatusReport;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  onError?: (error: ServiceError) => void;
}

export class StatusReporter {
  readonly #o: StatusReporterOptions;
  #sending: Promise<void> | null = null;
  #again = false;
  #failures = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  sent = 0;
  failures = 0;

  constructor(options: StatusReporterOptions) {
    this.#o = options;
  }

  /** Sends the current state (once the report in flight, if any, is done). */
  trigger(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
    if (this.#sending !== null) {
      this.#again = true;
      return this.#sending;
    }
    this.#sending = this.#send().finally(() => {
      this.#sending = null;
      if (this.#again) {
        this.#again = false;
        void this.trigger();
      }
    });
    return this.#sending;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  async #send(): Promise<void> {
    try {
      await postGzipJson(this.#o.target, JSON.stringify(this.#o.report()));
      this.sent++;
      this.#failures = 0;
    } catch (e) {
      this.failures++;
      this.#failures++;
      this.#o.onError?.(e as ServiceError);
      if (this.#stopped || this.#again) return;
      const min = this.#o.minRetryDelayMs ?? 500, max = this.#o.maxRetryDelayMs ?? 60_000;
      const delay = Math.min(max, min * 2 ** Math.min(this.#failures - 1, 30));
      this.#retry = setTimeout(() => void this.trigger(), delay * (0.5 + Math.random() / 2));
      Deno.unrefTimer(this.#retry as unknown as number);
    }
  }
}
