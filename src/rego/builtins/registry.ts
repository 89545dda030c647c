/**
 * The registry of built-in functions: the single source of truth for every built-in the compiler
 * knows. Per built-in: its name, OPA's declared signature (in OPA's type notation), OPA's flags,
 * and where it is implemented:
 *
 * - `native`:   the Wasm runtime exports it (`bi_<name>`, listed in native.ts);
 * - `host`:     the host provides it through `opa_builtinN` (the engine's src/engine/builtins/);
 * - `compiler`: the compiler plans it itself (operators, print, trace, walk, rego.metadata.*);
 * - `refused`:  a call is a compile-time error naming the built-in and `refusal`.
 *
 * A host built-in with `optIn` is refused the same way unless the compile enables it by name
 * (CompileOptions.allowBuiltins): it needs the operator's configuration (http.send's allowed hosts).
 *
 * So no built-in can be missing at run time: a module calls only what the runtime exports or what
 * HOST_BUILTINS implements (tests hold native.ts, HOST_BUILTINS and OPA's capabilities against
 * this table). catalog.ts and check/builtin_types.ts are views of it.
 */
import type { OpaBuiltin } from "./opa_builtin.ts";

export type Home = "native" | "host" | "compiler" | "refused";

export interface Builtin extends OpaBuiltin {
  home: Home;
  /** Has an effect besides its result (output): skipping a call would change behaviour. */
  effect?: boolean;
  /** Why a `refused` built-in is refused. */
  refusal?: string;
  /** A host built-in refused unless the compile enables it: why, and how to enable it. */
  optIn?: string;
}

type Flags = Omit<Builtin, "name" | "args" | "result" | "variadic" | "home">;

/** `(string, number) => boolean`, `(any...)`, `()  => number`: OPA's function notation. */
function signature(text: string): Pick<Builtin, "args" | "result" | "variadic"> {
  const m = /^\((.*)\)(?: => (.+))?$/.exec(text);
  if (m === null) throw new Error(`bad signature ${text}`);
  const args = splitTop(m[1]);
  const result = m[2];
  if (args.length === 1 && args[0].endsWith("...")) {
    return { args: [], variadic: args[0].slice(0, -3), ...(result ? { result } : {}) };
  }
  return { args, ...(result ? { result } : {}) };
}

/** Splits "a, b<c, d>, e" at the commas outside brackets. */
export function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "<" || c === "[") depth++;
    else if (c === ">" || c === "]") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last.length > 0) out.push(last);
  return out;
}

function entry(home: Home, name: string, sig: string, flags: Flags = {}): Builtin {
  return { name, ...signature(sig), home, ...flags };
}
const native = (name: string, sig: string, flags?: Flags) => entry("native", name, sig, flags);
const host = (name: string, sig: string, flags?: Flags) => entry("host", name, sig, flags);
const compiler = (name: string, sig: string, flags?: Flags) => entry("compiler", name, sig, flags);
const refused = (name: string, sig: string, refusal: string, flags?: Flags) =>
  entry("refused", name, sig, { ...flags, refusal });
const each = (make: (n: string) => Builtin, names: string[]) => names.map(make);

const SET_OR_ARRAY = "any<array[any], set[any]>";
const STRINGS = "any<string, array[string], set[string]>";
const TIME = "any<number, array<number, string>>";
const SCHEMA = "any<string, object[any: any]>";
const PATHS = "any<array[any<string, array[any]>], set[any<string, array[any]>]>";
const CIDRS =
  "any<string, array[any<string, array[any]>], object[string: any<string, array[any]>], set[any<string, array[any]>]>";
const OBJ = "object[any: any]";
const STR_OBJ = "object[string: any]";
const KEYS = "any<array[any], object[any: any], set[any]>";
const ND = { nondeterministic: true };
// Reasons for the built-ins this gateway refuses: answering differently from OPA would be worse.
const NOT_FAITHFUL =
  " is not reproduced by this gateway, and a different answer would make a policy decide " +
  "differently than under OPA";
