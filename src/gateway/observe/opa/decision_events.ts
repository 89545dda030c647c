/**
 * The decision log in OPA's format (decisionLog.format: opa): each request becomes an OPA event
 * (event.ts), masked by the policy's `system.log.mask` rule when the bundle in force has it
 * (mask.ts), then written as one JSON line (stdout) and/or queued for upload (uploader.ts).
 *
 * Fail closed on masking: when the mask rule cannot be evaluated (an error, the deadline) or gives
 * a malformed value, the event is dropped and counted, never written unmasked (as OPA drops it).
 */
import { MASK_ENTRYPOINT, type PolicyEvaluator } from "../../../engine/types.ts";
import type { RequestState } from "../../context.ts";
import type { DecisionLine, DecisionSink } from "../decision_log.ts";
import type { LineWriter } from "../line_writer.ts";
import { opaEvent } from "./event.ts";
import { applyMask, parseMaskRules } from "./mask.ts";
import type { EventUploader } from "./uploader.ts";

export { MASK_ENTRYPOINT };

export interface OpaDecisionLogOptions {
  evaluator: PolicyEvaluator;
  /** The policy's entrypoint (OPA's event `path`). */
  entrypoint: string;
  labels: Record<string, string>;
  bundleName: string;
  /** Stdout (log.decisions), or null. */
  console: LineWriter | null;
  uploader: EventUploader | null;
  /** An event was dropped because masking failed; `message` names no secret. */
  onMaskFailed?: (message: string) => void;
}

export class OpaDecisionLog implements DecisionSink {
  readonly #o: OpaDecisionLogOptions;
  readonly #path: string;
  #reqId = 0;
  maskFailures = 0;

  constructor(options: OpaDecisionLogOptions) {
    this.#o = options;
    this.#path = options.entrypoint.replace(/^data[./]/, "").replaceAll(".", "/");
  }

  write(line: DecisionLine, state?: RequestState, requestedBy = ""): void {
    if (state === undefined) return;
    const event = opaEvent(state, line, {
      labels: this.#o.labels,
      bundleName: this.#o.bundleName,
      path: this.#path,
      requestedBy,
      reqId: ++this.#reqId,
    }) as unknown as Record<string, unknown>;
    if (!this.#mask(event)) return;
    const json = JSON.stringify(event);
    this.#o.console?.write(json);
    this.#o.uploader?.push(json);
  }

  /** Masks in place; false when the event must be dropped. */
  #mask(event: Record<string, unknown>): boolean {
    const evaluator = this.#o.evaluator;
    if (evaluator.current()?.entrypoints.includes(MASK_ENTRYPOINT) !== true) return true;
    const result = evaluator.evaluate(MASK_ENTRYPOINT, event);
    if (!result.ok) {
      // Undefined (no mask for this event) masks nothing, as in OPA.
      if (result.error.code === "policy_undefined") return true;
      return this.#failed(`${result.error.code}: ${result.error.message}`);
    }
    try {
      applyMask(event, parseMaskRules(result.value));
      return true;
    } catch (e) {
      return this.#failed((e as Error).message);
    }
  }

  #failed(message: string): false {
    this.maskFailures++;
    this.#o.onMaskFailed?.(message);
    return false;
  }
}
