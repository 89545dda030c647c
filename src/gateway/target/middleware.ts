/**
 * The pipeline's canonical-target stage: reads the request's method, host, path and query once
 * (target.ts) into the request state, or refuses the request (400 path_invalid / target_invalid,
 * 405 method_not_allowed). Every later stage uses the state's fields, never the raw URL.
 */
import { errorResponse } from "../errors/respond.ts";
import type { Stage } from "../stage.ts";
import { targetOf, type TargetOptions, TargetRefusal } from "./target.ts";

export function targetStage(opts: TargetOptions): Stage {
  return function canonicalTarget(c, state) {
    const t = targetOf(c.req.raw, opts);
    if (t instanceof TargetRefusal) {
      state.detail = t.detail;
      return errorResponse(c, t.reason);
    }
    state.method = t.method;
    state.host = t.host;
    state.path = t.path;
    state.search = t.search;
    return null;
  };
}
