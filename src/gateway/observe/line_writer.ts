/**
 * A lean buffered writer for the decision log's JSON lines. LogTape (used for every other log) was
 * measured at ~9% of the gateway's busy CPU when it carried one record per request — it snapshots
 * each record's properties for its background sinks — so the per-request line takes this path
 * instead: one JSON.stringify, a string pushed to a buffer, and a background flush every
 * `flushMs` or `maxBufferBytes`. When the output cannot keep up, lines past `maxPendingBytes` are
 * dropped and counted rather than growing memory or blocking requests.
 */

export interface LineOutput {
  write(bytes: Uint8Array): Promise<number>;
}

export interface LineWriterOptions {
  flushMs?: number;
  maxBufferBytes?: number;
  maxPendingBytes?: number;
}

export class LineWriter {
  readonly #out: LineOutput;
  readonly #encoder = new TextEncoder();
  readonly #flushMs: number;
  readonly #maxBuffer: number;
  readonly #maxPending: number;
  #lines: string[] = [];
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #inFlight = 0;
  dropped = 0;

  constructor(out: LineOutput, opts: LineWriterOptions = {}) {
    this.#out = out;
    this.#flushMs = opts.flushMs ?? 50;
    this.#maxBuffer = opts.maxBufferBytes ?? 64 * 1024;
    this.#maxPending = opts.maxPendingBytes ?? 8 * 1024 * 1024;
  }

  /** Queues one line (a newline is added). */
  write(line: string): void {
    if (this.#bytes + this.#inFlight > this.#maxPending) {
      this.dropped++;
      return;
    }
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    if (this.#bytes >= this.#maxBuffer) this.flush();
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.#flushMs);
      Deno.unrefTimer(this.#timer as unknown as number);
    }
  }

  /** Writes what is buffered; resolves once everything queued so far is written. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length > 0) {
      const text = this.#lines.join("\n") + "\n";
      const size = this.#bytes;
      this.#lines = [];
      this.#bytes = 0;
      this.#inFlight += size;
      const bytes = this.#encoder.encode(text);
      this.#writing = this.#writing.then(async () => {
        try {
          let off = 0;
          while (off < bytes.length) off += await this.#out.write(bytes.subarray(off));
        } catch {
          // The output is gone (closed pipe): nothing sensible to do but stop counting it.
        } finally {
          this.#inFlight -= size;
        }
      });
    }
    return this.#writing;
  }
}
