/**
 * Callers whose evaluation ran into the policy's bounds wait before their next one.
 *
 * An evaluation runs on the serving thread: one stopped at its deadline held every other request
 * up for that long. A caller sending such requests back to back would hold the thread nearly all
 * the time, and the server does not serve the requests that waited first: measured end to end,
 * other callers then waited 2–4 deadlines. So after a caller's evaluation is stopped (time or
 * memory), its next evaluation starts only once the thread has been free as long as the stopped
 * one took, and its concurrent ones queue behind one another the same way: a caller can take at
 * most about half the thread, and other requests wait at most about one deadline.
 *
 * A caller is an API key on a route. An entry is forgotten once a caller's evaluation succeeds, or
 * FORGET_MS after its last wait ended; at most MAX_CALLERS are remembered (the oldest go first).
 */
export const FORGET_MS = 60_000;
export const MAX_CALLERS = 10_000;

interface Entry {
  /** No evaluation of this caller starts before this time. */
  until: number;
  /** How long its stopped evaluation held the thread. */
  cost: number;
}

export class SlowCallers {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Nobody is held back (the common case: nothing to look up). */
  get empty(): boolean {
    return this.#entries.size === 0;
  }

  /** How long (ms) the caller's evaluation must wait, its place in the queue taken; 0: go. */
  delay(caller: string): number {
    const entry = this.#entries.get(caller);
    if (entry === undefined) return 0;
    const t = this.now();
    if (entry.until <= t) {
      if (t - entry.until > FORGET_MS) this.#entries.delete(caller);
      return 0;
    }
    const wait = entry.until - t;
    // The next one starts after this one's evaluation (at most `cost`) and as long again.
    entry.until += 2 * entry.cost;
    return wait;
  }

  /** The caller's evaluation was stopped after `costMs`. */
  stopped(caller: string, costMs: number): void {
    const until = this.now() + costMs;
    const entry = this.#entries.get(caller);
    if (entry !== undefined) {
      entry.until = Math.max(entry.until, until);
      entry.cost = costMs;
      return;
    }
    if (this.#entries.size >= MAX_CALLERS) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(caller, { until, cost: costMs });
  }

  /** The caller's evaluation finished within the bounds. */
  succeeded(caller: string): void {
    this.#entries.delete(caller);
  }
}
