import assert from "node:assert/strict";
import { PolicyEngine } from "../engine.ts";
import { fakeBundle, fakeLoader } from "../testing/fake_policy.ts";
import type { Clock } from "./clock.ts";
import { HttpBundleSource } from "./http_source.ts";
import { BundleManager, type LogEntry } from "./manager.ts";
import type { BundleSource, SourceSnapshot } from "./source.ts";

/** A source whose bundle the test replaces by hand. */
class MemorySource implements BundleSource {
  readonly location = "memory://bundle";
  bytes: Uint8Array = new Uint8Array();
  version = 0;
  fetches = 0;
  set(bytes: Uint8Array) {
    this.bytes = bytes;
    this.version++;
  }
  fetch(since?: string): Promise<SourceSnapshot | null> {
    this.fetches++;
    const version = `v${this.version}`;
    return Promise.resolve(since === version ? null : { kind: "archive", bytes: this.bytes, version });
  }
}

/** Timers that fire only when the test says so. */
class ManualClock implements Clock {
  timers = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;
  now = () => new Date(0);
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.#next++;
    this.timers.set(id, { fn, ms });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers.delete(id as number);
  };
  fireAll() {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const t of due) t.fn();
  }
}

function setup(extra: Partial<ConstructorParameters<typeof BundleManager>[2]> = {}) {
  const engine = new PolicyEngine();
  const source = new MemorySource();
  const logs: LogEntry[] = [];
  const clock = new ManualClock();
  const manager = new BundleManager(engine, source, {
    loader: fakeLoader,
    clock,
    log: (e) => logs.push(e),
    watch: false,
    pollIntervalMs: 0,
    ...extra,
  });
  return { engine, source, logs, clock, manager };
}

const valueOf = (engine: PolicyEngine) => {
  const r = engine.evaluate("gateway/decision", {});
  assert.ok(r.ok, `evaluation failed: ${!r.ok && r.error.message}`);
  return r.value;
};

Deno.test("reload: activates a bundle, then reports unchanged for the same version", async () => {
  const { engine, source, manager, logs } = setup();
  source.set(await fakeBundle({ value: "v1" }, { revision: "r1" }));
  assert.equal(await manager.reload(), "activated");
  assert.equal(valueOf(engine), "v1");
  assert.equal(engine.current()?.revision, "r1");
  assert.equal(engine.current()?.source, "memory://bundle");
  assert.equal(await manager.reload(), "unchanged");
  assert.deepEqual(manager.status().ready, true);
  assert.deepEqual(logs.map((l) => l.event), ["bundle_activated"]);
});

Deno.test("reload: a corrupt bundle keeps the old one, records the error and logs it once", async () => {
  const { engine, source, manager, logs } = setup();
  source.set(await fakeBundle({ value: "v1" }));
  await manager.reload();
  source.set(new TextEncoder().encode("garbage"));
  assert.equal(await manager.reload(), "failed");
  assert.equal(valueOf(engine), "v1");
  assert.equal(manager.status().lastError?.code, "bundle_corrupt");
  assert.equal(manager.status().ready, true);
  // The same broken bundle again, and a different version broken the same way: no new log line.
  assert.equal(await manager.reload(), "unchanged");
  source.set(new TextEncoder().encode("garbage"));
  assert.equal(await manager.reload(), "failed");
  assert.equal(logs.filter((l) => l.event === "bundle_rejected").length, 1);
  assert.equal(manager.status().failures, 2);
  // A good bundle clears the error.
  source.set(await fakeBundle({ value: "v2" }));
  assert.equal(await manager.reload(), "activated");
  assert.equal(valueOf(engine), "v2");
  assert.equal(manager.status().lastError, null);
});

Deno.test("reload: a trapping module is never put in force", async () => {
  const { engine, source, manager } = setup();
  source.set(await fakeBundle({ value: "v1" }));
  await manager.reload();
  source.set(await fakeBundle({ value: "v2", trap: true }));
  assert.equal(await manager.reload(), "failed");
  assert.equal(manager.status().lastError?.code, "policy_load_failed");
  assert.equal(valueOf(engine), "v1");
});

Deno.test("reload: an unsigned bundle is rejected when a verification key is configured", async () => {
  const key = { alg: "HS256" as const, key: "k" };
  const { engine, source, manager } = setup({ verification: key });
  source.set(await fakeBundle({ value: "v1" }));
  assert.equal(await manager.reload(), "failed");
  assert.equal(manager.status().lastError?.code, "bundle_signature_invalid");
  assert.equal(manager.status().ready, false);
  assert.equal(engine.evaluate("gateway/decision", {}).ok, false);
  source.set(await fakeBundle({ value: "v1" }, { signing: key }));
  assert.equal(await manager.reload(), "activated");
  assert.equal(valueOf(engine), "v1");
});

Deno.test("reload: evaluations running across a swap all succeed with the old or the new value", async () => {
  const { engine, source, manager } = setup();
  source.set(await fakeBundle({ value: "old" }));
  await manager.reload();
  source.set(await fakeBundle({ value: "new" }));
  let swapping = true;
  const seen: unknown[] = [];
  const evaluators = Array.from({ length: 8 }, async () => {
    while (swapping) {
      seen.push(valueOf(engine));
      await Promise.resolve();
      await new Promise<void>((r) => queueMicrotask(r));
    }
  });
  const outcome = await manager.reload();
  swapping = false;
  await Promise.all(evaluators);
  assert.equal(outcome, "activated");
  assert.ok(seen.length > 0);
  assert.ok(seen.every((v) => v === "old" || v === "new"), `unexpected values: ${[...new Set(seen)]}`);
  assert.equal(valueOf(engine), "new");
});

