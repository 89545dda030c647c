/**
 * End-to-end plumbing: free ports, the gateway and the upstream as separate processes
 * (Deno.Command), bounded waits on /readyz, and keys written to the gateway's Deno KV store before
 * it starts. Every process is killed in `close()`; tests call it in `finally`.
 */
import { fileURLToPath } from "node:url";
import { stringify as toYaml } from "yaml";
import { createKey, revokeKey } from "../../src/keys/manage.ts";
import { KvKeyStore } from "../../src/keys/kv_store.ts";
import type { IdentityType } from "../../src/keys/types.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const KEY_SECRET = "e2e-secret-e2e-secret-e2e-secret-0123456789";
const READY_TIMEOUT_MS = 90_000;

export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export interface Proc {
  child: Deno.ChildProcess;
  /** Everything written to stderr so far (for failure messages). */
  stderr(): string;
  /** Every stdout line so far. */
  stdoutLines(): string[];
  kill(): Promise<void>;
}

/** Runs `deno ARGS` from the repository's root, collecting its output. */
export function spawn(args: string[], env: Record<string, string>): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const out: string[] = [];
  const pumps = [
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
    })(),
    (async () => {
      let buf = "";
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        buf += chunk;
        let i;
        while ((i = buf.indexOf("\n")) !== -1) {
          out.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      }
    })(),
  ];
  return {
    child,
    stderr: () => err,
    stdoutLines: () => out,
    async kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      await child.status;
      await Promise.allSettled(pumps);
    },
  };
}

/** Starts the echo upstream and waits for its port. */
export async function startUpstream(): Promise<{ proc: Proc; url: string }> {
  const proc = spawn(["run", "--allow-net", `${ROOT}test/e2e/fixtures/upstream_server.ts`], {});
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const line = proc.stdoutLines()[0];
    if (line) return { proc, url: `http://127.0.0.1:${JSON.parse(line).port}` };
    await new Promise((r) => setTimeout(r, 25));
  }
  await proc.kill();
  throw new Error(`upstream did not start: ${proc.stderr()}`);
}

export interface TestKeys {
  reader: string;
  noScope: string;
  agent: string;
  revoked: string;
  expired: string;
}

/** Creates the test keys in a fresh KV store at `dbPath`. */
export async function seedKeys(dbPath: string): Promise<TestKeys> {
  const store = await KvKeyStore.open(dbPath);
  try {
    const ctx = { store, secret: KEY_SECRET };
    const make = async (subject: string, identityType: IdentityType, scopes: string[]) =>
      (await createKey(ctx, { org: "acme", subject, identityType, scopes, env: "test" })).rawKey;
    const reader = await make("alice", "human", ["orders:read", "down:read", "stream:write"]);
    const noScope = await make("bob", "human", ["billing:read"]);
    const agent = await make("bot-1", "agent", ["orders:read"]);
    const revokedIssued = await createKey(ctx, {
      org: "acme",
      subject: "carol",
      identityType: "human",
      scopes: ["orders:read"],
      env: "test",
    });
    await revokeKey(ctx, revokedIssued.record.id);
    const past = new Date(Date.now() - 3600_000);
    const expired = await createKey(
      { ...ctx, now: () => past },
      {
        org: "acme",
        subject: "dave",
        identityType: "human",
        scopes: ["orders:read"],
        env: "test",
        expires: new Date(past.getTime() + 1000).toISOString(),
      },
    );
    return { reader, noScope, agent, revoked: revokedIssued.rawKey, expired: expired.rawKey };
  } finally {
    store.close();
  }
}

/** Creates a key with these scopes in the KV store at `dbPath` (before the gateway starts). */
export async function addKey(dbPath: string, subject: string, scopes: string[]): Promise<string> {
  const store = await KvKeyStore.open(dbPath);
  try {
    const ctx = { store, secret: KEY_SECRET };
    return (await createKey(ctx, { org: "acme", subject, identityType: "service", scopes, env: "test" }))
      .rawKey;
  } finally {
    store.close();
  }
}

export interface GatewayProc {
  proc: Proc;
  url: string;
  port: number;
  /** Where /readyz, /metrics and /admin are: `url`, or the admin listener's with `admin`. */
  opsUrl: string;
  close(): Promise<void>;
}

