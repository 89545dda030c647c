/**
 * End to end, enforcement integrity of bundles (issue 7): a gateway serving a built bundle from a
 * file is given, one after another, bundles that must not go live — a gzip bomb, a 100 MB
 * data.json, a module without the gateway's entrypoint, a module calling a built-in nobody
 * implements — and one with large data that must. Requests keep flowing meanwhile: each is
 * answered by the bundle in force, none waits over a second. A bundle whose unsigned manifest
 * lies about what the policy reads cannot make a POST reuse a GET's decision. A bundle server is
 * reached with a token from the environment, which never shows in the gateway's output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify as toYaml } from "yaml";
import { compile, formatDiagnostic } from "../../src/rego/mod.ts";
import { emptyManifest } from "../../src/engine/bundle/manifest.ts";
import { INPUT_DEPS_METADATA_KEY, inputDepsMetadata } from "../../src/engine/bundle/input_deps.ts";
import { assembleFiles, writeBundle } from "../../src/engine/bundle/write.ts";
import { gzipBomb } from "../../src/engine/testing/hostile_bundles.ts";
import { freePort, KEY_SECRET, ROOT, withGateway } from "./harness.ts";

const GET_ONLY = `package gateway

decision := {"allow": true, "reason": "get_ok"} if input.request.method == "GET"

else := {"allow": false, "reason": "not_get"}
`;

/** A bundle as `deno task build` writes it (module, sources, recorded dependencies), as files. */
function builtFiles(
  rego: string,
  opts: { entrypoint?: string; revision: string; data?: Record<string, unknown>; allowBuiltins?: string[] },
): Map<string, Uint8Array> {
  const entrypoint = opts.entrypoint ?? "gateway/decision";
  const sources = [{ path: "gateway.rego", text: rego }];
  const compiled = compile(sources, { entrypoints: [entrypoint], allowBuiltins: opts.allowBuiltins });
  if (compiled.wasm === undefined) throw new Error(compiled.diagnostics.map(formatDiagnostic).join("\n"));
  const manifest = {
    ...emptyManifest(),
    revision: opts.revision,
    wasm: [{ entrypoint, module: "/policy.wasm" }],
    rego_version: 1 as const,
    metadata: {
      strict_builtin_errors: false,
      wasm_optimized: false,
      [INPUT_DEPS_METADATA_KEY]: inputDepsMetadata(compiled.wasm, compiled.inputDependencies),
    },
  };
  return assembleFiles({ manifest, data: opts.data ?? {}, wasm: compiled.wasm, sources });
}

/** A built bundle with a data.json of about `bytes` bytes, made by another process (fixtures/data_bundle.ts). */
async function bigDataBundle(bytes: number): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "gw-e2e-data-" });
  try {
    await Deno.writeTextFile(join(dir, "gateway.rego"), GET_ONLY);
    const out = join(dir, "bundle.tar.gz");
    const made = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${ROOT}test/e2e/fixtures/data_bundle.ts`,
        join(dir, "gateway.rego"),
        out,
        String(bytes),
        "big-data",
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!made.success) throw new Error(new TextDecoder().decode(made.stderr));
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Replaces the bundle file in one step (a reader never sees half of it). */
async function publish(path: string, bytes: Uint8Array): Promise<void> {
  await Deno.writeFile(`${path}.tmp`, bytes);
  await Deno.rename(`${path}.tmp`, path);
}

interface Readyz {
  status: string;
  revision: string;
  source: string;
  last_reload_error: string | null;
}

async function readyz(url: string): Promise<Readyz> {
  return await (await fetch(`${url}/readyz`)).json();
}

async function waitFor(url: string, done: (r: Readyz) => boolean, timeoutMs = 120_000): Promise<Readyz> {
  const deadline = Date.now() + timeoutMs;
  let last = await readyz(url);
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out; last /readyz: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await readyz(url);
  }
  return last;
}

type Answer = { status: number; reason: string | null; ms: number };

/**
 * Requests from two clients at once until `until` settles (then 200 ms more); every answer with
 * how long it took.
 */
async function trafficDuring(url: string, key: string, until: Promise<unknown>): Promise<Answer[]> {
  const answers: Answer[] = [];
  let done = false;
  const settled = until.finally(() => new Promise((r) => setTimeout(r, 200))).finally(() => done = true);
  const client = async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${url}/orders/1`, { headers: { authorization: `Bearer ${key}` } });
      const reason = res.ok ? (await res.body?.cancel(), null) : (await res.json()).reason;
      answers.push({ status: res.status, reason, ms: performance.now() - started });
    }
  };
  await Promise.all([client(), client(), settled.catch(() => {})]);
  await until;
  return answers;
}

