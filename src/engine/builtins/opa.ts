/**
 * opa.runtime, trace and internal.test_case (a note for `opa test`'s tracer: true, as trace). opa.runtime returns a minimal document: no environment variables and no
 * configuration, because a policy must never read the gateway's secrets through it.
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { str } from "./operands.ts";

export const RUNTIME_VERSION = "gateway-host";

export const OPA_BUILTINS: Record<string, HostBuiltin> = {
  "opa.runtime": () => ({ env: {}, config: {}, version: RUNTIME_VERSION, commit: "" }),
  trace: (note) => {
    str("trace", note, 1);
    return true;
  },
  "internal.test_case": () => true,
};
