// Command-line parsing shared by the CLIs: node:util parseArgs with positionals allowed, its
// errors turned into UsageError so each CLI can print its usage and exit 2; `-h`/`--help` is
// every CLI's, and `cliMain` answers it with the usage and exit 0.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** A command line the CLI cannot run (unknown flag, missing value, bad combination). */
export class UsageError extends Error {}

/** `-h` or `--help` was given: print the usage, exit 0. */
export class HelpRequested extends Error {}

/** True when the arguments ask for help (before any other parsing, as `opa` does). */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}

/** Parses args against options; throws UsageError on an unknown or malformed flag, HelpRequested on -h. */
export function parseCliArgs<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  if (wantsHelp(args)) throw new HelpRequested();
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * Runs a CLI's body with the shared conventions: `--help` prints `usage` and exits 0, a UsageError
 * prints the message and `usage` to stderr and exits 2, any other error exits 1.
 */
export async function cliMain(
  name: string,
  usage: string,
  args: string[],
  body: (args: string[]) => Promise<number> | number,
): Promise<number> {
  if (wantsHelp(args)) {
    console.log(usage);
    return 0;
  }
  try {
    return await body(args);
  } catch (e) {
    if (e instanceof HelpRequested) {
      console.log(usage);
      return 0;
    }
    if (e instanceof UsageError) {
      console.error(`${name}: ${e.message}\n${usage}`);
      return 2;
    }
    console.error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
