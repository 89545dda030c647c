/**
 * `deno task bench gateway`: the gateway's throughput, latency and CPU per request against
 * references, in one run, to the same upstream, all behind loopback and driven by autocannon (64
 * connections, bounded duration), each a process of its own:
 *
 * - bare (fetch): a bare Deno reverse proxy with `fetch` (fixtures/bare_proxy.ts): the base of
 *   every ratio;
 * - bare (undici): a bare proxy with the gateway's upstream client (fixtures/bare_undici_proxy.ts):
 *   the gateway's CPU over this one is the gateway's own work;
 * - nginx (one process, when installed: Debian's `nginx-light` will do) as the native reference;
 * - the gateway with its decision cache (production defaults), and with the cache off.
 *
 * Targets (issue 9): the cached gateway at ≥ 0.8× the bare fetch proxy's req/s, its p99 within
 * 5 ms of the bare proxy's, its CPU over the bare proxy with the same client ≤ 40 µs per request,
 * policy evaluation ≤ 10 µs (mean, from the uncached gateway's metrics).
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
 * per-request CPU is the steadier figure to compare changes with; the load average is printed.)
 *
 * The gateway runs the bench policy (fixtures/policy: the default policy's shape) with its
 * production defaults, the decision cache included: with one key on one route every request after
 * the first takes a cached decision, as most requests of a key do in production with such a
 * policy. The share of cached decisions is printed; the second gateway evaluates the policy on
 * every request.
 *
 * BENCH_CEILING=1 adds a target, fixtures/header_proxy.ts: a proxy doing only the gateway's
 * header work (a JWT of the gateway's size and the forwarding fields towards the upstream, a
 * rebuilt response with the request id and RateLimit-* fields), without authentication, policy,
 * rate limiting, signing, metrics or logging: what the gateway could reach at best with Deno's
 * fetch and serve.
 *
 * Options (env): BENCH_SECONDS (per round, default 5), BENCH_ROUNDS (per target, default 3),
 * BENCH_CONNECTIONS (default 64), BENCH_CPU_PROF=DIR (write a V8 CPU profile of the gateway
 * process there), BENCH_CEILING=1, BENCH_TARGETS=gateway,nginx,… (only those, besides the bare
 * proxy), BENCH_NGINX=off, BENCH_PORT_BASE (default 18400: the processes listen on it and the 7
 * ports after it), BENCH_CLIENT=fetch|undici (the gateway's upstream.client), BENCH_BEFORE=DIR
 * (another revision's checkout: its gateway, cached, measured in the same rounds).
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

/** nginx's path, or null when it is not installed. */
async function findNginx(): Promise<string | null> {
  for (const path of ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // not there
    }
  }
  return null;
}

/**
 * nginx as the native reference: one process (`master_process off`: the worker is the process
 * measured), keep-alive connections to the upstream, logging off.
 */
