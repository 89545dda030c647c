/** Shared helpers for the built-in tests. */
import assert from "node:assert/strict";
import { BuiltinError, HOST_BUILTINS } from "./index.ts";

export function call(name: string, ...args: unknown[]): unknown {
  const impl = HOST_BUILTINS[name];
  assert.ok(impl, `no host built-in ${name}`);
  return impl(...args);
}

/** Assert that calling the built-in throws a BuiltinError whose message is exactly `message`. */
export function assertFails(name: string, args: unknown[], message: string | RegExp): void {
  assert.throws(() => call(name, ...args), (e: unknown) => {
    assert.ok(e instanceof BuiltinError, `expected BuiltinError, got ${e}`);
    assert.equal(e.builtin, name);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}