/** Writes the config file and spawns `src/main.ts` with the test environment. */
async function spawnGateway(
  dir: string,
  config: Record<string, unknown>,
  env: Record<string, string> = {},
  name = "gateway",
): Promise<Proc> {
  const configPath = `${dir}/${name}.yaml`;
  await Deno.writeTextFile(configPath, toYaml(config));
  return spawn(
    ["run", "-A", "--unstable-kv", `${ROOT}src/main.ts`, "--config", configPath],
    {
      GATEWAY_KEYS_DB: `${dir}/keys.db`,
      GATEWAY_KEY_SECRET: KEY_SECRET,
      NO_COLOR: "1",
      ...env,
    },
  );
}

/**
 * Writes a config file, starts `src/main.ts` on a free port and waits (bounded) for /readyz 200.
 * With `admin`, the operational endpoints get a listener of their own (server.admin).
 */
export async function startGateway(
  opts: {
    dir: string;
    config: Record<string, unknown>;
    admin?: boolean;
    server?: Record<string, unknown>;
    /** More environment for the process (it inherits the test's). */
    env?: Record<string, string>;
    /** The config file's name in `dir` (default "gateway"), for several gateways in one directory. */
    name?: string;
  },
): Promise<GatewayProc> {
  const port = freePort();
  const adminPort = opts.admin ? freePort() : null;
  const server: Record<string, unknown> = { hostname: "127.0.0.1", port, ...opts.server };
  if (adminPort !== null) server.admin = { hostname: "127.0.0.1", port: adminPort };
  const proc = await spawnGateway(opts.dir, { ...opts.config, server }, opts.env, opts.name);
  const url = `http://127.0.0.1:${port}`;
  const opsUrl = adminPort === null ? url : `http://127.0.0.1:${adminPort}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${opsUrl}/readyz`);
      last = await res.text();
      if (res.status === 200) return { proc, url, port, opsUrl, close: () => proc.kill() };
    } catch {
      // not listening yet
    }
    const status = await Promise.race([proc.child.status, new Promise((r) => setTimeout(r, 100, null))]);
    if (status !== null) break;
  }
  await proc.kill();
  throw new Error(
    `gateway not ready within ${READY_TIMEOUT_MS} ms; last /readyz: ${last}\nstderr:\n${proc.stderr()}`,
  );
}

/**
 * Starts `src/main.ts` with a configuration it must refuse: resolves with its exit code and
 * stderr once it exits (bounded: killed after `timeoutMs`).
 */
export async function gatewayRefusing(
  dir: string,
  config: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stderr: string }> {
  const proc = await spawnGateway(dir, { ...config, server: { hostname: "127.0.0.1", port: freePort() } });
  const status = await Promise.race([
    proc.child.status,
    new Promise<null>((r) => setTimeout(r, timeoutMs, null)),
  ]);
  await proc.kill();
  return { code: status?.code ?? null, stderr: proc.stderr() };
}

export interface GatewayRun {
  /** The temporary directory holding the config and the key store (`${dir}/keys.db`). */
  dir: string;
  keys: TestKeys;
  upstream: { proc: Proc; url: string };
  gw: GatewayProc;
}

/**
 * Seeds the test keys in a fresh temporary directory, starts an upstream and a gateway whose config
 * is made from the upstream, runs `body`, then always stops both and removes the directory.
 */
export async function withGateway(
  prefix: string,
  config: (upstream: { url: string }) => Record<string, unknown>,
  body: (run: GatewayRun) => Promise<void>,
  opts: {
    admin?: boolean;
    server?: Record<string, unknown>;
    before?: (dir: string) => Promise<void>;
    env?: Record<string, string>;
  } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  const keys = await seedKeys(`${dir}/keys.db`);
  await opts.before?.(dir);
  const upstream = await startUpstream();
  let gw: GatewayProc | null = null;
  try {
    gw = await startGateway({
      dir,
      config: config(upstream),
      admin: opts.admin,
      server: opts.server,
      env: opts.env,
    });
    await body({ dir, keys, upstream, gw });
  } finally {
    await gw?.close();
    await upstream.proc.kill();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** The value of one sample of a Prometheus metric, or 0 when absent. */
export async function metricValue(url: string, sample: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split("\n")) {
    if (line.startsWith(sample + " ")) return Number(line.slice(sample.length + 1));
  }
  return 0;
}
