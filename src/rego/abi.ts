/**
 * The compiler's second public face: what a host needs to run the modules the compiler makes,
 * without loading the compiler. mod.ts (the compiler itself) pulls in binaryen, ~40 MB of heap that
 * a serving isolate must not carry (src/engine/load.ts); this file imports only plain constants.
 *
 * - The meter's contract (emit/meter_abi.ts): the export that arms a module, the reserved built-ins
 *   a metered module calls, and how to tell a metered module.
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
