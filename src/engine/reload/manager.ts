/**
 * Hot reload: fetch a candidate from the source, load it completely (see load.ts), and only then
 * put it in force with one assignment. On failure the bundle in force stays, the error is kept for
 * /readyz and metrics, and it is logged once (a broken version that stays broken is not re-logged).
 *
 * Triggers: `reload()` (explicit), file-system events (Deno.watchFs, debounced) and a poll timer,
 * which is the fallback where watching is not possible (remote sources, some file systems).
 * Reloads never overlap: a trigger during a reload schedules one more run after it.
 *
 * Last good bundle (`lastGoodPath`): each bundle put in force is written there (an archive as it
 * came; a directory's files packed as one, signatures kept), atomically: a temporary file beside it,
 * then a rename, so a crash leaves the old copy or the new one, never half of one. When the first
 * attempt at start fails (source unreachable, bundle broken), that copy is loaded instead, through
 * the same checks (limits, signature, entrypoints, smoke test), and said so in the log and the
 * status; the source is tried again at every poll as usual. With no copy either, nothing is in force
 * and every request is refused (no_policy_loaded, 503).
 */
import { packBundleArchive } from "../bundle/archive.ts";
import { BundleWorker } from "../bundle/prepare_off_thread.ts";
import type { PolicyEngine } from "../engine.ts";
import { loadBundle, type LoadOptions } from "../load.ts";
import { EngineError } from "../types.ts";
import { type Clock, systemClock, type TimerId } from "./clock.ts";
import { FileBundleSource } from "./file_source.ts";
import type { BundleSource, SourceSnapshot } from "./source.ts";

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
  /** The last failed attempt, kept after later successes (lastError is cleared by them). */
  lastFailure: { code: string; message: string; at: Date } | null;
  /** The bundle in force is the last good copy loaded at start (lastGoodPath), not the source's. */
  lastGood: { path: string; revision: string; loadedAt: Date } | null;
}

export interface LogEntry {
  level: "info" | "error";
  event:
    | "bundle_activated"
    | "bundle_rejected"
    | "last_good_loaded"
    | "last_good_rejected"
    | "last_good_write_failed";
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
  /** Where the bundle in force is kept, and loaded from when the source fails at start. */
  lastGoodPath?: string;
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
    lastFailure: null,
    lastGood: null,
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
    let outcome = await this.reload();
    if (outcome === "failed" && !this.#status.ready && this.options.lastGoodPath !== undefined) {
      if (await this.#loadLastGood(this.options.lastGoodPath)) outcome = "activated";
    }
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
        lastGood: null,
      };
      if (this.options.lastGoodPath !== undefined) await this.#persist(this.options.lastGoodPath, snapshot);
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
      this.#status = {
        ...this.#status,
        lastError: error,
        failures: this.#status.failures + 1,
        lastFailure: { code: error.code, message: error.message, at: this.#clock.now() },
      };
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

  /** Writes the bundle just put in force to `path` (temporary file + rename); a failure is logged only. */
  async #persist(path: string, snapshot: SourceSnapshot): Promise<void> {
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      const bytes = snapshot.kind === "archive" ? snapshot.bytes : await packBundleArchive(snapshot.files);
      await Deno.writeFile(temp, bytes, { mode: 0o600 });
      await Deno.rename(temp, path);
    } catch (e) {
      await Deno.remove(temp).catch(() => {});
      this.#log({
        level: "error",
        event: "last_good_write_failed",
        source: path,
        message: (e as Error)?.message ?? String(e),
      });
    }
  }

  /** Start with the source failing: put the last good copy in force, if there is one that loads. */
  async #loadLastGood(path: string): Promise<boolean> {
    try {
      const snapshot = await new FileBundleSource(path, this.options.limits).fetch();
      if (snapshot === null) return false;
      const loaded = await loadBundle(snapshot, {
        ...this.options,
        bundleWorker: this.options.bundleWorker ?? this.#bundleWorker,
        source: path,
        now: () => this.#clock.now(),
      });
      this.engine.activate(loaded);
      const now = this.#clock.now();
      // lastError stays: /readyz shows why the source's bundle is not the one in force.
      this.#status = {
        ...this.#status,
        ready: true,
        revision: loaded.info.revision,
        activations: this.#status.activations + 1,
        lastGood: { path, revision: loaded.info.revision, loadedAt: now },
      };
      this.#log({
        level: "info",
        event: "last_good_loaded",
        source: path,
        revision: loaded.info.revision,
        message: `the source ${this.source.location} failed at start: serving the last good bundle`,
      });
      try {
        this.options.onReload?.("activated", this.status());
      } catch {
        // as in reload()
      }
      return true;
    } catch (e) {
      const error = e instanceof EngineError ? e : null;
      this.#log({
        level: "error",
        event: "last_good_rejected",
        source: path,
        code: error?.code ?? "policy_load_failed",
        message: (e as Error)?.message ?? String(e),
      });
      return false;
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
