/**
 * Last use of keys without a write per request. The gateway's verifier calls `note(id)` for every
 * accepted key (a map update, nothing else); every `intervalMs` the recorder sends what it noted
 * since the last flush to the store in one batch (`KeyStore.recordLastUsed`), so each key costs at
 * most one write per interval however many requests use it, and `stop()` flushes once more.
 *
 * A flush never delays or fails a request: it runs on its own timer, one at a time. When the store
 * fails, the error goes to `onError`, the batch is kept (merged with newer notes) and sent again at
 * the next interval. At most `maxPending` distinct keys wait (only accepted keys are noted, so an
 * outsider cannot fill it); past it new ones are dropped until a flush succeeds.
 */
import type { KeyStore, LastUse } from "./types.ts";

export interface LastUsedRecorderOptions {
  store: KeyStore;
  /** How often noted uses are written; 0 turns recording off. */
  intervalMs: number;
  now?: () => number;
  /** A flush failed (its batch is retried at the next interval). */
  onError?: (error: unknown, keys: number) => void;
  maxPending?: number;
}

export class LastUsedRecorder {
  readonly #store: KeyStore;
  readonly #now: () => number;
  readonly #onError: (error: unknown, keys: number) => void;
  readonly #max: number;
  readonly #enabled: boolean;
  #pending = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing: Promise<void> | null = null;
  #stopped = false;

  constructor(opts: LastUsedRecorderOptions) {
    this.#store = opts.store;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError ?? (() => {});
    this.#max = opts.maxPending ?? 100_000;
    this.#enabled = opts.intervalMs > 0 && typeof opts.store.recordLastUsed === "function";
    if (this.#enabled) {
      this.#timer = setInterval(() => void this.flush(), opts.intervalMs);
      Deno.unrefTimer(this.#timer); // never what keeps a process alive
    }
  }

  /** The key `id` was just accepted. Cheap; never throws. */
  note(id: string): void {
    if (!this.#enabled || this.#stopped) return;
    if (!this.#pending.has(id) && this.#pending.size >= this.#max) return;
    this.#pending.set(id, this.#now());
  }

  /** Keys noted and not yet written. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Writes what was noted since the last flush, in one store call (none when nothing was noted). */
  flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing;
    if (this.#pending.size === 0 || !this.#enabled) return Promise.resolve();
    const batch = this.#pending;
    this.#pending = new Map();
    const uses: LastUse[] = [...batch].map(([id, t]) => ({ id, at: new Date(t).toISOString() }));
    this.#flushing = this.#store.recordLastUsed!(uses).catch((error) => {
      for (const [id, t] of batch) {
        const newer = this.#pending.get(id);
        if (newer === undefined && this.#pending.size >= this.#max) continue;
        this.#pending.set(id, Math.max(t, newer ?? t));
      }
      this.#onError(error, batch.size);
    }).finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  /** Stops the timer and flushes once (waiting for a flush under way first). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#flushing;
    await this.flush();
  }
}
