/**
 * Host built-ins as the SDK's custom built-ins.
 *
 * OPA's Wasm target lets a built-in error either abort evaluation (strict-builtin-errors) or make
 * the call undefined (the default). The SDK converts a JS `undefined` return into an undefined
 * value, so in non-strict mode a throwing built-in is wrapped to return `undefined`; in strict mode
 * the error propagates out of `evaluate()`, which the engine reports as policy_eval_failed.
 *
 * Built-ins the SDK implements itself (json, strings, regex, yaml helpers) take precedence over
 * these and are not wrapped: their errors always propagate.
 *
 * Each built-in that the compiler calls through the set codec is also offered as `<name>#sets`
 * (builtins/set_codec.ts).
 */
import { withSetCodec } from "./builtins/set_codec.ts";

export type HostBuiltin = (...args: unknown[]) => unknown;
export type HostBuiltins = Record<string, HostBuiltin>;

export function adaptBuiltins(registry: HostBuiltins, strict: boolean): HostBuiltins {
  const all = withSetCodec(registry);
  if (strict) return all;
  const adapted: HostBuiltins = {};
  for (const [name, impl] of Object.entries(all)) {
    adapted[name] = (...args: unknown[]) => {
      try {
        return impl(...args);
      } catch {
        return undefined;
      }
    };
  }
  return adapted;
}
