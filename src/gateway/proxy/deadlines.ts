/**
 * Upstream timeouts without a timer per request. Every entry of a queue has the same timeout, so
 * deadlines arrive in order and a FIFO suffices: one interval (running only while some entry is
 * live) fires the expired ones. Cost per request: an array push and a flag; precision: the sweep
 * period (100 ms by default).
 */

export interface Deadline {
  /** Called once at expiry unless cancelled first. */
  fire: (() => void) | null;
  at: number;
}

export class DeadlineQueue {
  #items: (Deadline | undefined)[] = [];
  #head = 0;
  #live = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly timeoutMs: number,
    readonly periodMs = 100,
    private readonly now = () => performance.now(),
  ) {}

  add(fire: () => void): Deadline {
    const d: Deadline = { fire, at: this.now() + this.timeoutMs };
    this.#items.push(d);
    this.#live++;
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.sweep(), this.periodMs);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
    return d;
  }

  cancel(d: Deadline): void {
    if (d.fire === null) return;
    d.fire = null;
    // The interval itself stops at its next sweep: stopping here would churn a timer per request
    // whenever requests come one at a time.
    this.#live--;
  }

  /** Fires every expired entry (called by the interval; public for tests). */
  sweep(now = this.now()): void {
    const items = this.#items;
    while (this.#head < items.length && items[this.#head]!.at <= now) {
      const d = items[this.#head]!;
      items[this.#head++] = undefined;
      const fire = d.fire;
      if (fire !== null) {
        d.fire = null;
        this.#live--;
        fire();
      }
    }
    if (this.#live === 0) this.#reset();
    else if (this.#head > 4096 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Whether the sweep interval is running (for tests). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Entries still waiting (for tests). */
  get live(): number {
    return this.#live;
  }

  #reset(): void {
    this.#items = [];
    this.#head = 0;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
