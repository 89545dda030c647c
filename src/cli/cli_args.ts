// Command-line parsing shared by the CLIs: node:util parseArgs with positionals allowed, its
// errors turned into UsageError so each CLI can print its usage and exit 2.
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** A command line the CLI cannot run (unknown flag, missing value, bad combination). */
export class UsageError extends Error {}

/** Parses args against options; throws UsageError on an unknown or malformed flag. */
export function parseCliArgs<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