Deno.test("reload: overlapping triggers run one after another, at most one queued", async () => {
  const { source, manager } = setup();
  source.set(await fakeBundle({ value: "v1" }));
  const outcomes = await Promise.all([manager.reload(), manager.reload(), manager.reload()]);
  assert.deepEqual(outcomes, ["activated", "unchanged", "unchanged"]);
  assert.equal(source.fetches, 2);
});

Deno.test("reload: file events are debounced into one reload", async () => {
  const { source, manager, clock } = setup({ debounceMs: 50 });
  source.set(await fakeBundle({ value: "v1" }));
  manager.notifyChange();
  manager.notifyChange();
  manager.notifyChange();
  assert.equal(clock.timers.size, 1);
  assert.equal([...clock.timers.values()][0].ms, 50);
  assert.equal(source.fetches, 0);
  clock.fireAll();
  await manager.reload(); // waits for the debounced run, which already fetched
  assert.equal(manager.status().activations, 1);
});

Deno.test("reload: polling fetches on every tick until stopped", async () => {
  const { source, manager, clock, engine } = setup({ pollIntervalMs: 1000 });
  source.set(await fakeBundle({ value: "v1" }));
  assert.equal(await manager.start(), "activated");
  assert.equal(clock.timers.size, 1);
  source.set(await fakeBundle({ value: "v2" }));
  clock.fireAll();
  await manager.reload();
  assert.equal(valueOf(engine), "v2");
  manager.stop();
  assert.equal(clock.timers.size, 0);
  manager.notifyChange();
  assert.equal(clock.timers.size, 0);
});

Deno.test("last good: an http source gone at the next start serves the persisted bundle; none at all fails closed", async () => {
  const dir = await Deno.makeTempDir();
  const lastGoodPath = `${dir}/last-good.tar.gz`;
  let body: Uint8Array = await fakeBundle({ value: "v1" }, { revision: "r1" });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(body as Uint8Array<ArrayBuffer>),
  );
  const url = `http://127.0.0.1:${server.addr.port}/bundle.tar.gz`;
  const start = async (bundleUrl: string, path = lastGoodPath) => {
    const engine = new PolicyEngine();
    const logs: LogEntry[] = [];
    const manager = new BundleManager(engine, new HttpBundleSource(bundleUrl, { timeoutMs: 2000 }), {
      loader: fakeLoader,
      log: (e) => logs.push(e),
      watch: false,
      pollIntervalMs: 0,
      lastGoodPath: path,
    });
    await manager.start();
    manager.stop();
    return { engine, manager, logs };
  };
  try {
    // First start: the source answers; its bytes are kept, and nothing temporary is left beside them.
    const first = await start(url);
    assert.equal(valueOf(first.engine), "v1");
    assert.equal(first.manager.status().lastGood, null);
    assert.deepEqual(await Deno.readFile(lastGoodPath), body);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["last-good.tar.gz"]);

    // The source serves a broken bundle: the last good one is served, and said so.
    body = new TextEncoder().encode("garbage");
    const broken = await start(url);
    assert.equal(valueOf(broken.engine), "v1");
    assert.equal(broken.engine.current()?.source, lastGoodPath);
    assert.equal(broken.manager.status().lastGood?.revision, "r1");
    assert.equal(broken.manager.status().lastError?.code, "bundle_corrupt");
    assert.deepEqual(broken.logs.map((l) => l.event), ["bundle_rejected", "last_good_loaded"]);
    // A rejected bundle never overwrites the copy.
    assert.deepEqual(
      await Deno.readFile(lastGoodPath),
      await fakeBundle({ value: "v1" }, { revision: "r1" }),
    );
  } finally {
    await server.shutdown();
  }
  // The source is gone: the last good bundle again.
  const gone = await start(url);
  assert.equal(valueOf(gone.engine), "v1");
  assert.equal(gone.manager.status().ready, true);
  assert.equal(gone.manager.status().lastError?.code, "bundle_not_found");
  assert.equal(gone.manager.status().lastGood?.path, lastGoodPath);

  // A corrupted copy is not trusted, and with no copy nothing is in force: every evaluation fails.
  await Deno.writeTextFile(lastGoodPath, "tampered");
  const tampered = await start(url);
  assert.equal(tampered.manager.status().ready, false);
  assert.deepEqual(tampered.logs.map((l) => l.event), ["bundle_rejected", "last_good_rejected"]);
  const never = await start(url, `${dir}/missing.tar.gz`);
  assert.equal(never.manager.status().ready, false);
  const r = never.engine.evaluate("gateway/decision", {});
  assert.equal(!r.ok && r.error.code, "no_policy_loaded");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("last good: a directory source is kept packed as one archive", async () => {
  const dir = await Deno.makeTempDir();
  const bundle = await fakeBundle({ value: "v1" }, { revision: "r1" });
  const { unpackBundleArchive } = await import("../bundle/archive.ts");
  const files = await unpackBundleArchive(bundle);
  const source: BundleSource = {
    location: "memory://dir",
    fetch: () => Promise.resolve({ kind: "files", files, version: "d1" }),
  };
  const manager = new BundleManager(new PolicyEngine(), source, {
    loader: fakeLoader,
    log: () => {},
    watch: false,
    pollIntervalMs: 0,
    lastGoodPath: `${dir}/kept.tar.gz`,
  });
  await manager.start();
  manager.stop();
  assert.deepEqual(await unpackBundleArchive(await Deno.readFile(`${dir}/kept.tar.gz`)), files);
  await Deno.remove(dir, { recursive: true });
});