const PARSE_MODULE = "OPA returns its own Go AST as JSON (terms, locations, annotations), which" +
  NOT_FAITHFUL;

const NETWORK_REFUSAL =
  "a host built-in runs synchronously on the serving thread, so a network call holds up " +
  "every request in flight until it answers";
const LOOKUP_OPT_IN = "net.lookup_ip_addr is off unless the operator enables it (policy.lookupIpAddr in " +
  'the gateway configuration: allowed names, timeout; the compile then passes allowBuiltins: ["net.lookup_ip_addr"]), ' +
  "because " + NETWORK_REFUSAL;
const HTTP_OPT_IN = "http.send is off unless the operator enables it (policy.httpSend in the gateway " +
  "configuration: allowed hosts, timeout, response size limit; the compile then passes allowBuiltins: " +
  '["http.send"]), because ' + NETWORK_REFUSAL;

const REGISTRY: readonly Builtin[] = [
  // Operators and the parser's internal functions.
  compiler("eq", "(any, any) => boolean", { infix: "=" }),
  compiler("assign", "(any, any) => boolean", { infix: ":=" }),
  native("equal", "(any, any) => boolean", { infix: "==" }),
  native("neq", "(any, any) => boolean", { infix: "!=" }),
  native("lt", "(any, any) => boolean", { infix: "<" }),
  native("lte", "(any, any) => boolean", { infix: "<=" }),
  native("gt", "(any, any) => boolean", { infix: ">" }),
  native("gte", "(any, any) => boolean", { infix: ">=" }),
  native("plus", "(number, number) => number", { infix: "+" }),
  native("minus", "(any<number, set[any]>, any<number, set[any]>) => any<number, set[any]>", { infix: "-" }),
  native("mul", "(number, number) => number", { infix: "*" }),
  native("div", "(number, number) => number", { infix: "/" }),
  native("rem", "(number, number) => number", { infix: "%" }),
  native("and", "(set[any], set[any]) => set[any]", { infix: "&" }),
  native("or", "(set[any], set[any]) => set[any]", { infix: "|" }),
  native("internal.member_2", "(any, any) => boolean", { infix: "in" }),
  native("internal.member_3", "(any, any, any) => boolean", { infix: "in" }),
  host("internal.print", "(array[set[any]])", { effect: true }),
  host("internal.template_string", "(array[any]) => string"),
  host("internal.test_case", "(array[any])"),

  // Numbers.
  ...each((n) => native(n, "(number) => number"), ["abs", "ceil", "floor", "round"]),
  native("numbers.range", "(number, number) => array[number]"),
  host("numbers.range_step", "(number, number, number) => array[number]"),
  host("rand.intn", "(string, number) => number", ND),

  // Aggregates.
  native("count", "(any<string, array[any], object[any: any], set[any]>) => number"),
  native("sum", "(any<array[number], set[number]>) => number"),
  native("product", "(any<array[number], set[number]>) => number"),
  native("max", `(${SET_OR_ARRAY}) => any`),
  native("min", `(${SET_OR_ARRAY}) => any`),
  native("sort", `(${SET_OR_ARRAY}) => array[any]`),
  native("all", `(${SET_OR_ARRAY}) => boolean`, { deprecated: true }),
  native("any", `(${SET_OR_ARRAY}) => boolean`, { deprecated: true }),

  // Arrays.
  native("array.concat", "(array[any], array[any]) => array[any]"),
  host("array.flatten", "(array[any]) => array[any]"),
  native("array.reverse", "(array[any]) => array[any]"),
  native("array.slice", "(array[any], number, number) => array[any]"),

  // Sets.
  native("intersection", "(set[set[any]]) => set[any]"),
  native("union", "(set[set[any]]) => set[any]"),
  native("set_diff", "(set[any], set[any]) => set[any]", { deprecated: true }),

  // Objects.
  native("object.filter", `(${OBJ}, ${KEYS}) => ${OBJ}`),
  native("object.get", `(${OBJ}, any, any) => any`),
  native("object.keys", `(${OBJ}) => set[any]`),
  native("object.remove", `(${OBJ}, ${KEYS}) => ${OBJ}`),
  host("object.subset", `(${KEYS}, ${KEYS}) => boolean`),
  native("object.union", `(${OBJ}, ${OBJ}) => ${OBJ}`),
  host("object.union_n", `(array[${OBJ}]) => ${OBJ}`),
  native("json.filter", `(${OBJ}, ${PATHS}) => ${OBJ}`),
  host("json.patch", "(any, array[object<op: string, path: any>[any: any]]) => any"),
  native("json.remove", `(${OBJ}, ${PATHS}) => ${OBJ}`),

  // Strings.
  native("concat", "(string, any<array[string], set[string]>) => string"),
  native("contains", "(string, string) => boolean"),
  native("endswith", "(string, string) => boolean"),
  native("format_int", "(number, number) => string"),
  native("indexof", "(string, string) => number"),
  host("indexof_n", "(string, string) => array[number]"),
  native("lower", "(string) => string"),
  native("replace", "(string, string, string) => string"),
  native("split", "(string, string) => array[string]"),
  native("sprintf", "(string, array[any]) => string"),
  native("startswith", "(string, string) => boolean"),
  native("strings.any_prefix_match", `(${STRINGS}, ${STRINGS}) => boolean`),
  native("strings.any_suffix_match", `(${STRINGS}, ${STRINGS}) => boolean`),
  native("strings.count", "(string, string) => number"),
  host("strings.render_template", "(string, object[string: any]) => string"),
  native("strings.replace_n", "(object[string: string], string) => string"),
  native("strings.reverse", "(string) => string"),
  host("strings.split_n", "(string, string, number) => array[string]"),
  native("substring", "(string, number, number) => string"),
  ...each(
    (n) => native(n, "(string, string) => string"),
    ["trim", "trim_left", "trim_prefix", "trim_right", "trim_suffix"],
  ),
  native("trim_space", "(string) => string"),
  native("upper", "(string) => string"),

  // Regular expressions and globs.
  native("regex.find_all_string_submatch_n", "(string, string, number) => array[array[string]]"),
  native("regex.find_n", "(string, string, number) => array[string]"),
  host("regex.globs_match", "(string, string) => boolean"),
  native("regex.is_valid", "(string) => boolean"),
  native("regex.match", "(string, string) => boolean"),
  host("regex.replace", "(string, string, string) => string"),
  native("regex.split", "(string, string) => array[string]"),
  host("regex.template_match", "(string, string, string, string) => boolean"),
  native("re_match", "(string, string) => boolean", { deprecated: true }),
  native("glob.match", "(string, any<null, array[string]>, string) => boolean"),
  native("glob.quote_meta", "(string) => string"),

  // Bits.
  ...each((n) => native(n, "(number, number) => number"), [
    "bits.and",
    "bits.or",
    "bits.xor",
    "bits.lsh",
    "bits.rsh",
  ]),
  native("bits.negate", "(number) => number"),

  // Conversions and types.
  native("to_number", "(any<null, boolean, number, string>) => number"),
  host("cast_array", "(any) => array[any]", { deprecated: true }),
  host("cast_boolean", "(any) => boolean", { deprecated: true }),
  host("cast_null", "(any) => null", { deprecated: true }),
  host("cast_object", "(any) => object[any: any]", { deprecated: true }),
  host("cast_set", "(any) => set[any]", { deprecated: true }),
  host("cast_string", "(any) => string", { deprecated: true }),
  ...each(
    (n) => native(n, "(any) => boolean"),
    ["is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set", "is_string"],
  ),
  native("type_name", "(any) => string"),
  host("units.parse", "(string) => number"),
  host("units.parse_bytes", "(string) => number"),

  // Encoding.
  ...each((n) => native(n, "(string) => string"), ["base64.encode", "base64.decode"]),
  native("base64.is_valid", "(string) => boolean"),
  ...each((n) => native(n, "(string) => string"), [
    "base64url.encode",
    "base64url.encode_no_pad",
    "base64url.decode",
  ]),
  ...each((n) => host(n, "(string) => string"), ["hex.encode", "hex.decode"]),
  native("json.is_valid", "(string) => boolean"),
  native("json.marshal", "(any) => string"),
  host(
    "json.marshal_with_options",
    "(any, object<indent: string, prefix: string, pretty: boolean>[string: any]) => string",
  ),
  native("json.unmarshal", "(string) => any"),
  host(
    "json.match_schema",
    `(${SCHEMA}, ${SCHEMA}) => array<boolean, array[object<desc: string, error: string, field: string, type: string>]>`,
  ),
  host("json.verify_schema", `(${SCHEMA}) => array<boolean, any<null, string>>`),
  host("yaml.is_valid", "(string) => boolean"),
  host("yaml.marshal", "(any) => string"),
  host("yaml.unmarshal", "(string) => any"),
  ...each((n) => host(n, "(string) => string"), ["urlquery.encode", "urlquery.decode"]),
  host("urlquery.encode_object", "(object[string: any<string, array[string], set[string]>]) => string"),
  host("urlquery.decode_object", "(string) => object[string: array[string]]"),
  host("uri.is_valid", "(string) => boolean"),
  host("uri.parse", "(string) => object[string: string]"),

  // Tokens.
  host("io.jwt.decode", `(string) => array<${OBJ}, ${OBJ}, string>`),
  host("io.jwt.decode_verify", `(string, ${STR_OBJ}) => array<boolean, ${OBJ}, ${OBJ}>`, ND),
  host("io.jwt.encode_sign", `(${STR_OBJ}, ${STR_OBJ}, ${STR_OBJ}) => string`, ND),
  host("io.jwt.encode_sign_raw", "(string, string, string) => string", ND),
  ...each(
    (n) => host(`io.jwt.verify_${n}`, "(string, string) => boolean"),
    ["eddsa", ...["es", "hs", "ps", "rs"].flatMap((a) => ["256", "384", "512"].map((n) => a + n))],
  ),

  // Time.
  host("time.now_ns", "() => number", ND),
  host("time.parse_ns", "(string, string) => number"),
  host("time.parse_rfc3339_ns", "(string) => number"),
  host("time.parse_duration_ns", "(string) => number"),
  host("time.format", "(any<number, array<number, string>, array<number, string, string>>) => string"),
  host("time.date", `(${TIME}) => array<number, number, number>`),
  host("time.clock", `(${TIME}) => array<number, number, number>`),
  host("time.weekday", `(${TIME}) => string`),
  host("time.add_date", "(number, number, number, number) => number"),
  host("time.diff", `(${TIME}, ${TIME}) => array<number, number, number, number, number, number>`),

  // Cryptography.
  ...each((n) => host(n, "(string) => string"), ["crypto.md5", "crypto.sha1", "crypto.sha256"]),
  ...each(
    (n) => host(n, "(string, string) => string"),
    ["crypto.hmac.md5", "crypto.hmac.sha1", "crypto.hmac.sha256", "crypto.hmac.sha512"],
  ),
  host("crypto.hmac.equal", "(string, string) => boolean"),
  host("crypto.parse_private_keys", `(string) => array[${STR_OBJ}]`),
  host("crypto.x509.parse_certificates", `(string) => array[${STR_OBJ}]`),
  host("crypto.x509.parse_certificate_request", `(string) => ${STR_OBJ}`),
  host("crypto.x509.parse_rsa_private_key", `(string) => ${STR_OBJ}`),
  host("crypto.x509.parse_keypair", `(string, string) => ${STR_OBJ}`),
  // Verification checks validity periods against the current time (OPA does not flag it).
  host("crypto.x509.parse_and_verify_certificates", `(string) => array<boolean, array[${STR_OBJ}]>`, ND),
  host(
    "crypto.x509.parse_and_verify_certificates_with_options",
    `(string, ${STR_OBJ}) => array<boolean, array[${STR_OBJ}]>`,
    ND,
  ),

  // Graphs and GraphQL.
  compiler("walk", "(any) => array<array[any], any>", { relation: true }),
  native("graph.reachable", `(object[any: ${SET_OR_ARRAY}], ${SET_OR_ARRAY}) => set[any]`),
  host("graph.reachable_paths", `(object[any: ${SET_OR_ARRAY}], ${SET_OR_ARRAY}) => set[array[any]]`),
  host("graphql.is_valid", `(${SCHEMA}, ${SCHEMA}) => boolean`),
  host("graphql.parse", `(${SCHEMA}, ${SCHEMA}) => array<${OBJ}, ${OBJ}>`),
  host("graphql.parse_and_verify", `(${SCHEMA}, ${SCHEMA}) => array<boolean, ${OBJ}, ${OBJ}>`),
  host("graphql.parse_query", `(string) => ${OBJ}`),
  host("graphql.parse_schema", `(string) => ${OBJ}`),
  host("graphql.schema_is_valid", `(${SCHEMA}) => boolean`),

  // Network, HTTP and cloud providers.
  host("http.send", `(${STR_OBJ}) => ${OBJ}`, { ...ND, optIn: HTTP_OPT_IN }),
  host("net.lookup_ip_addr", "(string) => set[string]", { ...ND, optIn: LOOKUP_OPT_IN }),
  native("net.cidr_contains", "(string, string) => boolean"),
  host("net.cidr_contains_matches", `(${CIDRS}, ${CIDRS}) => set[array<any, any>]`),
  native("net.cidr_intersects", "(string, string) => boolean"),
  host("net.cidr_expand", "(string) => set[string]"),
  host("net.cidr_is_valid", "(string) => boolean"),
  host("net.cidr_merge", "(any<array[any<string>], set[string]>) => set[string]"),
  native("net.cidr_overlap", "(string, string) => boolean", { deprecated: true }),
  host("providers.aws.sign_req", `(${STR_OBJ}, ${STR_OBJ}, number) => ${OBJ}`),

  // Identifiers and versions.
  host("uuid.rfc4122", "(string) => string", ND),
  host("uuid.parse", `(string) => ${STR_OBJ}`),
  host("semver.is_valid", "(any) => boolean"),
  host("semver.compare", "(string, string) => number"),

  // Rego and OPA.
  refused("rego.parse_module", `(string, string) => ${STR_OBJ}`, PARSE_MODULE),
  // Replaced by constants from the METADATA annotations at compile time (check/metadata.ts).
  compiler("rego.metadata.chain", "() => array[any]"),
  compiler("rego.metadata.rule", "() => any"),
  host("opa.runtime", `() => ${STR_OBJ}`, ND),

  // Debugging.
  compiler("print", "(any...)", { effect: true }),
  compiler("trace", "(string) => boolean", { effect: true }),
];

const BY_NAME: ReadonlyMap<string, Builtin> = new Map(REGISTRY.map((b) => [b.name, b]));

/** The built-in called `name` ("count", "strings.replace_n"), or undefined. */
export function registryEntry(name: string): Builtin | undefined {
  return BY_NAME.get(name);
}

/** Every built-in, grouped by family. */
export function registry(): readonly Builtin[] {
  return REGISTRY;
}

/**
 * Why a call to `name` must be refused at compile time, given the built-ins the compile enables;
 * undefined when it may be called.
 */
export function refusalOf(name: string, allowed: ReadonlySet<string> = new Set()): string | undefined {
  const b = BY_NAME.get(name);
  if (b === undefined) return undefined;
  if (b.optIn !== undefined) return allowed.has(name) ? undefined : b.optIn;
  return b.home === "refused" ? b.refusal : undefined;
}
