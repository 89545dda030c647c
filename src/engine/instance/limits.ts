/**
 * Defaults of an evaluation's bounds (the configuration's policy.timeoutMs and policy.maxMemoryMB),
 * in a module of their own so that the configuration can name them without loading the engine.
 */

/**
 * Deadline of one evaluation. A decision takes ~10 µs and a heavy policy a few ms; 200 ms leaves
 * room for those while one runaway request holds the others up at most that long.
 */
export const DEFAULT_TIMEOUT_MS = 200;

/**
 * Memory cap of one module instance. The data takes ~7× its JSON size in the compiler's modules
 * (4.6 MB of JSON: 31 MB of memory), so 128 MiB holds ~15 MB of data plus room for evaluations;
 * a runaway allocation is stopped there, and the engine holds at most two instances at once (a
 * reload loads the new bundle beside the old), a budget a gateway process can afford. A bundle
 * whose data does not fit is refused at load, naming policy.maxMemoryMB.
 */
export const DEFAULT_MAX_MEMORY_MB = 128;
