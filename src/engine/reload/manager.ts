/**
 * Hot reload: fetch a candidate from the source, load it completely (see load.ts), and only then
 * put it in force with one assignment. On failure the bundle in force stays, the error is kept for
 * /readyz and metrics, and it is logged once (a broken version that stays broken is not re-logged).
 *
 * Triggers: `reload()` (explicit), file-system events (Deno.watchFs, debounced) and a poll timer,
 * which is the fallback where watching is not possible (remote sources, some file systems).
 * Reloads never overlap: a trigger during a reload schedules one more run after it.
 */
import { BundleWorker } from "../bundle/prepare_off_thread.ts";
import type { PolicyEngine } from "../engine.ts";
import { loadBundle, type LoadOptions } from "../load.ts";
import { EngineError } from "../types.ts";
import { type Clock, systemClock, type TimerId } from "./clock.ts";
import type { BundleSource } from "./source.ts";

/** The shortest time between two long-polling requests. */
const LONG_POLL_MIN_GAP_MS = 1000;

export type ReloadOutcome = "activated" | "unchanged" | "failed";

export interface ReloadStatus {
  /** A bundle is in force. */
  ready: boolean;
  revision: string | null;
  /** The last attempt's error, cleared by the next success or unchanged fetch of a good bundle. */
  lastError: EngineError | null;
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  /** When a new bundle was last fetched whole from the source (whether it then loaded or not). */
  lastDownloadAt: Date | null;
  activations: number;
  failures: number;
}

export interface LogEntry {
  level: "info" | "error";
  event: "bundle_activated" | "bundle_rejected";
  source: string;
  revision?: string;
  code?: string;
  message?: string;
}

export interface ManagerOptions extends LoadOptions {
  /** Poll period; 0 disables polling. Default 30 s. */
  pollIntervalMs?: number;
  /** Quiet period after a file-system event before reloading. Default 200 ms. */
  debounceMs?: number;
  /** Watch local sources with Deno.watchFs. Default true. */
  watch?: boolean;
  clock?: Clock;
  log?: (entry: LogEntry) => void;
  /** After each attempt that activated a bundle or failed, with the status then (status reports). */
  onReload?: (outcome: ReloadOutcome, status: ReloadStatus) => void;
}

