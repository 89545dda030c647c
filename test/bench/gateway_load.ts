/**
 * Gateway throughput against a bare Deno reverse proxy, in the same run and to the same upstream:
 * both behind loopback, driven by autocannon (64 connections, bounded duration), each process
 * separate. Prints req/s and p50/p99 for both and the ratio. Target: ≥ 70% of the bare proxy's
 * throughput and p99 within 2 ms of it.
 *
 * Method. The load generator (autocannon, in this process, one thread), the upstream and the proxy
 * under test share the machine's cores, so background load or drift during a run would favour
 * whichever target was measured at the quieter moment. Hence, after a warm-up of each target (JIT,
 * token and key caches), the targets are measured in alternating rounds (bare, gateway, gateway,
 * bare, …: ABBA order, so a linear drift weighs on both alike), each round with the same
 * connections and duration, and the median of the rounds is reported for each. The ratio is the
 * median of the per-pair ratios. Besides req/s and latency, each process's CPU time per request
 * (from /proc: the proxy under test, the upstream, and the load generator) is printed, so one can
 * see where a difference comes from and whether the load generator was the bottleneck. (On the
 * 2-core machine this was written on, autocannon used ~0.4 core at the bare proxy's rate, so it did
 * not cap the baseline; the gateway is bound by its one JS thread. Background load on the machine
 * slows the latency-bound bare proxy more than the CPU-bound gateway and so inflates the ratio:
 * per-request CPU is the steadier figure to compare changes with.)
 *
 * The gateway runs the bench policy (fixtures/policy: the default policy's shape) with its
 * production defaults, the decision cache included: with one key on one route every request after
 * the first takes a cached decision, as most requests of a key do in production with such a
 * policy. The share of cached decisions is printed; BENCH_DECISION_CACHE=off measures the path
 * that evaluates the policy on every request.
 *
 * BENCH_CEILING=1 adds a third target, fixtures/header_proxy.ts: a proxy doing only the gateway's
 * header work (a JWT of the gateway's size and the forwarding fields towards the upstream, a
 * rebuilt response with the request id and RateLimit-* fields), without authentication, policy,
 * rate limiting, signing, metrics or logging: what the gateway could reach at best with Deno's
 * fetch and serve.
 *
 * Options (env): BENCH_SECONDS (per round, default 5), BENCH_ROUNDS (per target, default 3),
 * BENCH_CONNECTIONS (default 64), BENCH_CPU_PROF=DIR (write a V8 CPU profile of the gateway
 * process there), BENCH_DECISION_CACHE=off, BENCH_CEILING=1.
 */
import autocannon from "npm:autocannon@^9.0.0";
import { stringify as toYaml } from "yaml";
import { fileURLToPath } from "node:url";
import { createKey } from "../../src/keys/manage.ts";
import { KvKeyStore } from "../../src/keys/kv_store.ts";
import { CpuMeter } from "./proc_cpu.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECRET = "bench-secret-bench-secret-bench-secret-0123";

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** CPU µs per request: the proxy under test, the upstream, the load generator (NaN if unknown). */
  cpu: { proxy: number; upstream: number; loadgen: number };
}

interface Target {
  url: string;
  headers: Record<string, string>;
  pid: number;
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
  t: Target,
  upstreamPid: number,
  seconds: number,
  connections: number,
): Promise<Load> {
  const meter = new CpuMeter({ proxy: t.pid, upstream: upstreamPid, loadgen: Deno.pid });
  const r = await autocannon({ url: t.url, headers: t.headers, connections, duration: seconds });
  const used = meter.since();
  const perRequest = (s: number | null) =>
    s === null ? NaN : Math.round(s * 1e6 / Math.max(1, r.requests.total));
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx + r.errors,
    cpu: {
      proxy: perRequest(used.proxy),
      upstream: perRequest(used.upstream),
      loadgen: perRequest(used.loadgen),
    },
  };
}

/** The gateway's decision-cache counters, read from its /metrics. */
async function decisionCacheCounts(gateway: string): Promise<{ hit: number; total: number }> {
  const text = await (await fetch(`${gateway}/metrics`)).text();
  const count = (result: string) =>
    Number(
      new RegExp(`^gateway_decision_cache_requests_total\\{result="${result}"\\} (\\d+)`, "m").exec(text)
        ?.[1] ?? 0,
    );
  const hit = count("hit"), miss = count("miss");
  return { hit, total: hit + miss };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summary(runs: Load[]): Load {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    cpu: {
      proxy: median(runs.map((r) => r.cpu.proxy)),
      upstream: median(runs.map((r) => r.cpu.upstream)),
      loadgen: median(runs.map((r) => r.cpu.loadgen)),
    },
  };
}

