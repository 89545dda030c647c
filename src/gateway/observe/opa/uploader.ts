/**
 * Uploads decision-log events as OPA does: gzip'd JSON arrays POSTed to the service, in batches
 * sent once `uploadSizeLimitBytes` of events are waiting or the oldest has waited `maxDelayMs`.
 * A failed batch goes back to the front of the queue and is retried after an exponential backoff
 * (minRetryDelayMs, doubled per failure up to maxDelayMs, with jitter); nothing is sent meanwhile.
 *
 * The buffer is bounded: past `bufferSizeLimitEvents` events (the batch in flight included) the
 * oldest waiting event is dropped and counted (`dropped`), so a service that is down costs bounded
 * memory and never holds up a request. The size limit is on the events' JSON before compression
 * (OPA bounds the compressed body; this bound is stricter and needs no trial compression); a
 * single event larger than it is sent alone.
 */
import { postGzipJson, type ServiceError, type ServiceTarget } from "./service.ts";

export interface UploaderOptions {
  target: ServiceTarget;
  maxDelayMs: number;
  uploadSizeLimitBytes: number;
  bufferSizeLimitEvents: number;
  minRetryDelayMs: number;
  /** An upload failed (it will be retried). The message names no credential. */
  onError?: (error: ServiceError, failures: number) => void;
  random?: () => number;
}

export interface UploaderCounts {
  /** Events dropped because the buffer was full. */
  dropped: number;
  uploaded: number;
  uploadFailures: number;
  buffered: number;
}

export class EventUploader {
  readonly #o: UploaderOptions;
  #queue: string[] = [];
  #queuedBytes = 0;
  #inFlight = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #failures = 0;
  #sending: Promise<void> | null = null;
  #stopped = false;
  dropped = 0;
  uploaded = 0;
  uploadFailures = 0;

  constructor(options: UploaderOptions) {
    this.#o = options;
  }

  counts(): UploaderCounts {
    return {
      dropped: this.dropped,
      uploaded: this.uploaded,
      uploadFailures: this.uploadFailures,
      buffered: this.#queue.length + this.#inFlight,
    };
  }

  /** Queues one event (its JSON text). Never blocks, never throws. */
  push(json: string): void {
    const limit = this.#o.bufferSizeLimitEvents;
    while (this.#queue.length > 0 && this.#queue.length + this.#inFlight >= limit) {
      this.#queuedBytes -= this.#queue.shift()!.length + 1;
      this.dropped++;
    }
    if (this.#inFlight >= limit) {
      this.dropped++;
      return;
    }
    this.#queue.push(json);
    this.#queuedBytes += json.length + 1;
    if (this.#stopped) return;
    if (this.#failures === 0 && this.#queuedBytes >= this.#o.uploadSizeLimitBytes) this.#schedule(0);
    else this.#schedule(this.#o.maxDelayMs);
  }

  /** Sends everything queued now (shutdown); resolves when that attempt is over. */
  async flush(): Promise<void> {
    this.#clearTimer();
    await this.#sending;
    await this.#run();
  }

  /** Stops the timers; queued events are not sent (call flush first for that). */
  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
  }

  #schedule(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      void this.#run();
    }, delayMs);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #run(): Promise<void> {
    this.#sending ??= this.#sendAll().finally(() => {
      this.#sending = null;
    });
    return this.#sending;
  }

  async #sendAll(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      this.#inFlight = batch.length;
      try {
        await postGzipJson(this.#o.target, "[" + batch.join(",") + "]");
        this.uploaded += batch.length;
        this.#failures = 0;
      } catch (e) {
        // Back to the front, oldest first; events dropped meanwhile were newer than none of these.
        this.#queue.unshift(...batch);
        for (const event of batch) this.#queuedBytes += event.length + 1;
        this.#failures++;
        this.uploadFailures++;
        this.#o.onError?.(e as ServiceError, this.#failures);
        if (!this.#stopped) this.#schedule(this.#backoff());
        return;
      } finally {
        this.#inFlight = 0;
      }
    }
  }

  #takeBatch(): string[] {
    const limit = this.#o.uploadSizeLimitBytes;
    let n = 0, bytes = 0;
    while (n < this.#queue.length && (n === 0 || bytes + this.#queue[n].length + 1 <= limit)) {
      bytes += this.#queue[n].length + 1;
      n++;
    }
    this.#queuedBytes -= bytes;
    return this.#queue.splice(0, n);
  }

  #backoff(): number {
    const base = Math.min(
      this.#o.maxDelayMs,
      this.#o.minRetryDelayMs * 2 ** Math.min(this.#failures - 1, 30),
    );
    return Math.max(1, Math.round(base * (0.5 + (this.#o.random ?? Math.random)() / 2)));
  }
}
