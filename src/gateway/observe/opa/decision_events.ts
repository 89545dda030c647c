/**
 * The decision log in OPA's format (decisionLog.format: opa): each request becomes an OPA event
 * (event.ts), masked by the policy's `system.log.mask` rule when the bundle in force has it
 * (mask.ts), then written as one JSON line (stdout) and/or queued for upload (uploader.ts).
 *
 * Fail closed on masking: when the mask rule cannot be evaluated (an error, the deadline) or gives
 * a malformed value, the event is dropped and counted, never written unmasked (as OPA drops it).
 */
import { JsonText, MASK_ENTRYPOINT, type PolicyEvaluator } from "../../../engine/types.ts";
import type { RequestState } from "../../context.ts";
import type { DecisionLine, DecisionSink } from "../decision_log.ts";
import type { LineWriter } from "../line_writer.ts";
import { opaEventJson } from "./event.ts";
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
    const text = opaEventJson(state, line, {
      labels: this.#o.labels,
      bundleName: this.#o.bundleName,
      path: this.#path,
      requestedBy,
      reqId: ++this.#reqId,
    });
    const json = this.#mask(text);
    if (json === null) return;
    this.#o.console?.write(json);
    this.#o.uploader?.push(json);
  }

  /**
   * The event's JSON once masked, or null when it must be dropped. The mask rule gets the event
   * as JSON text (encoded straight into the module's memory); the event is parsed only when there
   * is something to mask.
   */
  #mask(text: string): string | null {
    const evaluator = this.#o.evaluator;
    if (evaluator.current()?.entrypoints.includes(MASK_ENTRYPOINT) !== true) return text;
    const result = evaluator.evaluate(MASK_ENTRYPOINT, new JsonText(text));
    if (!result.ok) {
      // Undefined (no mask for this event) masks nothing, as in OPA.
      if (result.error.code === "policy_undefined") return text;
      return this.#failed(`${result.error.code}: ${result.error.message}`);
    }
    try {
      const rules = parseMaskRules(result.value);
      if (rules.length === 0) return text;
      const event = JSON.parse(text);
      applyMask(event, rules);
      return JSON.stringify(event);
    } catch (e) {
      return this.#failed((e as Error).message);
    }
  }

  #failed(message: string): null {
    this.maskFailures++;
    this.#o.onMaskFailed?.(message);
    return null;
  }
}
