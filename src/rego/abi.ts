/**
 * The compiler's second public face: what a host needs to run the modules the compiler makes,
 * without loading the compiler. mod.ts (the compiler itself) pulls in binaryen, ~40 MB of heap that
 * a serving isolate must not carry (src/engine/load.ts); this file imports only plain constants.
 *
 * - The meter's contract (emit/meter_abi.ts): the export that arms a module, the reserved built-ins
 *   a metered module calls, and how to tell a metered module.
 * - The set codec (builtins/host_sets.ts): a host built-in whose types may hold a set is called as
 *   `<name>#sets`; the registry and OPA's type notation tell the host how to shape its result.
 * - InputDependencies, the shape of the facts analyze/ reports per entrypoint.
 */
export type { InputDependencies } from "./analyze/input_deps.ts";
export {
  isMetered,
  METER_ARM_EXPORT,
  METER_BUILTIN_NAMES,
  METER_MEMORY_EXHAUSTED,
  METER_REFUEL,
} from "./emit/meter_abi.ts";
export { SET_CODEC_SUFFIX, usesSetCodec } from "./builtins/host_sets.ts";
export { type Builtin, registryEntry } from "./builtins/registry.ts";
export { parseType } from "./check/builtin_types.ts";
export type { Type } from "./check/types.ts";
