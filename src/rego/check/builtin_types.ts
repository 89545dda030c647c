/**
 * Declared argument and result types of the built-ins the type check knows, as OPA declares them
 * (v1/ast/builtins.go; the table is ours). A built-in missing here is unchecked: its arguments
 * may be anything and its result is `any`. Only add a signature that is exactly OPA's: a
 * narrower one would reject policies OPA accepts.
 */
import { ANY, anyOf, arrayOf, BOOLEAN, NULL, NUMBER, objectOf, setOf, STRING, type Type } from "./types.ts";

export interface Signature {
  args: Type[];
  result: Type;
}

const N = NUMBER, S = STRING, B = BOOLEAN;
const ARR = arrayOf(ANY), SET = setOf(ANY), OBJ = objectOf(ANY, ANY);
const NUM_OR_SET = anyOf(N, SET);
const COLLECTION = anyOf(ARR, SET);

function sig(args: Type[], result: Type): Signature {
  return { args, result };
}

function each(names: string[], s: Signature): [string, Signature][] {
  return names.map((n) => [n, s]);
}

const SIGNATURES: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  // Operators (comparisons and membership take anything).
  ...each(["plus", "mul", "div", "rem"], sig([N, N], N)),
  ["minus", sig([NUM_OR_SET, NUM_OR_SET], NUM_OR_SET)],
  ...each(["and", "or"], sig([SET, SET], SET)),
  ...each(["equal", "neq", "lt", "lte", "gt", "gte"], sig([ANY, ANY], B)),

  // Numbers.
  ...each(["abs", "ceil", "floor", "round"], sig([N], N)),
  ["numbers.range", sig([N, N], arrayOf(N))],
  ["numbers.range_step", sig([N, N, N], arrayOf(N))],
  ["rand.intn", sig([S, N], N)],

  // Aggregates.
  ["count", sig([anyOf(S, ARR, OBJ, SET)], N)],
  ...each(["sum", "product"], sig([anyOf(arrayOf(N), setOf(N))], N)),
  ...each(["max", "min"], sig([COLLECTION], ANY)),
  ["sort", sig([COLLECTION], ARR)],

  // Arrays and sets.
  ["array.concat", sig([ARR, ARR], ARR)],
  ["array.reverse", sig([ARR], ARR)],
  ["array.slice", sig([ARR, N, N], ARR)],
  ...each(["intersection", "union"], sig([setOf(SET)], SET)),

  // Objects.
  ["object.get", sig([OBJ, ANY, ANY], ANY)],
  ["object.keys", sig([OBJ], SET)],
  ["object.union", sig([OBJ, OBJ], ANY)],
  // OPA declares their results as any (a comparison with a number is no type error there).
  ...each(["object.remove", "object.filter"], sig([OBJ, anyOf(ARR, OBJ, SET)], ANY)),

  // Strings.
  ["concat", sig([S, anyOf(arrayOf(S), setOf(S))], S)],
  ...each(["contains", "startswith", "endswith"], sig([S, S], B)),
  ["format_int", sig([N, N], S)],
  ["indexof", sig([S, S], N)],
  ["indexof_n", sig([S, S], arrayOf(N))],
  ...each(["lower", "upper", "trim_space", "strings.reverse"], sig([S], S)),
  ["replace", sig([S, S, S], S)],
  ["split", sig([S, S], arrayOf(S))],
  ["sprintf", sig([S, ARR], S)],
  ["strings.count", sig([S, S], N)],
  ["strings.replace_n", sig([objectOf(S, S), S], S)],
  ["substring", sig([S, N, N], S)],
  ...each(["trim", "trim_left", "trim_prefix", "trim_right", "trim_suffix"], sig([S, S], S)),

  // Regular expressions and globs.
  ["regex.match", sig([S, S], B)],
  ["regex.split", sig([S, S], arrayOf(S))],
  ["regex.replace", sig([S, S, S], S)],
  ["regex.find_n", sig([S, S, N], arrayOf(S))],
  ["glob.quote_meta", sig([S], S)],

  // Conversions and types.
  ["to_number", sig([anyOf(NULL, B, N, S)], N)],
  ...each(
    ["is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set", "is_string"],
    sig([ANY], B),
  ),
  ["type_name", sig([ANY], S)],
  ...each(["units.parse", "units.parse_bytes"], sig([S], N)),

  // Encoding.
  ...each(
    [
      "base64.encode",
      "base64.decode",
      "base64url.encode",
      "base64url.encode_no_pad",
      "base64url.decode",
      "hex.encode",
      "hex.decode",
      "urlquery.encode",
      "urlquery.decode",
    ],
    sig([S], S),
  ),
  ...each(["base64.is_valid", "json.is_valid", "yaml.is_valid"], sig([S], B)),
  ...each(["json.marshal", "yaml.marshal"], sig([ANY], S)),
  ...each(["json.unmarshal", "yaml.unmarshal"], sig([S], ANY)),

  // Time, cryptography, versions.
  ["time.now_ns", sig([], N)],
  ["time.parse_ns", sig([S, S], N)],
  ...each(["time.parse_rfc3339_ns", "time.parse_duration_ns"], sig([S], N)),
  ...each(["crypto.md5", "crypto.sha1", "crypto.sha256"], sig([S], S)),
  ["semver.is_valid", sig([ANY], B)],
  ["semver.compare", sig([S, S], N)],
]);

/** The declared signature of built-in `name`, if the type check knows it. */
export function builtinSignature(name: string): Signature | undefined {
  return SIGNATURES.get(name);
}

/** Every built-in with a declared signature (for tests against the catalog). */
export function typedBuiltins(): string[] {
  return [...SIGNATURES.keys()];
}
