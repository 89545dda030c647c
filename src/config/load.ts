/**
 * Finds, reads and validates the configuration. The file is `--config PATH`, else $GATEWAY_CONFIG,
 * else `gateway.yaml` / `gateway.json` in the working directory when present; with none, the
 * defaults (the demo). YAML or JSON, chosen by extension (YAML accepts JSON too).
 */
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors.ts";
import { describeIssue } from "./problems.ts";
import { configSchema, type GatewayConfig } from "./schema.ts";

export const CONFIG_ENV = "GATEWAY_CONFIG";
const DEFAULT_FILES = ["gateway.yaml", "gateway.yml", "gateway.json"];

export interface LoadedConfig {
  config: GatewayConfig;
  /** The file read, or null for the embedded defaults. */
  file: string | null;
}

/** Validates an already parsed document; throws ConfigError listing every problem as `path: message`. */
export function parseConfig(doc: unknown, file = "(inline)"): GatewayConfig {
  const result = configSchema.safeParse(doc ?? {});
  if (result.success) return result.data;
  throw new ConfigError(file, result.error.issues.map((i) => describeIssue(i, doc ?? {})));
}

export async function loadConfig(
  opts: { path?: string; env?: (name: string) => string | undefined } = {},
): Promise<
  LoadedConfig
> {
  const env = opts.env ?? ((name) => Deno.env.get(name));
  // An empty $GATEWAY_CONFIG is unset (as for the other variables), not "no file".
  const file = opts.path ?? (env(CONFIG_ENV) || undefined) ?? await firstExisting(DEFAULT_FILES);
  if (file === null || file === undefined || file === "") {
    return { config: parseConfig({}, "(defaults)"), file: null };
  }
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${e instanceof Error ? e.message : String(e)}`]);
  }
  let doc: unknown;
  try {
    doc = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [
      `not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message}`,
    ]);
  }
  return { config: parseConfig(doc, file), file };
}

async function firstExisting(paths: string[]): Promise<string | null> {
  for (const p of paths) {
    try {
      if ((await Deno.stat(p)).isFile) return p;
    } catch {
      // not there: try the next
    }
  }
  return null;
}
