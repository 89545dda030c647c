/** The shape of a host built-in as the `@open-policy-agent/opa-wasm` SDK calls it. */
// deno-lint-ignore no-explicit-any
export type HostBuiltin = (...args: any[]) => unknown;
