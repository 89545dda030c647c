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
 */

export type HostBuiltin = (...args: unknown[]) => unknown;
export type HostBuiltins = Record<string, HostBuiltin>;

export function adaptBuiltins(registry: HostBuiltins, strict: boolean): HostBuiltins {
  if (strict) return { ...registry };
  const adapted: HostBuiltins = {};
  for (const [name, impl] of Object.entries(registry)) {
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
