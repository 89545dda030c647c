/**
 * The engine the gateway evaluates against: it holds the bundle in force and replaces it in one
 * assignment, so an evaluation sees either the old bundle or the new one, never a mix. Each
 * evaluation runs under the bundle's deadline; an instance an evaluation spoilt is replaced before
 * the next (instance/instance.ts), and the engine counts those replacements.
 */
import type { InstanceHealth } from "./instance/instance.ts";
import type { LoadedBundle } from "./load.ts";
import {
  type BundleInfo,
  EngineError,
  type EngineErrorCode,
  type Evaluation,
  type PolicyEvaluator,
} from "./types.ts";

/** Replacements of spoilt instances since the engine started (metrics). */
export interface InstanceStats {
  /** By the failure that spoilt the instance: policy_timeout, policy_memory_exceeded, policy_eval_failed. */
  replaced: Partial<Record<EngineErrorCode, number>>;
  /** Replacements that could not be made (the engine answered policy_instance_unavailable). */
  failed: number;
}

export class PolicyEngine implements PolicyEvaluator {
  #active: LoadedBundle | null = null;
  readonly #stats: InstanceStats = { replaced: {}, failed: 0 };
  readonly #events = {
    replaced: (cause: EngineErrorCode) => {
      this.#stats.replaced[cause] = (this.#stats.replaced[cause] ?? 0) + 1;
    },
    replacementFailed: () => {
      this.#stats.failed++;
    },
  };

  evaluate(entrypoint: string, input: unknown): Evaluation {
    const active = this.#active;
    if (active === null) {
      return {
        ok: false,
        error: new EngineError("no_policy_loaded", "no policy bundle has been loaded yet"),
        revision: null,
        durationMs: 0,
      };
    }
    return active.instance.evaluate(active.info.revision, entrypoint, input);
  }

  current(): BundleInfo | null {
    return this.#active?.info ?? null;
  }

  /**
   * Whether the bundle in force can evaluate: not when its instance was spoilt and could not be
   * rebuilt (for /readyz). Without a bundle, `current()` already says it.
   */
  health(): InstanceHealth {
    return this.#active?.instance.health() ?? { ok: true };
  }

  /** health() in the shape of a /readyz dependency check (a stable code, never a message). */
  readiness(): Promise<{ status: "up" } | { status: "down"; error: EngineErrorCode }> {
    const health = this.health();
    return Promise.resolve(health.ok ? { status: "up" } : { status: "down", error: health.error.code });
  }

  instanceStats(): InstanceStats {
    return { replaced: { ...this.#stats.replaced }, failed: this.#stats.failed };
  }

  /** Puts a fully loaded bundle in force. */
  activate(loaded: LoadedBundle): void {
    this.#active?.instance.observe(null);
    loaded.instance.observe(this.#events);
    this.#active = loaded;
  }
}