function assertServedMeanwhile(answers: Answer[], what: string): void {
  assert.ok(answers.length > 10, `${what}: only ${answers.length} requests`);
  const slowest = Math.max(...answers.map((a) => a.ms));
  for (const a of answers) {
    assert.deepEqual({ status: a.status, reason: a.reason }, { status: 200, reason: null }, what);
  }
  assert.ok(slowest < 1000, `${what}: a request waited ${Math.round(slowest)} ms`);
  console.log(`${what}: ${answers.length} requests meanwhile, the slowest ${Math.round(slowest)} ms`);
}

function peakRssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

Deno.test({
  name: "e2e: bundles that cannot work never go live, and none stalls the requests in flight",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const bundleDir = await Deno.makeTempDir({ prefix: "gw-e2e-bundles-" });
    const bundlePath = join(bundleDir, "bundle.tar.gz");
    await publish(bundlePath, await writeBundle(builtFiles(GET_ONLY, { revision: "v1" })));
    try {
      await withGateway("gw-e2e-integrity-", (upstream) => ({
        policy: { bundle: bundlePath, watch: true, pollSeconds: 1 },
        routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
      }), async ({ gw, keys }) => {
        const call = async (method: string) => {
          const res = await fetch(`${gw.url}/orders/1`, {
            method,
            headers: { authorization: `Bearer ${keys.reader}` },
          });
          return {
            status: res.status,
            reason: res.ok ? (await res.body?.cancel(), null) : (await res.json()).reason,
          };
        };
        assert.equal((await readyz(gw.url)).revision, "v1");
        // For comparison in the log: the same traffic with no reload (the machine may be busy).
        const quiet = await trafficDuring(gw.url, keys.reader, new Promise((r) => setTimeout(r, 2000)));
        console.log(
          `no reload: ${quiet.length} requests, the slowest ${
            Math.round(Math.max(...quiet.map((a) => a.ms)))
          } ms`,
        );

        /** Publishes `bytes` and checks it is refused with `code` while v1 keeps answering. */
        const refused = async (what: string, bytes: Uint8Array, code: RegExp) => {
          const previous = (await readyz(gw.url)).last_reload_error;
          await publish(bundlePath, bytes);
          const outcome = waitFor(
            gw.url,
            (r) =>
              r.last_reload_error !== null && r.last_reload_error !== previous &&
              code.test(r.last_reload_error),
          );
          const answers = await trafficDuring(gw.url, keys.reader, outcome);
          const r = await outcome;
          assert.equal(r.revision, "v1", what);
          assert.equal(r.status, "ready", what);
          assertServedMeanwhile(answers, what);
          return r.last_reload_error!;
        };

        await t.step(
          "a 2 MB gzip bomb (2 GiB inflated) is refused at the limit, in bounded memory",
          async () => {
            const before = peakRssMb(gw.proc.child.pid);
            const error = await refused("gzip bomb", gzipBomb(2 * 1024 ** 3), /bundle_too_large/);
            assert.match(error, /decompresses to more than 134217728 bytes/);
            const grew = peakRssMb(gw.proc.child.pid) - before;
            assert.ok(grew < 600, `the gateway's peak memory grew by ${Math.round(grew)} MB`);
          },
        );

        await t.step("a 100 MB data.json is refused by its size, before it is parsed", async () => {
          const bytes = await bigDataBundle(100e6);
          const error = await refused("100 MB data.json", bytes, /bundle_too_large/);
          assert.match(error, /bundle data exceeds 16777216 bytes \(maxDataBytes\) at data\.json/);
        });

        await t.step("a module without the gateway's entrypoint is refused", async () => {
          const files = builtFiles("package other\n\nrule := true\n", {
            entrypoint: "other/rule",
            revision: "no-ep",
          });
          const error = await refused(
            "missing entrypoint",
            await writeBundle(files),
            /bundle_entrypoint_missing/,
          );
          assert.match(error, /lacks entrypoint\(s\) gateway\/decision/);
        });

        await t.step("a module calling a built-in nobody implements is refused, with its name", async () => {
          const rego = `package gateway

decision := {"allow": http.send({"method": "GET", "url": "http://x"}).status_code == 200, "reason": "x"}
`;
          // Compiled with http.send allowed, as a module built elsewhere may call it; this gateway
          // has not enabled it.
          const files = builtFiles(rego, { revision: "http-send", allowBuiltins: ["http.send"] });
          const error = await refused(
            "unimplemented built-in",
            await writeBundle(files),
            /bundle_builtin_missing/,
          );
          assert.match(error, /does not implement: http\.send/);
        });

        await t.step("15 MB of data loads, and no request waits over a second meanwhile", async () => {
          await publish(bundlePath, await bigDataBundle(15e6));
          const outcome = waitFor(gw.url, (r) => r.revision === "big-data");
          const answers = await trafficDuring(gw.url, keys.reader, outcome);
          assert.equal((await outcome).last_reload_error, null);
          assertServedMeanwhile(answers, "15 MB data.json loading");
          assert.deepEqual(await call("GET"), { status: 200, reason: null });
        });

        await t.step(
          "an unsigned manifest claiming the policy reads less cannot make a POST reuse a GET's decision",
          async () => {
            // The manifest says the decision depends on nothing but the caller: a cache that believed
            // it would answer POST with the GET's allow. The gateway recomputes them from the sources.
            const files = builtFiles(GET_ONLY, { revision: "forged" });
            const wasm = files.get("policy.wasm")!;
            const manifest = JSON.parse(new TextDecoder().decode(files.get(".manifest")!));
            manifest.metadata[INPUT_DEPS_METADATA_KEY] = inputDepsMetadata(wasm, {
              "gateway/decision": { paths: [["identity"]], volatile: [] },
            });
            files.set(".manifest", new TextEncoder().encode(JSON.stringify(manifest)));
            await publish(bundlePath, await writeBundle(files));
            await waitFor(gw.url, (r) => r.revision === "forged");
            assert.deepEqual(await call("GET"), { status: 200, reason: null });
            assert.deepEqual(await call("GET"), { status: 200, reason: null }); // cached
            assert.deepEqual(await call("POST"), { status: 403, reason: "not_get" });
            // Without sources to recompute them from, nothing is cached at all.
            files.delete("gateway.rego");
            manifest.revision = "forged-no-sources";
            files.set(".manifest", new TextEncoder().encode(JSON.stringify(manifest)));
            await publish(bundlePath, await writeBundle(files));
            await waitFor(gw.url, (r) => r.revision === "forged-no-sources");
            assert.deepEqual(await call("GET"), { status: 200, reason: null });
            assert.deepEqual(await call("POST"), { status: 403, reason: "not_get" });
            // The decision log is flushed in the background: wait (bounded) for both lines.
            const logged = () =>
              gw.proc.stdoutLines().map((l) => JSON.parse(l)).filter((l) =>
                l.revision === "forged-no-sources"
              );
            for (const deadline = Date.now() + 5000; logged().length < 2 && Date.now() < deadline;) {
              await new Promise((r) => setTimeout(r, 20));
            }
            assert.equal(logged().length, 2);
            for (const line of logged()) assert.equal(line.decision_cache, null);
          },
        );
      });
    } finally {
      await Deno.remove(bundleDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "e2e: a bundle server is reached with a token from the environment, never shown",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const TOKEN = "tok-e2e-0123456789abcdef";
    const bundle = await writeBundle(builtFiles(GET_ONLY, { revision: "from-http" }));
    const seen: (string | null)[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
      seen.push(req.headers.get("authorization"));
      if (req.headers.get("authorization") !== `Bearer ${TOKEN}`) return new Response("no", { status: 401 });
      return new Response(bundle as Uint8Array<ArrayBuffer>, { headers: { ETag: '"b1"' } });
    });
    try {
      const url = `http://127.0.0.1:${server.addr.port}/bundle.tar.gz?sig=qs-secret-42`;
      await withGateway("gw-e2e-bundle-token-", (upstream) => ({
        policy: { bundle: url, pollSeconds: 1 },
        routes: [{ id: "orders", prefix: "/orders", upstream: upstream.url }],
      }), async ({ gw }) => {
        const r = await readyz(gw.url);
        assert.equal(r.revision, "from-http");
        assert.equal(r.source, `http://127.0.0.1:${server.addr.port}/bundle.tar.gz`);
        await new Promise((r) => setTimeout(r, 1500)); // a poll or two
        assert.ok(seen.length >= 2 && seen.every((a) => a === `Bearer ${TOKEN}`), JSON.stringify(seen));
        const output = gw.proc.stdoutLines().join("\n") + gw.proc.stderr();
        assert.ok(output.includes("bundle_activated"), output);
        assert.ok(!output.includes(TOKEN) && !output.includes("qs-secret-42"), output);
      }, { env: { GATEWAY_BUNDLE_TOKEN: TOKEN } });
    } finally {
      await server.shutdown();
    }
  },
});

Deno.test("e2e: a bundle URL with credentials stops the start, without repeating them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gw-e2e-bundle-userinfo-" });
  try {
    const config = join(dir, "gateway.yaml");
    await Deno.writeTextFile(
      config,
      toYaml({
        server: { hostname: "127.0.0.1", port: freePort() },
        policy: { bundle: "https://bundles:pa55w0rd-e2e@example.invalid/b.tar.gz" },
      }),
    );
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--unstable-kv", `${ROOT}src/main.ts`, "--config", config],
      cwd: ROOT,
      env: { GATEWAY_KEYS_DB: join(dir, "keys.db"), GATEWAY_KEY_SECRET: KEY_SECRET, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 2, output);
    assert.match(output, /policy\.bundle: a bundle URL must not carry credentials/);
    assert.ok(!output.includes("pa55w0rd-e2e"), output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
