/**
 * Sets across the host boundary. The SDK passes a host built-in's arguments and result as JSON,
 * which has no sets: a set would reach the host as an array and a set result come back as one
 * (so `net.cidr_expand(c)["10.0.0.1"]` or `s == {…}` would be undefined where OPA is true).
 *
 * A host built-in whose declared argument or result types may hold a set therefore uses the set
 * codec (runtime: assembly/host_sets.ts; host: src/engine/builtins/set_codec.ts): the module
 * encodes every set in its arguments as `{"\u0000": [elements]}` (escaping object keys that start
 * with NUL by one more NUL) and decodes the result the same way; the host decodes the arguments
 * (into sets for built-ins that tell sets from arrays, into arrays for the others), converts the
 * result to the shape of its declared type (an array where the type says set becomes a set) and
 * encodes it.
 *
 * The module asks for such a built-in under a name of its own, `<name>#sets`, so the codec is part
 * of the contract: a module built by `opa build` asks for `<name>` and gets plain JSON.
 */
import { type Builtin, registryEntry } from "./registry.ts";

/** The suffix of the name under which a module calls a built-in with the set codec. */
export const SET_CODEC_SUFFIX = "#sets";

/**
 * Whether a value of this declared type (OPA's notation) may hold a set: the type names a set, or
 * has `any` without members somewhere (a bare `any`, not the union `any<…>`).
 */
export function typeMayHoldSet(type: string): boolean {
  return /set\[|\bany\b(?!<)/.test(type);
}

/** Whether calls to this built-in go through the set codec. */
export function usesSetCodec(b: Builtin): boolean {
  if (b.home !== "host") return false;
  const types = [...b.args, ...(b.variadic ? [b.variadic] : []), ...(b.result ? [b.result] : [])];
  return types.some(typeMayHoldSet);
}

/** The name under which a module imports the host built-in `name`. */
export function hostCallName(name: string): string {
  const b = registryEntry(name);
  return b !== undefined && usesSetCodec(b) ? name + SET_CODEC_SUFFIX : name;
}
