/**
 * The engine the gateway evaluates against: it holds the bundle in force and replaces it in one
 * assignment, so an evaluation sees either the old bundle or the new one, never a mix.
 */
import type { LoadedBundle } from "./load.ts";
import { evaluatePolicy } from "./policy.ts";
import { type BundleInfo, EngineError, type Evaluation, type PolicyEvaluator } from "./types.ts";

export class PolicyEngine implements PolicyEvaluator {
  #active: LoadedBundle | null = null;

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
    return evaluatePolicy(active.policy, active.info.revision, entrypoint, input);
  }

  current(): BundleInfo | null {
    return this.#active?.info ?? null;
  }

  /** Puts a fully loaded bundle in force. */
  activate(loaded: LoadedBundle): void {
    this.#active = loaded;
  }
}