export async function run(): Promise<Record<string, number>> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
  const rounds = Math.max(1, Number(Deno.env.get("BENCH_ROUNDS") ?? 3));
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
        policy: {
          bundle: `${ROOT}test/bench/fixtures/policy`,
          watch: false,
          pollSeconds: 0,
          decisionCache: { enabled: Deno.env.get("BENCH_DECISION_CACHE") !== "off" },
        },
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

    const targets: Record<string, Target> = {
      bare: { url: `${bare}/items`, headers: {}, pid: bareProc.pid },
      gateway: { url: `${gateway}/items`, headers: { authorization: `Bearer ${rawKey}` }, pid: gwProc.pid },
    };
    if (Deno.env.get("BENCH_CEILING") === "1") {
      const ceilingProc = spawn(["run", "-A", "test/bench/fixtures/header_proxy.ts", upstream]);
      children.push(ceilingProc);
      const ceiling = `http://127.0.0.1:${await readPort(ceilingProc)}`;
      targets.ceiling = {
        url: `${ceiling}/items`,
        headers: { authorization: `Bearer ${rawKey}` },
        pid: ceilingProc.pid,
      };
    }
    // Warm-up (JIT, token cache, key cache), not measured.
    for (const t of Object.values(targets)) {
      await autocannon({ url: t.url, headers: t.headers, connections, duration: 2 });
    }
    const names = Object.keys(targets);
    const runs: Record<string, Load[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? names : [...names].reverse();
      for (const name of order) {
        runs[name].push(await drive(targets[name], upstreamProc.pid, seconds, connections));
      }
    }
    const cache = await decisionCacheCounts(gateway);
    const baseline = summary(runs.bare), gw = summary(runs.gateway);
    const ratios = runs.gateway.map((g, i) => g.rps / runs.bare[i].rps);
    const ratio = median(ratios);
    const results = {
      bare_rps: Math.round(baseline.rps),
      bare_p50_ms: baseline.p50,
      bare_p99_ms: baseline.p99,
      gateway_rps: Math.round(gw.rps),
      gateway_p50_ms: gw.p50,
      gateway_p99_ms: gw.p99,
      gateway_non2xx: gw.non2xx,
      ratio: Math.round(ratio * 1000) / 1000,
      bare_cpu_us_per_req: baseline.cpu.proxy,
      gateway_cpu_us_per_req: gw.cpu.proxy,
      upstream_cpu_us_per_req: median([baseline.cpu.upstream, gw.cpu.upstream]),
      loadgen_cpu_us_per_req: median([baseline.cpu.loadgen, gw.cpu.loadgen]),
      decision_cache_hit_share: cache.total === 0 ? 0 : Math.round(cache.hit / cache.total * 1000) / 1000,
    };
    const cpu = (l: Load) =>
      `cpu/req: proxy ${l.cpu.proxy} µs, upstream ${l.cpu.upstream} µs, load generator ${l.cpu.loadgen} µs`;
    console.log(
      `gateway load (${connections} connections, ${rounds} × ${seconds} s per target, alternating, loopback; medians):`,
    );
    console.log(
      `  bare Deno proxy  ${results.bare_rps} req/s   p50 ${baseline.p50} ms   p99 ${baseline.p99} ms   ${
        cpu(baseline)
      }`,
    );
    console.log(
      `  gateway          ${results.gateway_rps} req/s   p50 ${gw.p50} ms   p99 ${gw.p99} ms   ${cpu(gw)}`,
    );
    console.log(
      `  ratio            ${(ratio * 100).toFixed(1)}% (target ≥ 70%; rounds ${
        ratios.map((r) => (r * 100).toFixed(1)).join(", ")
      })   p99 delta ${(gw.p99 - baseline.p99).toFixed(1)} ms (target ≤ 2 ms)`,
    );
    console.log(
      `  decision cache   ${
        cache.total === 0
          ? "not consulted (off, or the policy is not cacheable)"
          : `${(100 * cache.hit / cache.total).toFixed(2)}% of ${cache.total} decisions taken from it`
      }`,
    );
    if (runs.ceiling) {
      const c = summary(runs.ceiling);
      const share = median(runs.ceiling.map((r, i) => r.rps / runs.bare[i].rps));
      console.log(
        `  header proxy     ${Math.round(c.rps)} req/s   p50 ${c.p50} ms   p99 ${c.p99} ms   ${cpu(c)}`,
      );
      console.log(
        `                   ${(share * 100).toFixed(1)}% of the bare proxy: the ceiling for the gateway`,
      );
      Object.assign(results, {
        ceiling_rps: Math.round(c.rps),
        ceiling_ratio: Math.round(share * 1000) / 1000,
      });
    }
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
