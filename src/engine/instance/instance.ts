/**
 * The life of a bundle's module instance: evaluated with a deadline, replaced when an evaluation
 * spoilt it, and reported unavailable when it cannot be replaced.
 *
 * An instance stopped by its deadline (its frames unwound at an arbitrary point), one that ran into
 * its memory cap or one that trapped is never evaluated again: a fresh one is made from the
 * compiled module before the failing evaluation returns, so the next evaluation, whoever asked for
 * it, meets a clean instance.
 *
 * The fresh instance is not given the data again (`setData` parses it inside the module: ~0.5 s
 * for 5 MB of JSON, all that time on the serving thread). It is given a copy of the first
 * instance's memory as it was once the data was set, up to the data heap pointer, and that heap
 * pointer (snapshot.ts). Making one then takes ~0.3 ms plus a copy of that memory.
 *
 * When that fails (the process is short of memory, say), the engine answers
 * policy_instance_unavailable (fail closed) and /readyz says not ready (health()) until an attempt,
 * made at most every RETRY_MS on an evaluation, succeeds.
 */
import {
  evaluatePolicy,
  type PolicyModule,
  spoilsInstance,
  thrownMessage,
  type WasmPolicy,
} from "../policy.ts";
import type { HostBuiltins } from "../builtin_adapter.ts";
import { checkBuiltins } from "../module_builtins.ts";
import { applyDataImage, type DataImage, setDataJson } from "../module_data.ts";
import { EngineError, type EngineErrorCode, type Evaluation } from "../types.ts";
import { MemoryExhausted } from "./deadline.ts";
import { DEFAULT_TIMEOUT_MS } from "./limits.ts";
import { type MemorySnapshot, restoreSnapshot, snapshotOfImage, takeSnapshot } from "./snapshot.ts";

/** How often an unavailable instance is tried again. */
export const RETRY_MS = 1000;

/**
 * The data for a module: an object, or JSON bytes as bundle/data.ts serializeData makes them with,
 * when one was made, an image of the module's memory once given them (module_data.ts).
 */
export type InstanceData = Record<string, unknown> | { json: Uint8Array; image: DataImage | null };

export interface InstanceOptions {
  /** The host built-ins the module is given: it must need no other (module_builtins.ts). */
  builtins?: HostBuiltins;
  /** Deadline of one evaluation. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** For messages: the memory cap the module was given, in MiB. */
  maxMemoryMB?: number;
  now?: () => number;
}

/** What the engine counts (metrics). */
export interface InstanceEvents {
  /** A spoilt instance was replaced; `cause` is the failure that spoilt it. */
  replaced(cause: EngineErrorCode): void;
  /** A replacement could not be made. */
  replacementFailed(error: EngineError): void;
}

export type InstanceHealth = { ok: true } | { ok: false; error: EngineError };

export class PolicyInstance {
  readonly timeoutMs: number;
  #current: WasmPolicy | null;
  #unavailable: EngineError | null = null;
  #retryAt = 0;
  #events: InstanceEvents | null = null;
  readonly #now: () => number;
  /** The state to give a fresh instance: a memory snapshot, or (a module not the SDK's) the data. */
  readonly #initial: MemorySnapshot | ArrayBuffer;

  private constructor(
    private readonly module: PolicyModule,
    first: WasmPolicy,
    initial: MemorySnapshot | ArrayBuffer,
    options: InstanceOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#current = first;
    this.#initial = initial;
  }

  /**
   * The first instance, checked for the built-ins it needs and given its data (from an image when
   * one fits, else parsed here); failures are policy_load_failed, or bundle_builtin_missing.
   */
  static async create(
    module: PolicyModule,
    data: InstanceData,
    options: InstanceOptions = {},
  ): Promise<PolicyInstance> {
    try {
      const first = module.instantiate();
      if (options.builtins !== undefined) checkBuiltins(first, options.builtins);
      const initial = await giveData(first, data);
      return new PolicyInstance(module, first, initial, options);
    } catch (e) {
      throw loadFailure(e, options.maxMemoryMB);
    }
  }

  /** The instance in use (null while unavailable). */
  get policy(): WasmPolicy | null {
    return this.#current;
  }

  observe(events: InstanceEvents | null): void {
    this.#events = events;
  }

  health(): InstanceHealth {
    return this.#unavailable === null ? { ok: true } : { ok: false, error: this.#unavailable };
  }

  /** Evaluates with the deadline; never throws. A spoilt instance is replaced before returning. */
  evaluate(revision: string, entrypoint: string, input: unknown): Evaluation {
    const policy = this.#current ?? this.#retry();
    if (policy === null) {
      return { ok: false, error: this.#unavailable!, revision, durationMs: 0 };
    }
    const result = evaluatePolicy(policy, revision, entrypoint, input, this.timeoutMs);
    if (!result.ok && spoilsInstance(result.error)) this.#replace(result.error.code);
    return result;
  }

  #fresh(): WasmPolicy {
    const policy = this.module.instantiate();
    if (this.#initial instanceof ArrayBuffer) policy.setData(this.#initial);
    else restoreSnapshot(policy, this.#initial);
    return policy;
  }

  #replace(cause: EngineErrorCode): void {
    this.#current = null;
    if (this.#attempt()) this.#events?.replaced(cause);
  }

  #retry(): WasmPolicy | null {
    if (this.#now() >= this.#retryAt) this.#attempt();
    return this.#current;
  }

  #attempt(): boolean {
    try {
      this.#current = this.#fresh();
      this.#unavailable = null;
      return true;
    } catch (e) {
      this.#retryAt = this.#now() + RETRY_MS;
      this.#unavailable = new EngineError(
        "policy_instance_unavailable",
        `the policy instance could not be rebuilt: ${thrownMessage(e)}`,
        { cause: e },
      );
      this.#events?.replacementFailed(this.#unavailable);
      return false;
    }
  }
}

/**
 * Gives the first instance its data; returns what a replacement starts from: the image itself when
 * it was applied (no second copy), else a snapshot of the memory, else (a policy that is not the
 * SDK's) the data as JSON text.
 */
async function giveData(policy: WasmPolicy, data: InstanceData): Promise<MemorySnapshot | ArrayBuffer> {
  if (!isJsonData(data)) {
    policy.setData(data);
    return takeSnapshot(policy) ?? new TextEncoder().encode(JSON.stringify(data)).buffer;
  }
  if (data.image !== null && await applyDataImage(policy, data.image)) {
    return snapshotOfImage(policy, data.image);
  }
  setDataJson(policy, data.json);
  return takeSnapshot(policy) ?? data.json.slice().buffer;
}

function isJsonData(data: InstanceData): data is { json: Uint8Array; image: DataImage | null } {
  return (data as { json?: unknown }).json instanceof Uint8Array;
}

function loadFailure(e: unknown, maxMemoryMB: number | undefined): EngineError {
  if (e instanceof EngineError) return e;
  const cap = maxMemoryMB === undefined ? "" : ` of ${maxMemoryMB} MiB`;
  const message = e instanceof MemoryExhausted ||
      (e instanceof RangeError && /memory/i.test(e.message))
    ? `the data does not fit in the instance's memory cap${cap} (policy.maxMemoryMB)`
    : `the policy module does not start with its data: ${thrownMessage(e)}`;
  return new EngineError("policy_load_failed", message, { cause: e });
}
