/**
 * The catalog of Rego built-in functions: every name OPA v1 knows, with its arity.
 *
 * Used by the checks (unknown functions, argument counts, the v0 "extra output argument" call
 * form) and by the planner. Names and arities follow OPA's policy reference; the table is ours.
 * It also lists the internal functions the parser produces for operators (`eq`, `plus`, …,
 * `internal.member_2`). Functions deprecated in OPA are flagged: Rego v1 modules may not call them.
 */

export interface BuiltinInfo {
  /** Dotted name as written in Rego: "count", "strings.replace_n". */
  name: string;
  /** Number of declared arguments (for a variadic function: the fixed ones, here 0). */
  args: number;
  /** False for functions that return nothing (print). */
  result: boolean;
  /** Removed from Rego v1; still available to v0 modules. */
  deprecated?: boolean;
  /** Takes any number of arguments (print). */
  variadic?: boolean;
  /** The operator the parser turns into a call to this function (`+` for plus). */
  infix?: string;
  /** May return different results for the same arguments (time, randomness, network). */
  nondeterministic?: boolean;
  /** Has an effect besides its result (output): skipping a call would change behaviour. */
  effect?: boolean;
}

type Flags = Omit<BuiltinInfo, "name" | "args" | "result">;

function fn(name: string, args: number, flags: Flags = {}): BuiltinInfo {
  return { name, args, result: true, ...flags };
}
function op(name: string, args: number, infix: string): BuiltinInfo {
  return { name, args, result: true, infix };
}
function old(name: string, args: number): BuiltinInfo {
  return { name, args, result: true, deprecated: true };
}
function impure(name: string, args: number): BuiltinInfo {
  return { name, args, result: true, nondeterministic: true };
}
function family(prefix: string, names: string[], args: number): BuiltinInfo[] {
  return names.map((n) => fn(`${prefix}${n}`, args));
}

