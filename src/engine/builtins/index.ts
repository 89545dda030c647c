/**
 * The host built-in library: built-ins that compiled policies call through `opa_builtinN`,
 * implemented in TypeScript and handed to `@open-policy-agent/opa-wasm` as custom built-ins.
 *
 * Calling convention (the SDK's): arguments are JSON values (numbers as JS numbers), the result is
 * loaded back as JSON (`undefined` → undefined); numbers beyond 2^53 are not exact. Sets cross
 * through the set codec (set_codec.ts): a result is shaped to its declared type (an array where
 * OPA declares a set comes back as a set), and built-ins marked `takesSets` receive sets as
 * RegoSets (the others as arrays). Errors throw BuiltinError with OPA's wording; the engine decides whether that makes
 * the call undefined (default) or aborts the evaluation (strict).
 *
 * The engine must call `beginEvaluation()` before each evaluation: `time.now_ns`, `rand.intn` and
 * `uuid.rfc4122` then answer the same within that evaluation, as in OPA.
 *
 * Precedence: the SDK (v1.10) implements some built-ins itself and consults its own table before
 * custom built-ins: `json.is_valid`, `sprintf` (sprintf-js, not Go's fmt), `regex.split` (JS regex
 * syntax), `yaml.is_valid`, `yaml.marshal`, `yaml.unmarshal`. The engine's loader removes those
 * names from the SDK's table (../sdk_builtins.ts), so ours (Go/RE2 semantics) run.
 *
 * Which built-ins live here is the compiler's registry's to say (src/rego/builtins/registry.ts):
 * registry.test.ts holds this table against it.
 */
import { AGGREGATE_BUILTINS } from "./aggregates.ts";
import { AWS_BUILTINS } from "./aws_sign.ts";
import { ARRAY_BUILTINS } from "./arrays.ts";
import { CONVERSION_BUILTINS } from "./conversions.ts";
import { CRYPTO_BUILTINS } from "./crypto.ts";
import { ENCODING_BUILTINS } from "./encoding.ts";
import { GLOB_BUILTINS } from "./glob.ts";
import { TEMPLATE_BUILTINS } from "./go_template.ts";
import { GRAPH_BUILTINS } from "./graph.ts";
import { GRAPHQL_BUILTINS } from "./graphql/builtins.ts";
import { createHttpSend, resetHttpSend } from "./http_send.ts";
import type { HostBuiltin } from "./host_builtin.ts";
import { JSON_PATCH_BUILTINS } from "./json_patch.ts";
import { JSON_PATH_BUILTINS } from "./json_paths.ts";
import { JSON_SCHEMA_BUILTINS } from "./json_schema/builtins.ts";
import { JWT_BUILTINS } from "./jwt.ts";
import { NET_BUILTINS } from "./net.ts";
import { createLookupIpAddr, resetLookups } from "./net_lookup.ts";
import { NUMBER_BUILTINS, resetRandoms } from "./numbers.ts";
import { OBJECT_BUILTINS } from "./objects.ts";
import { OPA_BUILTINS } from "./opa.ts";
import { PRINT_BUILTINS } from "./print.ts";
import { REGEX_BUILTINS } from "./regex.ts";
import { SEMVER_BUILTINS } from "./semver.ts";
import { SERIALIZATION_BUILTINS } from "./serialization.ts";
import { SET_BUILTINS } from "./sets.ts";
import { STRING_BUILTINS } from "./strings.ts";
import { resetClock, TIME_BUILTINS } from "./time.ts";
import { TYPE_BUILTINS } from "./types.ts";
import { UNITS_BUILTINS } from "./units.ts";
import { URI_BUILTINS } from "./uri.ts";
import { resetUuids, UUID_BUILTINS } from "./uuid.ts";
import { X509_BUILTINS } from "./x509/builtins.ts";

export { BuiltinError } from "./errors.ts";
export type { HostBuiltin } from "./host_builtin.ts";
export { type PrintHook, setPrintHook } from "./print.ts";
export { createHttpSend, type HttpSendOptions } from "./http_send.ts";
export { createLookupIpAddr, type LookupIpAddrOptions } from "./net_lookup.ts";

/** Built-ins the SDK (v1.10) implements itself; the engine makes ours win (../sdk_builtins.ts). */
export const SDK_BUILTINS: readonly string[] = [
  "json.is_valid",
  "sprintf",
  "regex.split",
  "yaml.is_valid",
  "yaml.marshal",
  "yaml.unmarshal",
];

/** OPA name → implementation. */
export const HOST_BUILTINS: Record<string, HostBuiltin> = Object.freeze({
  ...AGGREGATE_BUILTINS,
  ...AWS_BUILTINS,
  ...ARRAY_BUILTINS,
  ...CONVERSION_BUILTINS,
  ...CRYPTO_BUILTINS,
  ...ENCODING_BUILTINS,
  ...GLOB_BUILTINS,
  ...GRAPH_BUILTINS,
  ...GRAPHQL_BUILTINS,
  ...JSON_PATCH_BUILTINS,
  ...JSON_PATH_BUILTINS,
  ...JSON_SCHEMA_BUILTINS,
  ...JWT_BUILTINS,
  ...NET_BUILTINS,
  ...NUMBER_BUILTINS,
  ...OBJECT_BUILTINS,
  ...OPA_BUILTINS,
  ...PRINT_BUILTINS,
  ...REGEX_BUILTINS,
  ...SEMVER_BUILTINS,
  ...SERIALIZATION_BUILTINS,
  ...SET_BUILTINS,
  ...STRING_BUILTINS,
  ...TEMPLATE_BUILTINS,
  ...TIME_BUILTINS,
  ...TYPE_BUILTINS,
  ...UNITS_BUILTINS,
  ...URI_BUILTINS,
  ...UUID_BUILTINS,
  ...X509_BUILTINS,
});

/**
 * Host built-ins the registry marks opt-in: they need the operator's configuration, so the engine
 * makes them per load (LoadOptions.httpSend) instead of listing them in HOST_BUILTINS.
 */
export const OPT_IN_BUILTINS: Record<string, (options: any) => HostBuiltin> = {
  "http.send": createHttpSend,
  "net.lookup_ip_addr": createLookupIpAddr,
};

/** Call at the start of each evaluation: fixes time.now_ns and resets per-evaluation caches. */
export function beginEvaluation(): void {
  resetClock();
  resetHttpSend();
  resetLookups();
  resetRandoms();
  resetUuids();
}
