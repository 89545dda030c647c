/**
 * Host built-ins as the SDK's custom built-ins.
 *
 * OPA's Wasm target lets a built-in error either abort evaluation (strict-builtin-errors) or make
 * the call undefined (the default). The SDK converts a JS `undefined` return into an undefined
 * value, so in non-strict mode a throwing built-in is wrapped to return `undefined`; in strict mode
 * the error propagates out of `evaluate()`, which the engine reports as policy_eval_failed.
 *
 * Every built-in first checks the evaluation's deadline (instance/deadline.ts): a policy that
 * spends its time in host built-ins is stopped as one that loops. The deadline's signal is never
 * turned into an undefined value.
 *
 * Built-ins the SDK implements itself (json, strings, regex, yaml helpers) take precedence over
 * these and are not wrapped: their errors always propagate, and they do not check the deadline.
 *
 * Each built-in that the compiler calls through the set codec is also offered as `<name>#sets`
 * (builtins/set_codec.ts).
 */
import { withSetCodec } from "./builtins/set_codec.ts";
import { checkDeadline, isMeterSignal } from "./instance/deadline.ts";

export type HostBuiltin = (...args: unknown[]) => unknown;
export type HostBuiltins = Record<string, HostBuiltin>;

export function adaptBuiltins(registry: HostBuiltins, strict: boolean): HostBuiltins {
  const adapted: HostBuiltins = {};
  for (const [name, impl] of Object.entries(withSetCodec(registry))) {
    adapted[name] = strict
      ? (...args: unknown[]) => {
        checkDeadline();
        return impl(...args);
      }
      : (...args: unknown[]) => {
        checkDeadline();
        try {
          return impl(...args);
        } catch (e) {
          if (isMeterSignal(e)) throw e;
          return undefined;
        }
      };
  }
  return adapted;
}