const CATALOG: BuiltinInfo[] = [
  // Operators: unification, assignment, comparison, arithmetic, set operators, membership.
  op("eq", 2, "="),
  op("assign", 2, ":="),
  op("equal", 2, "=="),
  op("neq", 2, "!="),
  op("lt", 2, "<"),
  op("lte", 2, "<="),
  op("gt", 2, ">"),
  op("gte", 2, ">="),
  op("plus", 2, "+"),
  op("minus", 2, "-"),
  op("mul", 2, "*"),
  op("div", 2, "/"),
  op("rem", 2, "%"),
  op("and", 2, "&"),
  op("or", 2, "|"),
  op("internal.member_2", 2, "in"),
  op("internal.member_3", 3, "in"),
  { name: "internal.print", args: 1, result: false, effect: true },
  fn("internal.template_string", 1),
  { name: "internal.test_case", args: 1, result: false },

  // Numbers.
  ...family("", ["abs", "ceil", "floor", "round"], 1),
  fn("numbers.range", 2),
  fn("numbers.range_step", 3),
  impure("rand.intn", 2),

  // Aggregates.
  ...family("", ["count", "sum", "product", "max", "min", "sort"], 1),
  old("all", 1),
  old("any", 1),

  // Arrays.
  fn("array.concat", 2),
  fn("array.flatten", 1),
  fn("array.reverse", 1),
  fn("array.slice", 3),

  // Sets.
  fn("intersection", 1),
  fn("union", 1),
  old("set_diff", 2),

  // Objects.
  fn("object.filter", 2),
  fn("object.get", 3),
  fn("object.keys", 1),
  fn("object.remove", 2),
  fn("object.subset", 2),
  fn("object.union", 2),
  fn("object.union_n", 1),
  fn("json.filter", 2),
  fn("json.patch", 2),
  fn("json.remove", 2),

  // Strings.
  fn("concat", 2),
  fn("contains", 2),
  fn("endswith", 2),
  fn("format_int", 2),
  fn("indexof", 2),
  fn("indexof_n", 2),
  fn("lower", 1),
  fn("replace", 3),
  fn("split", 2),
  fn("sprintf", 2),
  fn("startswith", 2),
  fn("strings.any_prefix_match", 2),
  fn("strings.any_suffix_match", 2),
  fn("strings.count", 2),
  fn("strings.render_template", 2),
  fn("strings.replace_n", 2),
  fn("strings.reverse", 1),
  fn("strings.split_n", 3),
  fn("substring", 3),
  ...family("", ["trim", "trim_left", "trim_prefix", "trim_right", "trim_suffix"], 2),
  fn("trim_space", 1),
  fn("upper", 1),

  // Regular expressions and globs.
  fn("regex.find_all_string_submatch_n", 3),
  fn("regex.find_n", 3),
  fn("regex.globs_match", 2),
  fn("regex.is_valid", 1),
  fn("regex.match", 2),
  fn("regex.replace", 3),
  fn("regex.split", 2),
  fn("regex.template_match", 4),
  old("re_match", 2),
  fn("glob.match", 3),
  fn("glob.quote_meta", 1),

  // Bits.
  ...family("bits.", ["and", "or", "xor", "lsh", "rsh"], 2),
  fn("bits.negate", 1),

  // Conversions and types.
  fn("to_number", 1),
  ...family("", ["cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string"], 1)
    .map((b) => ({ ...b, deprecated: true })),
  ...family("", ["is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set", "is_string"], 1),
  fn("type_name", 1),
  fn("units.parse", 1),
  fn("units.parse_bytes", 1),

  // Encoding.
  ...family("base64.", ["encode", "decode", "is_valid"], 1),
  ...family("base64url.", ["encode", "encode_no_pad", "decode"], 1),
  ...family("hex.", ["encode", "decode"], 1),
  ...family("json.", ["marshal", "unmarshal", "is_valid", "verify_schema"], 1),
  fn("json.marshal_with_options", 2),
  fn("json.match_schema", 2),
  ...family("yaml.", ["marshal", "unmarshal", "is_valid"], 1),
  ...family("urlquery.", ["encode", "decode", "encode_object", "decode_object"], 1),
  fn("uri.is_valid", 1),
  fn("uri.parse", 1),

  // Tokens.
  fn("io.jwt.decode", 1),
  impure("io.jwt.decode_verify", 2),
  impure("io.jwt.encode_sign", 3),
  impure("io.jwt.encode_sign_raw", 3),
  ...family(
    "io.jwt.verify_",
    ["eddsa", ...["es", "hs", "ps", "rs"].flatMap((a) => ["256", "384", "512"].map((n) => a + n))],
    2,
  ),

  // Time.
  impure("time.now_ns", 0),
  fn("time.parse_ns", 2),
  fn("time.parse_rfc3339_ns", 1),
  fn("time.parse_duration_ns", 1),
  fn("time.format", 1),
  fn("time.date", 1),
  fn("time.clock", 1),
  fn("time.weekday", 1),
  fn("time.add_date", 4),
  fn("time.diff", 2),

  // Cryptography.
  ...family("crypto.", ["md5", "sha1", "sha256", "parse_private_keys"], 1),
  ...family("crypto.hmac.", ["md5", "sha1", "sha256", "sha512", "equal"], 2),
  ...family(
    "crypto.x509.",
    [
      "parse_certificates",
      "parse_certificate_request",
      "parse_rsa_private_key",
    ],
    1,
  ),
  // Verification checks validity periods against the current time.
  impure("crypto.x509.parse_and_verify_certificates", 1),
  impure("crypto.x509.parse_and_verify_certificates_with_options", 2),
  fn("crypto.x509.parse_keypair", 2),

  // Graphs and GraphQL.
  fn("walk", 1),
  fn("graph.reachable", 2),
  fn("graph.reachable_paths", 2),
  ...family("graphql.", ["parse", "parse_and_verify", "is_valid"], 2),
  ...family("graphql.", ["parse_query", "parse_schema", "schema_is_valid"], 1),

  // Network, HTTP and cloud providers.
  impure("http.send", 1),
  impure("net.lookup_ip_addr", 1),
  ...family("net.", ["cidr_contains", "cidr_contains_matches", "cidr_intersects"], 2),
  ...family("net.", ["cidr_expand", "cidr_is_valid", "cidr_merge"], 1),
  old("net.cidr_overlap", 2),
  fn("providers.aws.sign_req", 3),

  // Identifiers and versions.
  impure("uuid.rfc4122", 1),
  fn("uuid.parse", 1),
  fn("semver.is_valid", 1),
  fn("semver.compare", 2),

  // Rego and OPA.
  fn("rego.parse_module", 2),
  fn("rego.metadata.chain", 0),
  fn("rego.metadata.rule", 0),
  impure("opa.runtime", 0),

  // Debugging.
  { name: "print", args: 0, result: false, variadic: true, effect: true },
  fn("trace", 1, { effect: true }),
];

const BY_NAME: ReadonlyMap<string, BuiltinInfo> = new Map(CATALOG.map((b) => [b.name, b]));

/** The built-in called `name` ("count", "strings.replace_n"), or undefined. */
export function lookupBuiltin(name: string): BuiltinInfo | undefined {
  return BY_NAME.get(name);
}

/** Every built-in, in catalog order. */
export function allBuiltins(): readonly BuiltinInfo[] {
  return CATALOG;
}

/** The first segments of dotted built-in names ("strings", "io"), for reference resolution. */
export const BUILTIN_NAMESPACES: ReadonlySet<string> = new Set(
  CATALOG.filter((b) => b.name.includes(".")).map((b) => b.name.split(".")[0]),
);
