/**
 * Dependency checks behind `/readyz` (e.g. Redis): each runs concurrently under a deadline, and
 * concurrent probes share a check already under way, so a burst of /readyz requests costs one
 * round trip per dependency.
 *
 * What a check says is passed on only in its stable shape: `status`, a finite `latency_ms`, and an
 * `error` that is a stable code (`redis_timeout`); anything else a check returns as its error (a
 * message that might name a host or carry a password) is replaced by `check_failed`.
 */

export interface DependencyStatus {
  status: "up" | "down";
  latency_ms?: number;
  /** A stable error code, never a message. */
  error?: string;
}

export type DependencyCheck = () => Promise<DependencyStatus>;

export const DEFAULT_DEPENDENCY_TIMEOUT_MS = 500;

/** The check gave no answer within its deadline. */
export const CHECK_TIMEOUT = "check_timeout";
/** The check threw, or answered something that is not a status with a stable code. */
export const CHECK_FAILED = "check_failed";

const STABLE_CODE = /^[a-z][a-z0-9_]{0,63}$/;

export interface DependencyReport {
  /** True when every dependency is up (and when there are none). */
  up: boolean;
  dependencies: Record<string, DependencyStatus>;
}

/** Runs named checks; `check()` never rejects and settles within about `timeoutMs`. */
export class DependencyChecker {
  readonly #checks: [string, DependencyCheck][];
  readonly #timeoutMs: number;
  readonly #inflight = new Map<string, Promise<DependencyStatus>>();

  constructor(checks: Record<string, DependencyCheck>, timeoutMs = DEFAULT_DEPENDENCY_TIMEOUT_MS) {
    this.#checks = Object.entries(checks);
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#checks.length;
  }

  async check(): Promise<DependencyReport> {
    const results = await Promise.all(this.#checks.map(([name, fn]) => this.#shared(name, fn)));
    const dependencies: Record<string, DependencyStatus> = {};
    this.#checks.forEach(([name], i) => dependencies[name] = results[i]);
    return { up: results.every((r) => r.status === "up"), dependencies };
  }

  #shared(name: string, fn: DependencyCheck): Promise<DependencyStatus> {
    let pending = this.#inflight.get(name);
    if (pending === undefined) {
      pending = bounded(fn, this.#timeoutMs).finally(() => this.#inflight.delete(name));
      this.#inflight.set(name, pending);
    }
    return pending;
  }
}

async function bounded(fn: DependencyCheck, ms: number): Promise<DependencyStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<DependencyStatus>((resolve) => {
    timer = setTimeout(() => resolve({ status: "down", error: CHECK_TIMEOUT }), ms);
  });
  const answer = (async () => {
    try {
      return sanitize(await fn());
    } catch {
      return { status: "down", error: CHECK_FAILED } as const;
    }
  })();
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function sanitize(result: unknown): DependencyStatus {
  const r = (typeof result === "object" && result !== null ? result : {}) as Record<string, unknown>;
  const latency = typeof r.latency_ms === "number" && Number.isFinite(r.latency_ms) && r.latency_ms >= 0
    ? { latency_ms: r.latency_ms }
    : {};
  if (r.status === "up") return { status: "up", ...latency };
  const error = typeof r.error === "string" && STABLE_CODE.test(r.error) ? r.error : CHECK_FAILED;
  return { status: "down", ...latency, error };
}
