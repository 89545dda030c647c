/**
 * `deno task check [--config PATH] [--json]` — what `deno task start` would run, checked without
 * starting it: the configuration, the secrets in the environment (never printed), the routes and
 * the policy bundle (read, verified, compiled and loaded as the gateway loads it). Prints what
 * would run; exits 1 with one line per problem, 2 on a usage error. Nothing is written and no
 * store or Redis is contacted: their settings are checked, not their reachability (/readyz does).
 */
import { ConfigError } from "../config/errors.ts";
import { loadConfig } from "../config/load.ts";
import type { GatewayConfig } from "../config/schema.ts";
import {
  bundleHeadersFromEnv,
  bundleSource,
  CredentialsError,
  EngineError,
  loadBundle,
  shownBundleUrl,
} from "../engine/mod.ts";
import { importSigningKey, signingKeysFromEnv } from "../gateway/jwt/signing_keys.ts";
import { routeProblems } from "../gateway/routes/table.ts";
import { MIN_SECRET_BYTES } from "../keys/hash.ts";
import { keysDbPath } from "../keys/open.ts";
import { resolvePostgresSettings } from "../keys/postgres/settings.ts";
import { KEY_SECRET_ENV } from "../keys/secret.ts";
import { redactRedisUrl, resolveRedisSettings } from "../redis/config.ts";
import { cliMain, parseCliArgs } from "./cli_args.ts";

const USAGE = `usage: deno task check [--config PATH] [--json]
  Checks the configuration, the environment's secrets, the routes and the policy bundle as
  \`deno task start\` would load them, and prints what would run. Exit 0: ready to start;
  1: one line per problem on stderr; 2: usage error.`;

const DEFAULT_BUNDLE = "build/bundle.tar.gz";
const DEFAULT_POLICY_DIR = "policies";

export interface CheckReport {
  config: string;
  listen: string;
  admin: string | null;
  routes: string[];
  policy: { source: string; entrypoint: string; revision: string | null };
  keys: string;
  rateLimits: string;
  jwt: string;
  problems: string[];
}

type Env = (name: string) => string | undefined;

/** Checks what a start would load; every problem is one line in `problems`. */
export async function check(
  opts: { config?: string; env?: Env; exists?: (path: string) => Promise<boolean> } = {},
): Promise<CheckReport> {
  const env = opts.env ?? ((name: string) => Deno.env.get(name));
  const problems: string[] = [];
  let config: GatewayConfig, file: string | null;
  try {
    ({ config, file } = await loadConfig({ path: opts.config, env }));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return {
      config: e.file,
      listen: "-",
      admin: null,
      routes: [],
      policy: { source: "-", entrypoint: "-", revision: null },
      keys: "-",
      rateLimits: "-",
      jwt: "-",
      problems: e.problems.map((p) => `config: ${p}`),
    };
  }
  problems.push(...routeProblems(config.routes).map((p) => `routes: ${p}`));
  const host = env("GATEWAY_HOST") || config.server.hostname;
  const port = env("GATEWAY_PORT") || String(config.server.port);
  const admin = config.server.admin ? `${config.server.admin.hostname}:${config.server.admin.port}` : null;

  const keys = checkKeys(config, env, problems);
  const jwt = await checkJwt(config, env, problems);
  const rateLimits = checkRedis(config, env, problems);
  const policy = await checkPolicy(config, env, problems, opts.exists ?? exists);
  return {
    config: file ?? "(defaults)",
    listen: `${host}:${port}`,
    admin,
    routes: config.routes.map((r) =>
      `${r.id}: ${r.prefix} → ${r.upstream}${r.methods ? ` (${r.methods.join(", ")})` : ""}`
    ),
    policy,
    keys,
    rateLimits,
    jwt,
    problems,
  };
}

