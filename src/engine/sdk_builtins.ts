/**
 * Our host built-ins win over the SDK's own.
 *
 * `@open-policy-agent/opa-wasm` (v1.10) looks a built-in up in its own table (json.is_valid,
 * sprintf, regex.split, yaml.is_valid, yaml.marshal, yaml.unmarshal: JS semantics, not Go's) before
 * the custom built-ins it is given, so ours would never run. The table is the CommonJS export of the
 * SDK's src/builtins/index.js, one object shared by every loaded policy (createRequire reaches the
 * same instance the SDK's ESM entry uses under Deno: the test proves it). Taking over removes from
 * it every name the host implements. If the SDK's layout changes, this throws, and loading a policy
 * fails rather than silently running the SDK's implementations.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let sdkTable: Record<string, unknown> | undefined;

/** The SDK's own built-in table (the object its `_builtinCall` consults first). */
export function sdkBuiltinTable(): Record<string, unknown> {
  if (sdkTable === undefined) {
    const require = createRequire(import.meta.url);
    const main = require.resolve("@open-policy-agent/opa-wasm");
    const table = require(join(dirname(main), "builtins", "index.js"));
    if (typeof table !== "object" || table === null) {
      throw new Error("the opa-wasm SDK's built-in table is not where this engine expects it");
    }
    sdkTable = table as Record<string, unknown>;
  }
  return sdkTable;
}

/** Removes from the SDK's table every built-in that `ours` implements; returns the names removed. */
export function preferOurBuiltins(ours: Readonly<Record<string, unknown>>): string[] {
  const table = sdkBuiltinTable();
  const removed = Object.keys(table).filter((name) => Object.hasOwn(ours, name));
  for (const name of removed) delete table[name];
  const left = removed.filter((name) => Object.hasOwn(table, name));
  if (left.length > 0) throw new Error(`cannot override the SDK's built-ins ${left.join(", ")}`);
  return removed;
}
