/**
 * Prometheus metrics (prom-client), in a registry of their own per gateway so tests and several
 * instances do not share counters. Label values are bounded: route ids come from the
 * configuration, decisions and statuses from small fixed sets.
 *
 * What is counted per request is counted in plain numbers (a cell per label set, resolved once;
 * FastHistogram for the latencies) and handed to prom-client at scrape time: prom-client hashes
 * the label set on every `inc`/`observe`, children included.
 */
import client from "prom-client";
import { FastHistogram, type HistogramCell } from "./fast_histogram.ts";

export interface BundleStatus {
  /** Successful and failed bundle reloads so far. */
  reloads(): { ok: number; failed: number };
}

/** What /metrics reads of the decision cache. */
export interface DecisionCacheCounts {
  hits: number;
  misses: number;
  bypassed: number;
  size: number;
}

/** What /metrics reads of the policy engine's instance replacements (engine.instanceStats()). */
export interface PolicyInstanceCounts {
  replaced: Partial<Record<string, number>>;
  failed: number;
}

/** What /metrics reads of the OPA-format decision log (observe/opa/). */
export interface DecisionLogCounts {
  dropped: number;
  maskFailures: number;
  uploaded: number;
  uploadFailures: number;
  buffered: number;
}

export class GatewayMetrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<"route" | "decision" | "status">;
  readonly latency: FastHistogram;
  readonly policyEval: FastHistogram;
  readonly rateLimitRejections: client.Counter<"route">;
  readonly keyLookups: client.Counter<"kind">;
  /** Request counts per label set (bounded: routes × decisions × statuses), read at scrape time. */
  readonly #requestCounts = new Map<string, { route: string; decision: string; status: number; n: number }>();
  readonly #latencyCells = new Map<string, HistogramCell>();
  readonly #policyOk: HistogramCell;
  readonly #policyError: HistogramCell;
  #decisionCache: DecisionCacheCounts | null = null;

  constructor(bundle?: BundleStatus) {
    const registers = [this.registry];
    const counts = this.#requestCounts;
    this.requests = new client.Counter({
      name: "gateway_requests_total",
      help: "Requests answered, by route, decision (allow, deny, error) and HTTP status.",
      labelNames: ["route", "decision", "status"],
      registers,
      collect() {
        this.reset();
        for (const c of counts.values()) {
          this.inc({ route: c.route, decision: c.decision, status: String(c.status) }, c.n);
        }
      },
    });
    this.latency = new FastHistogram(
      "gateway_request_duration_seconds",
      "Time from arrival to the response head, by route.",
      "route",
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      this.registry,
    );
    this.policyEval = new FastHistogram(
      "gateway_policy_eval_duration_seconds",
      "Policy evaluation time, by result (ok, error).",
      "result",
      [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      this.registry,
    );
    this.rateLimitRejections = new client.Counter({
      name: "gateway_rate_limit_rejections_total",
      help: "Requests refused by a rate limit, by route.",
      labelNames: ["route"],
      registers,
    });
    this.keyLookups = new client.Counter({
      name: "gateway_key_store_lookups_total",
      help: "Key store reads (findByHash, get), by kind.",
      labelNames: ["kind"],
      registers,
    });
    this.#policyOk = this.policyEval.cell("ok");
    this.#policyError = this.policyEval.cell("error");
    if (bundle) {
      new client.Counter({
        name: "gateway_bundle_reloads_total",
        help: "Policy bundle reloads, by result (ok, failed).",
        labelNames: ["result"],
        registers,
        collect() {
          const r = bundle.reloads();
          this.reset();
          this.inc({ result: "ok" }, r.ok);
          this.inc({ result: "failed" }, r.failed);
        },
      });
    }
  }

  /**
   * Exposes a decision cache's counts (read at scrape time: nothing per request). A second call
   * replaces the cache observed (one app per metrics registry is the rule).
   */
  trackDecisionCache(cache: DecisionCacheCounts): void {
    const tracked = this.#decisionCache !== null;
    this.#decisionCache = cache;
    if (tracked) return;
    const current = () => this.#decisionCache!;
    new client.Counter({
      name: "gateway_decision_cache_requests_total",
      help: "Decisions looked up in the decision cache, by result (hit, miss, bypass: not cacheable).",
      labelNames: ["result"],
      registers: [this.registry],
      collect() {
        const c = current();
        this.reset();
        this.inc({ result: "hit" }, c.hits);
        this.inc({ result: "miss" }, c.misses);
        this.inc({ result: "bypass" }, c.bypassed);
      },
    });
    new client.Gauge({
      name: "gateway_decision_cache_entries",
      help: "Decisions held in the decision cache.",
      registers: [this.registry],
      collect() {
        this.set(current().size);
      },
    });
  }

  /**
   * Exposes the replacements of spoilt policy instances (engine.instanceStats(), read at scrape
   * time): by the failure that spoilt them (policy_timeout, policy_memory_exceeded,
   * policy_eval_failed for a trap), and those that could not be made. Call once.
   */
  trackPolicyInstances(stats: () => PolicyInstanceCounts): void {
    new client.Counter({
      name: "gateway_policy_instance_replacements_total",
      help: "Policy module instances replaced after an evaluation spoilt them, by cause.",
      labelNames: ["cause"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [cause, n] of Object.entries(stats().replaced)) this.inc({ cause }, n ?? 0);
      },
    });
    new client.Counter({
      name: "gateway_policy_instance_replacement_failures_total",
      help: "Replacements of a spoilt policy instance that could not be made (the engine was unavailable).",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().failed);
      },
    });
  }

  /**
   * Exposes OPA-format decision-log counts (read at scrape time): events dropped by cause
   * (buffer_full: the upload buffer was full and the oldest went; mask_failed: the mask rule could
   * not be applied), uploaded, failed uploads, and those waiting. Call once.
   */
  trackDecisionLogs(counts: () => DecisionLogCounts): void {
    const registers = [this.registry];
    new client.Counter({
      name: "gateway_decision_logs_dropped_total",
      help: "Decision-log events dropped, by cause (buffer_full, mask_failed).",
      labelNames: ["cause"],
      registers,
      collect() {
        const c = counts();
        this.reset();
        this.inc({ cause: "buffer_full" }, c.dropped);
        this.inc({ cause: "mask_failed" }, c.maskFailures);
      },
    });
    new client.Counter({
      name: "gateway_decision_logs_uploaded_total",
      help: "Decision-log events delivered to the upload service.",
      registers,
      collect() {
        this.reset();
        this.inc(counts().uploaded);
      },
    });
    new client.Counter({
      name: "gateway_decision_logs_upload_failures_total",
      help: "Decision-log uploads that failed (their events were kept and retried).",
      registers,
      collect() {
        this.reset();
        this.inc(counts().uploadFailures);
      },
    });
    new client.Gauge({
      name: "gateway_decision_logs_buffered",
      help: "Decision-log events waiting for upload.",
      registers,
      collect() {
        this.set(counts().buffered);
      },
    });
  }

  observePolicy(durationMs: number, ok: boolean): void {
    this.policyEval.observe(ok ? this.#policyOk : this.#policyError, durationMs / 1000);
  }

  observeRequest(route: string, decision: string, status: number, seconds: number): void {
    const id = `${route}\u0000${decision}\u0000${status}`;
    let count = this.#requestCounts.get(id);
    if (count === undefined) {
      count = { route, decision, status, n: 0 };
      this.#requestCounts.set(id, count);
    }
    count.n++;
    let cell = this.#latencyCells.get(route);
    if (cell === undefined) {
      cell = this.latency.cell(route);
      this.#latencyCells.set(route, cell);
    }
    this.latency.observe(cell, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