function checkKeys(config: GatewayConfig, env: Env, problems: string[]): string {
  const secret = env(KEY_SECRET_ENV);
  if (secret && new TextEncoder().encode(secret).length < MIN_SECRET_BYTES) {
    problems.push(`${KEY_SECRET_ENV}: must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (config.keys.store === "postgres") {
    if (!secret) problems.push(`${KEY_SECRET_ENV}: required with keys.store postgres`);
    try {
      const settings = resolvePostgresSettings(config.keys.postgres, env);
      return `postgres, schema ${settings.schema}`;
    } catch (e) {
      problems.push(`keys.postgres: ${(e as Error).message}`);
      return "postgres";
    }
  }
  const path = keysDbPath(config.keys.db, env);
  return `kv ${path}${secret ? "" : ` (secret from ${path}.secret, generated on first start)`}`;
}

async function checkJwt(config: GatewayConfig, env: Env, problems: string[]): Promise<string> {
  try {
    const configured = await signingKeysFromEnv(env);
    if (configured === undefined) {
      return `${config.jwt.alg}, ephemeral key (set GATEWAY_JWT_KEYS to keep tokens valid)`;
    }
    const imported = await Promise.all(configured.map((k) => importSigningKey(k)));
    return `${imported[0].alg}, ${imported.length} key(s) from GATEWAY_JWT_KEYS, signing with ${
      imported[0].kid
    }`;
  } catch (e) {
    problems.push(`GATEWAY_JWT_KEYS: ${(e as Error).message}`);
    return "-";
  }
}

function checkRedis(config: GatewayConfig, env: Env, problems: string[]): string {
  if (config.rateLimit.store !== "redis" && config.redis === undefined) return "memory (this process)";
  try {
    const settings = resolveRedisSettings(config.redis, env);
    return `redis ${redactRedisUrl(settings.url)}`;
  } catch (e) {
    problems.push(`redis: ${(e as Error).message}`);
    return "redis";
  }
}

async function checkPolicy(
  config: GatewayConfig,
  env: Env,
  problems: string[],
  fileExists: (path: string) => Promise<boolean>,
): Promise<CheckReport["policy"]> {
  const location = config.policy.bundle ??
    (await fileExists(DEFAULT_BUNDLE) ? DEFAULT_BUNDLE : DEFAULT_POLICY_DIR);
  const shown = /^https?:\/\//i.test(location) ? shownBundleUrl(location) : location;
  const out = { source: shown, entrypoint: config.policy.entrypoint, revision: null as string | null };
  const key = env("GATEWAY_BUNDLE_KEY");
  if (config.policy.verifyAlg && !key) {
    problems.push("policy.verifyAlg is set but GATEWAY_BUNDLE_KEY is not");
    return out;
  }
  let headers: Record<string, string>;
  try {
    headers = bundleHeadersFromEnv(env);
  } catch (e) {
    if (!(e instanceof CredentialsError)) throw e;
    problems.push(e.message);
    return out;
  }
  try {
    const snapshot = await bundleSource(location, { limits: config.policy.bundleLimits, headers }).fetch();
    if (snapshot === null) throw new EngineError("bundle_not_found", "the source gave no bundle");
    const loaded = await loadBundle(snapshot, {
      source: shown,
      limits: config.policy.bundleLimits,
      entrypoints: [config.policy.entrypoint],
      verification: config.policy.verifyAlg ? { alg: config.policy.verifyAlg, key: key! } : undefined,
      timeoutMs: config.policy.timeoutMs,
      maxMemoryMB: config.policy.maxMemoryMB,
      httpSend: config.policy.httpSend.enabled ? config.policy.httpSend : undefined,
      lookupIpAddr: config.policy.lookupIpAddr.enabled ? config.policy.lookupIpAddr : undefined,
    });
    out.revision = loaded.info.revision;
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    problems.push(`policy ${shown}: ${e.code}: ${e.message.split("\n")[0]}`);
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

export function formatReport(r: CheckReport): string {
  return [
    `config:      ${r.config}`,
    `listen:      ${r.listen}${r.admin ? ` (admin ${r.admin})` : ""}`,
    `routes:      ${r.routes.length ? r.routes.join("\n             ") : "(demo upstream)"}`,
    `policy:      ${r.policy.source}, entrypoint ${r.policy.entrypoint}, revision ${
      r.policy.revision ?? "-"
    }`,
    `keys:        ${r.keys}`,
    `rate limits: ${r.rateLimits}`,
    `jwt:         ${r.jwt}`,
  ].join("\n");
}

export function main(args: string[]): Promise<number> {
  return cliMain("check", USAGE, args, async (args) => {
    const { values } = parseCliArgs(args, {
      config: { type: "string" },
      json: { type: "boolean", default: false },
    });
    const report = await check({ config: values.config });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatReport(report));
    for (const p of report.problems) console.error(`problem: ${p}`);
    return report.problems.length === 0 ? 0 : 1;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