export class BundleManager {
  readonly #clock: Clock;
  readonly #log: (entry: LogEntry) => void;
  #seenVersion: string | undefined;
  #status: ReloadStatus = {
    ready: false,
    revision: null,
    lastError: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    lastDownloadAt: null,
    activations: 0,
    failures: 0,
  };
  #running: Promise<ReloadOutcome> | null = null;
  #queued: Promise<ReloadOutcome> | null = null;
  #pollTimer: TimerId | undefined;
  #pollStartedAt = 0;
  #debounceTimer: TimerId | undefined;
  #watcher: Deno.FsWatcher | undefined;
  #stopped = false;
  /** The worker bundles are read in (options.readOffThread), kept from one reload to the next. */
  #bundleWorker: BundleWorker | undefined;

  constructor(
    private readonly engine: PolicyEngine,
    private readonly source: BundleSource,
    private readonly options: ManagerOptions = {},
  ) {
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? ((entry) => console.error(JSON.stringify(entry)));
  }

  status(): ReloadStatus {
    return { ...this.#status };
  }

  /** Runs one reload now, or once more after the one in progress. */
  reload(): Promise<ReloadOutcome> {
    if (this.#running === null) {
      this.#running = this.#attempt().then((outcome) => {
        try {
          if (outcome !== "unchanged") this.options.onReload?.(outcome, this.status());
        } catch {
          // a hook's failure is its own (status reports): the reload's outcome stands
        }
        return outcome;
      }).finally(() => {
        this.#running = null;
      });
      return this.#running;
    }
    this.#queued ??= this.#running.then(() => {
      this.#queued = null;
      return this.reload();
    });
    return this.#queued;
  }

  /** Loads the first bundle, then watches and polls. Resolves after the first attempt. */
  async start(): Promise<ReloadOutcome> {
    this.#stopped = false;
    const outcome = await this.reload();
    if (this.options.watch !== false && this.source.watchPaths !== undefined) {
      this.#watch(this.source.watchPaths);
    }
    this.#schedulePoll();
    return outcome;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#pollTimer !== undefined) this.#clock.clearTimeout(this.#pollTimer);
    if (this.#debounceTimer !== undefined) this.#clock.clearTimeout(this.#debounceTimer);
    this.#pollTimer = this.#debounceTimer = undefined;
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#bundleWorker?.close();
    this.#bundleWorker = undefined;
  }

  /** A file-system event: reload once things have been quiet for the debounce period. */
  notifyChange(): void {
    if (this.#stopped) return;
    if (this.#debounceTimer !== undefined) this.#clock.clearTimeout(this.#debounceTimer);
    this.#debounceTimer = this.#clock.setTimeout(() => {
      this.#debounceTimer = undefined;
      void this.reload();
    }, this.options.debounceMs ?? 200);
  }

  async #attempt(): Promise<ReloadOutcome> {
    this.#status.lastAttemptAt = this.#clock.now();
    try {
      const snapshot = await this.source.fetch(this.#seenVersion);
      if (snapshot === null) return "unchanged";
      this.#seenVersion = snapshot.version;
      this.#status.lastDownloadAt = this.#clock.now();
      if (this.options.readOffThread === true && this.options.bundleWorker === undefined) {
        this.#bundleWorker ??= new BundleWorker();
      }
      const loaded = await loadBundle(snapshot, {
        ...this.options,
        bundleWorker: this.options.bundleWorker ?? this.#bundleWorker,
        source: this.source.location,
        now: () => this.#clock.now(),
      });
      this.engine.activate(loaded);
      this.#status = {
        ...this.#status,
        ready: true,
        revision: loaded.info.revision,
        lastError: null,
        lastSuccessAt: this.#clock.now(),
        activations: this.#status.activations + 1,
      };
      this.#log({
        level: "info",
        event: "bundle_activated",
        source: this.source.location,
        revision: loaded.info.revision,
      });
      return "activated";
    } catch (e) {
      const error = e instanceof EngineError
        ? e
        : new EngineError("policy_load_failed", `unexpected failure: ${(e as Error)?.message ?? e}`, {
          cause: e,
        });
      const repeated = this.#status.lastError?.code === error.code &&
        this.#status.lastError.message === error.message;
      this.#status = { ...this.#status, lastError: error, failures: this.#status.failures + 1 };
      if (!repeated) {
        this.#log({
          level: "error",
          event: "bundle_rejected",
          source: this.source.location,
          code: error.code,
          message: error.message,
        });
      }
      return "failed";
    }
  }

  #schedulePoll(): void {
    const interval = this.options.pollIntervalMs ?? 30_000;
    if (this.#stopped || interval <= 0) return;
    // A long-polling server answers when the bundle changes or its wait ends: ask again at once,
    // but never more often than once a second (a server answering at once must not make a loop).
    const delay = this.source.longPolling === true
      ? Math.max(0, LONG_POLL_MIN_GAP_MS - (this.#clock.now().getTime() - this.#pollStartedAt))
      : interval;
    this.#pollTimer = this.#clock.setTimeout(() => {
      this.#pollTimer = undefined;
      this.#pollStartedAt = this.#clock.now().getTime();
      void this.reload().finally(() => this.#schedulePoll());
    }, delay);
  }

  #watch(paths: string[]): void {
    try {
      this.#watcher = Deno.watchFs(paths, { recursive: true });
    } catch {
      return; // polling remains
    }
    const watcher = this.#watcher;
    (async () => {
      try {
        for await (const _event of watcher) this.notifyChange();
      } catch {
        // watcher closed or failed: polling remains
      }
    })();
  }
}