async function startNginx(
  bin: string,
  dir: string,
  port: number,
  upstream: string,
): Promise<Deno.ChildProcess> {
  const conf = `${dir}/nginx.conf`;
  await Deno.writeTextFile(
    conf,
    `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  upstream up { server ${new URL(upstream).host}; keepalive 128; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  const child = new Deno.Command(bin, {
    args: ["-c", conf, "-p", dir],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill("SIGTERM");
  throw new Error("nginx did not start");
}

/** A gateway process on `port` (decision cache on or off); its decision log goes to /dev/null. */
async function startGateway(
  dir: string,
  name: string,
  port: number,
  upstream: string,
  cache: boolean,
  root = ROOT,
): Promise<Deno.ChildProcess> {
  await Deno.writeTextFile(
    `${dir}/${name}.yaml`,
    toYaml({
      server: { hostname: "127.0.0.1", port },
      policy: {
        bundle: `${ROOT}test/bench/fixtures/policy`,
        watch: false,
        pollSeconds: 0,
        decisionCache: { enabled: cache },
      },
      ...(root === ROOT ? { upstream: { client: Deno.env.get("BENCH_CLIENT") ?? "auto" } } : {}),
      routes: [{ id: "bench", prefix: "/", upstream }],
    }),
  );
  const prof = Deno.env.get("BENCH_CPU_PROF");
  // The decision log goes to /dev/null: written and formatted as in production, not collected.
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-kv",
      ...(prof && cache && root === ROOT ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : []),
      "src/main.ts",
      "--config",
      `${dir}/${name}.yaml`,
    ],
    cwd: root,
    env: { GATEWAY_KEYS_DB: `${dir}/keys.db`, GATEWAY_KEY_SECRET: SECRET },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await waitReady(`http://127.0.0.1:${port}`, proc);
  return proc;
}

/** Mean policy evaluation time (µs) from a gateway's /metrics, or NaN when it evaluated nothing. */
async function policyEvalMicros(gateway: string): Promise<number> {
  const text = await (await fetch(`${gateway}/metrics`)).text();
  const read = (suffix: string) =>
    Number(
      new RegExp(`^gateway_policy_eval_duration_seconds_${suffix}\\{[^}]*result="ok"[^}]*\\} (\\S+)`, "m")
        .exec(text)?.[1] ?? NaN,
    );
  const sum = read("sum"), count = read("count");
  return count > 0 ? Math.round(sum / count * 1e7) / 10 : NaN;
}

export async function run(): Promise<Record<string, number>> {
  const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
  const rounds = Math.max(1, Number(Deno.env.get("BENCH_ROUNDS") ?? 3));
  const connections = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 64);
  // Fixed ports (BENCH_PORT_BASE … +6), so that two runs can coexist on different bases.
  const base = Number(Deno.env.get("BENCH_PORT_BASE") ?? 18400);
  const ports = {
    upstream: base,
    bare: base + 1,
    bareClient: base + 2,
    nginx: base + 3,
    gateway: base + 4,
    gatewayNoCache: base + 5,
    ceiling: base + 6,
  };
  const dir = await Deno.makeTempDir({ prefix: "gw-bench-" });
  const children: Deno.ChildProcess[] = [];
  try {
    const upstreamProc = spawn([
      "run",
      "--allow-net",
      "test/bench/fixtures/upstream.ts",
      String(ports.upstream),
    ]);
    children.push(upstreamProc);
    const upstream = `http://127.0.0.1:${await readPort(upstreamProc)}`;

    const bareProc = spawn([
      "run",
      "--allow-net",
      "test/bench/fixtures/bare_proxy.ts",
      upstream,
      String(ports.bare),
    ]);
    children.push(bareProc);
    const bare = `http://127.0.0.1:${await readPort(bareProc)}`;
    const bareClientProc = spawn([
      "run",
      "-A",
      "test/bench/fixtures/bare_undici_proxy.ts",
      upstream,
      String(ports.bareClient),
    ]);
    children.push(bareClientProc);
    const bareClient = `http://127.0.0.1:${await readPort(bareClientProc)}`;

    const store = await KvKeyStore.open(`${dir}/keys.db`);
    const { rawKey } = await createKey({ store, secret: SECRET }, {
      org: "bench",
      subject: "svc-bench",
      identityType: "service",
      scopes: ["bench:read"],
      env: "test",
    });
    store.close();
    const gwProc = await startGateway(dir, "gateway", ports.gateway, upstream, true);
    children.push(gwProc);
    const gwNoCacheProc = await startGateway(dir, "gateway-nocache", ports.gatewayNoCache, upstream, false);
    children.push(gwNoCacheProc);
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    const gatewayNoCache = `http://127.0.0.1:${ports.gatewayNoCache}`;
    const auth = { authorization: `Bearer ${rawKey}` };

    const targets: Record<string, Target> = {
      bare: { url: `${bare}/items`, headers: {}, pid: bareProc.pid },
      "bare-undici": { url: `${bareClient}/items`, headers: {}, pid: bareClientProc.pid },
      gateway: { url: `${gateway}/items`, headers: auth, pid: gwProc.pid },
      "gateway-nocache": { url: `${gatewayNoCache}/items`, headers: auth, pid: gwNoCacheProc.pid },
    };
    // BENCH_BEFORE=DIR: a checkout of another revision (e.g. `git worktree add DIR REV`, then
    // `deno install` there), its gateway measured in the same rounds: a before/after in one run.
    const before = Deno.env.get("BENCH_BEFORE");
    if (before) {
      const proc = await startGateway(dir, "gateway-before", ports.ceiling + 1, upstream, true, `${before}/`);
      children.push(proc);
      targets["gateway-before"] = {
        url: `http://127.0.0.1:${ports.ceiling + 1}/items`,
        headers: auth,
        pid: proc.pid,
      };
    }
    const nginxBin = Deno.env.get("BENCH_NGINX") === "off" ? null : await findNginx();
    if (nginxBin !== null) {
      const nginxProc = await startNginx(nginxBin, dir, ports.nginx, upstream);
      children.push(nginxProc);
      targets.nginx = { url: `http://127.0.0.1:${ports.nginx}/items`, headers: {}, pid: nginxProc.pid };
    }
    if (Deno.env.get("BENCH_CEILING") === "1") {
      const ceilingProc = spawn(["run", "-A", "test/bench/fixtures/header_proxy.ts", upstream]);
      children.push(ceilingProc);
      const ceiling = `http://127.0.0.1:${await readPort(ceilingProc)}`;
      targets.ceiling = { url: `${ceiling}/items`, headers: auth, pid: ceilingProc.pid };
    }
    // BENCH_TARGETS=a,b: only those (the bare fetch proxy is always measured: the ratios' base).
    const only = Deno.env.get("BENCH_TARGETS");
    if (only) {
      const keep = new Set(["bare", ...only.split(",").map((n) => n.trim())]);
      for (const name of Object.keys(targets)) if (!keep.has(name)) delete targets[name];
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
    const evalMicros = await policyEvalMicros(gatewayNoCache);
    const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "? ? ?")).split(" ").slice(0, 3).join(
      " ",
    );
    const s = Object.fromEntries(names.map((n) => [n, summary(runs[n])]));
    /** Median over rounds of a target's req/s over the bare fetch proxy's in the same round. */
    const ratioOf = (name: string) => median(runs[name].map((r, i) => r.rps / runs.bare[i].rps));
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const results: Record<string, number> = {};
    console.log(
      `gateway load (${connections} connections, ${rounds} × ${seconds} s per target, alternating, loopback; medians; load average ${load}):`,
    );
    const label: Record<string, string> = {
      bare: "bare proxy (fetch)",
      "bare-undici": "bare proxy (undici)",
      nginx: "nginx (1 process)",
      gateway: "gateway (cached)",
      "gateway-nocache": "gateway (no cache)",
      ceiling: "header proxy",
      "gateway-before": "gateway (BENCH_BEFORE)",
    };
    for (const name of names) {
      const l = s[name];
      const key = name.replaceAll("-", "_");
      Object.assign(results, {
        [`${key}_rps`]: Math.round(l.rps),
        [`${key}_p50_ms`]: l.p50,
        [`${key}_p99_ms`]: l.p99,
        [`${key}_cpu_us_per_req`]: l.cpu.proxy,
        [`${key}_ratio`]: r3(ratioOf(name)),
        [`${key}_non2xx`]: l.non2xx,
      });
      console.log(
        `  ${label[name].padEnd(20)} ${String(Math.round(l.rps)).padStart(6)} req/s  ×${
          ratioOf(name).toFixed(2)
        }  p50 ${l.p50} ms  p99 ${l.p99} ms  cpu/req ${l.cpu.proxy} µs (upstream ${l.cpu.upstream}, load generator ${l.cpu.loadgen})${
          l.non2xx ? `  NON-2XX: ${l.non2xx}` : ""
        }`,
      );
    }
    const none = summary([{
      rps: NaN,
      p50: NaN,
      p99: NaN,
      non2xx: 0,
      cpu: { proxy: NaN, upstream: NaN, loadgen: NaN },
    }]);
    const gw = s.gateway ?? none, nc = s["gateway-nocache"] ?? none, bc = s["bare-undici"] ?? none;
    Object.assign(results, {
      gateway_over_bare_client_cpu_us: gw.cpu.proxy - bc.cpu.proxy,
      gateway_nocache_over_bare_client_cpu_us: nc.cpu.proxy - bc.cpu.proxy,
      gateway_p99_delta_ms: gw.p99 - s.bare.p99,
      policy_eval_us: evalMicros,
      decision_cache_hit_share: cache.total === 0 ? 0 : r3(cache.hit / cache.total),
    });
    console.log(
      `  targets: gateway ≥ 0.8× the bare fetch proxy: ×${
        runs.gateway ? ratioOf("gateway").toFixed(2) : "-"
      } (rounds ${
        (runs.gateway ?? []).map((r, i) => (r.rps / runs.bare[i].rps).toFixed(2)).join(", ")
      }); p99 within 5 ms: ${
        (gw.p99 - s.bare.p99).toFixed(1)
      } ms; CPU over the bare proxy with the same client ≤ 40 µs: ${
        gw.cpu.proxy - bc.cpu.proxy
      } µs (no cache: ${nc.cpu.proxy - bc.cpu.proxy} µs); policy evaluation ≤ 10 µs: ${evalMicros} µs`,
    );
    console.log(
      `  decision cache: ${
        cache.total === 0
          ? "not consulted (off, or the policy is not cacheable)"
          : `${(100 * cache.hit / cache.total).toFixed(2)}% of ${cache.total} decisions taken from it`
      }`,
    );
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
