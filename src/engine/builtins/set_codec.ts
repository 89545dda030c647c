/**
 * The host side of the set codec (the compiler's src/rego/builtins/host_sets.ts says why and
 * when): a module compiled by this project calls a host built-in whose declared types may hold a
 * set as `<name>#sets`, with each set in its arguments encoded as `{"\u0000": [elements]}` and
 * each object key that starts with NUL escaped by one more NUL; it decodes the result the same way.
 *
 * `withSetCodec` adds those `#sets` entries in front of the plain ones:
 * - arguments are decoded: into RegoSets for a built-in marked `takesSets` (it tells sets from
 *   arrays, as OPA does), into arrays (today's JSON view) for the others;
 * - the result is shaped to the built-in's declared result type: an array where the type says
 *   `set` becomes a set (recursively through arrays and objects; where the type is `any`, or a union
 *   that allows both an array and a set, the value is left as the built-in made it); then encoded.
 */
import { parseType, registryEntry, SET_CODEC_SUFFIX, type Type, usesSetCodec } from "../../rego/abi.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { isTakingSets, RegoSet } from "./rego_set.ts";
import { regoSet } from "./values.ts";

const NUL = "\u0000";

/** A JSON object (not an array, a RegoSet, or a JSON.rawJSON number). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RegoSet) && !isRawJson(v);
}

function isRawJson(v: unknown): boolean {
  return (JSON as unknown as { isRawJSON(v: unknown): boolean }).isRawJSON(v);
}

/** Decodes one argument (fresh from JSON.parse, so arrays are decoded in place). */
export function decodeArg(v: unknown, asSets: boolean): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decodeArg(v[i], asSets);
    return v;
  }
  if (!isPlainObject(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === NUL && Array.isArray(v[NUL])) {
    const items = v[NUL].map((x) => decodeArg(x, asSets));
    return asSets ? new RegoSet(items) : items;
  }
  if (!keys.some((k) => k.startsWith(NUL))) {
    for (const k of keys) v[k] = decodeArg(v[k], asSets);
    return v;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.startsWith(NUL) ? k.slice(1) : k] = decodeArg(v[k], asSets);
  return out;
}

/** The member of a declared type that describes a value of this kind, if exactly one does. */
function memberFor(t: Type | undefined, v: unknown): Type | undefined {
  if (t === undefined || t.kind !== "any") return t;
  if (t.of.length === 0) return undefined;
  const kinds = Array.isArray(v) ? ["array", "set"] : isPlainObject(v) ? ["object"] : [];
  const fits = t.of.filter((m) => kinds.includes(m.kind));
  return fits.length === 1 ? fits[0] : undefined;
}

/** Shapes a result to its declared type and encodes it for the module. */
export function encodeResult(v: unknown, declared: Type | undefined): unknown {
  const t = memberFor(declared, v);
  if (v instanceof RegoSet || (Array.isArray(v) && t?.kind === "set")) {
    const items = v instanceof RegoSet ? v.items : v;
    const of = t?.kind === "set" ? t.of : undefined;
    return { [NUL]: items.map((x) => encodeResult(x, of)) };
  }
  if (Array.isArray(v)) {
    const at = (i: number) => t?.kind === "array" ? t.items[i] ?? t.dynamic : undefined;
    return v.map((x, i) => encodeResult(x, at(i)));
  }
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const vt = t?.kind === "object" ? t.props.get(JSON.stringify(k)) ?? t.dynamic?.value : undefined;
    out[k.startsWith(NUL) ? NUL + k : k] = encodeResult(x, vt);
  }
  return out;
}

/** The `#sets` form of a built-in: decode the arguments, call, shape and encode the result. */
function withCodec(name: string, impl: HostBuiltin): HostBuiltin {
  const entry = registryEntry(name)!;
  const result = entry.result === undefined ? undefined : parseType(entry.result);
  const asSets = isTakingSets(impl);
  return (...args: unknown[]) => {
    const out = impl(...args.map((a) => decodeArg(a, asSets)));
    return out === undefined ? undefined : encodeResult(out, result);
  };
}

/** Plain JSON for a module that does not speak the codec: RegoSets become sorted arrays. */
export function plainResult(v: unknown): unknown {
  if (v instanceof RegoSet) return regoSet(v.items).items.map(plainResult);
  if (Array.isArray(v)) return v.map(plainResult);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainResult(x)]));
}

/**
 * The built-ins plus, for each that uses the codec, its `<name>#sets` form. The plain form of a
 * built-in that takes sets answers in plain JSON (its RegoSets as arrays).
 */
export function withSetCodec(builtins: Record<string, HostBuiltin>): Record<string, HostBuiltin> {
  const out = { ...builtins };
  for (const [name, impl] of Object.entries(builtins)) {
    const entry = registryEntry(name);
    if (entry !== undefined && usesSetCodec(entry)) out[name + SET_CODEC_SUFFIX] = withCodec(name, impl);
    if (isTakingSets(impl)) out[name] = (...args: unknown[]) => plainResult(impl(...args));
  }
  return out;
}
