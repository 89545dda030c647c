/**
 * Gateway throughput against a bare Deno reverse proxy, in the same run and to the same upstream:
 * both behind loopback, driven by autocannon (64 connections, bounded duration), each process
 * separate. Prints req/s and p50/p99 for both and the ratio. Target: ≥ 70% of the bare proxy's
 * throughput and p99 within 2 ms of it.
 *
 * Options (env): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64), BENCH_CPU_PROF=DIR (write
 * a V8 CPU profile of the gateway process there).
 */
import autocannon from "autocannon";
import { stringify as toYaml } from "yaml";
import { fileURLToPath } from "node:url";
import { createKey } from "../../src/keys/manage.ts";
import { KvKeyStore } from "../../src/keys/kv_store.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECRET = "bench-secret-bench-secret-bench-secret-0123";

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function spawn(args: string[], env: Record<string, string> = {}, stdout: "piped" | "null" = "piped") {
  return new Deno.Command(Deno.execPath(), { args, cwd: ROOT, env, stdin: "null", stdout, stderr: "piped" })
    .spawn();
}

async function readPort(child: Deno.ChildProcess): Promise<number> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => reader.cancel(), 20_000);
  let buf = "";
  try {
    while (!buf.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("process exited before printing its port");
      buf += value;
    }
  } finally {
    clearTimeout(timer);
  }
  reader.releaseLock();
  return JSON.parse(buf.slice(0, buf.indexOf("\n"))).port;
}

async function waitReady(url: string, child: Deno.ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/readyz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway not ready at ${url}`);
}

async function drive(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Load> {
  // Warm-up (JIT, token cache, key cache), then the measured run.
  await autocannon({ url, headers, connections, duration: 2 });
  const r = await autocannon({ url, headers, connections, duration: seconds });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

export async function run(): Promise<Record<string, number>> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
  const connections = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 64);
  const dir = await Deno.makeTempDir({ prefix: "gw-bench-" });
  const children: Deno.ChildProcess[] = [];
  try {
    const upstreamProc = spawn(["run", "--allow-net", "test/bench/fixtures/upstream.ts"]);
    children.push(upstreamProc);
    const upstream = `http://127.0.0.1:${await readPort(upstreamProc)}`;

    const bareProc = spawn(["run", "--allow-net", "test/bench/fixtures/bare_proxy.ts", upstream]);
    children.push(bareProc);
    const bare = `http://127.0.0.1:${await readPort(bareProc)}`;

    const store = await KvKeyStore.open(`${dir}/keys.db`);
    const { rawKey } = await createKey({ store, secret: SECRET }, {
      org: "bench",
      subject: "svc-bench",
      identityType: "service",
      scopes: ["bench:read"],
      env: "test",
    });
    store.close();
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/gateway.yaml`,
      toYaml({
        server: { hostname: "127.0.0.1", port },
        policy: { bundle: `${ROOT}test/bench/fixtures/policy`, watch: false, pollSeconds: 0 },
        routes: [{ id: "bench", prefix: "/", upstream }],
      }),
    );
    // The decision log goes to /dev/null: written and formatted as in production, not collected.
    const prof = Deno.env.get("BENCH_CPU_PROF");
    const gwProc = spawn(
      [
        "run",
        "-A",
        "--unstable-kv",
        ...(prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : []),
        "src/main.ts",
        "--config",
        `${dir}/gateway.yaml`,
      ],
      { GATEWAY_KEYS_DB: `${dir}/keys.db`, GATEWAY_KEY_SECRET: SECRET },
      "null",
    );
    children.push(gwProc);
    const gateway = `http://127.0.0.1:${port}`;
    await waitReady(gateway, gwProc);

    const baseline = await drive(`${bare}/items`, {}, seconds, connections);
    const gw = await drive(`${gateway}/items`, { authorization: `Bearer ${rawKey}` }, seconds, connections);
    const ratio = gw.rps / baseline.rps;
    const results = {
      bare_rps: Math.round(baseline.rps),
      bare_p50_ms: baseline.p50,
      bare_p99_ms: baseline.p99,
      gateway_rps: Math.round(gw.rps),
      gateway_p50_ms: gw.p50,
      gateway_p99_ms: gw.p99,
      gateway_non2xx: gw.non2xx + gw.errors,
      ratio: Math.round(ratio * 1000) / 1000,
    };
    console.log(`gateway load (${connections} connections, ${seconds} s, loopback):`);
    console.log(
      `  bare Deno proxy  ${results.bare_rps} req/s   p50 ${baseline.p50} ms   p99 ${baseline.p99} ms`,
    );
    console.log(`  gateway          ${results.gateway_rps} req/s   p50 ${gw.p50} ms   p99 ${gw.p99} ms`);
    console.log(
      `  ratio            ${(ratio * 100).toFixed(1)}% (target ≥ 70%)   p99 delta ${
        (gw.p99 - baseline.p99).toFixed(1)
      } ms (target ≤ 2 ms)`,
    );
    if (results.gateway_non2xx > 0) {
      console.log(`  WARNING: ${results.gateway_non2xx} gateway responses were not 2xx`);
    }
    return results;
  } finally {
    for (const c of children) {
      try {
        c.kill("SIGTERM"); // the gateway shuts down cleanly (and writes its CPU profile)
      } catch {
        // gone
      }
      await c.status;
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await run();
