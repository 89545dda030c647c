import assert from "node:assert/strict";
import { join } from "node:path";
import { EngineError } from "../types.ts";
import { FileBundleSource } from "./file_source.ts";
import { HttpBundleSource } from "./http_source.ts";

Deno.test("file source: a directory is read as bundle files, versioned by content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "p.rego"), "package p\n");
    await Deno.writeTextFile(join(dir, "README.md"), "ignored");
    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(join(dir, "sub", "data.json"), "{}");
    const source = new FileBundleSource(dir);
    const first = await source.fetch();
    assert.ok(first !== null && first.kind === "files");
    assert.deepEqual([...first.files.keys()], ["p.rego", "sub/data.json"]);
    assert.equal(await source.fetch(first.version), null);
    await Deno.writeTextFile(join(dir, "p.rego"), "package q\n");
    const second = await source.fetch(first.version);
    assert.ok(second !== null && second.version !== first.version);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("file source: a missing path is bundle_not_found", async () => {
  await assert.rejects(
    new FileBundleSource("/nonexistent/bundle.tar.gz").fetch(),
    (e: unknown) => e instanceof EngineError && e.code === "bundle_not_found",
  );
});

Deno.test("http source: ETag polling answers unchanged on 304; errors are bundle_not_found", async () => {
  let requests = 0;
  const seenTags: (string | null)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    requests++;
    seenTags.push(req.headers.get("If-None-Match"));
    if (new URL(req.url).pathname === "/missing") return new Response("no", { status: 404 });
    if (req.headers.get("If-None-Match") === '"e1"') return new Response(null, { status: 304 });
    return new Response(new Uint8Array([1, 2, 3]), { headers: { ETag: '"e1"' } });
  });
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const source = new HttpBundleSource(`${base}/bundle.tar.gz?token=abc#frag`);
    assert.equal(source.location, `${base}/bundle.tar.gz`);
    const first = await source.fetch();
    assert.ok(first !== null && first.kind === "archive");
    assert.deepEqual(first.bytes, new Uint8Array([1, 2, 3]));
    assert.equal(first.version, '"e1"');
    assert.equal(await source.fetch(first.version), null);
    assert.deepEqual(seenTags, [null, '"e1"']);
    await assert.rejects(
      new HttpBundleSource(`${base}/missing`).fetch(),
      (e: unknown) => e instanceof EngineError && e.code === "bundle_not_found" && /404/.test(e.message),
    );
    await assert.rejects(
      new HttpBundleSource(`${base}/big`, { limits: { maxArchiveBytes: 2 } }).fetch(),
      (e: unknown) => e instanceof EngineError && e.code === "bundle_too_large",
    );
    assert.equal(requests, 4);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http source: a URL with credentials is refused, and the message does not repeat them", () => {
  for (const url of ["http://user:s3cret@example.com/b.tar.gz", "https://tok3n@example.com/b.tar.gz"]) {
    assert.throws(() => new HttpBundleSource(url), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /GATEWAY_BUNDLE_TOKEN/);
      assert.doesNotMatch(e.message, /s3cret|tok3n/);
      return true;
    });
  }
});

Deno.test("http source: a Content-Length over the limit is refused before the body is read", async () => {
  // One chunk, then nothing: a reader that waited for the body would never finish.
  let stalled: (() => void) | undefined;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) {
          sent = true;
          c.enqueue(new Uint8Array(1024));
          return;
        }
        return new Promise<void>((resolve) => stalled = resolve);
      },
      cancel() {
        stalled?.();
      },
    });
    return new Response(body, { headers: { "Content-Length": String(1024 * 1024) } });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/b.tar.gz`;
    await assert.rejects(
      new HttpBundleSource(url, { limits: { maxArchiveBytes: 100_000 } }).fetch(),
      (e: unknown) =>
        e instanceof EngineError && e.code === "bundle_too_large" && /by its Content-Length/.test(e.message),
    );
  } finally {
    stalled?.();
    await server.shutdown();
  }
});

Deno.test("http source: credentials go in headers; a redirect to another origin does not get them", async () => {
  const seen: { server: string; auth: string | null; key: string | null }[] = [];
  const other = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push({ server: "other", auth: req.headers.get("authorization"), key: req.headers.get("x-api-key") });
    return new Response(new Uint8Array([9]), { headers: { ETag: '"o"' } });
  });
  const main: Deno.HttpServer<Deno.NetAddr> = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      seen.push({
        server: "main",
        auth: req.headers.get("authorization"),
        key: req.headers.get("x-api-key"),
      });
      const path = new URL(req.url).pathname;
      if (path === "/same") return Response.redirect(`http://127.0.0.1:${main.addr.port}/b.tar.gz`, 302);
      if (path === "/away") return Response.redirect(`http://localhost:${other.addr.port}/b.tar.gz`, 307);
      return new Response(new Uint8Array([1]), { headers: { ETag: '"m"' } });
    },
  );
  try {
    const headers = { Authorization: "Bearer t0ken", "X-Api-Key": "k3y" };
    const base = `http://127.0.0.1:${main.addr.port}`;
    const same = await new HttpBundleSource(`${base}/same`, { headers }).fetch();
    assert.ok(same !== null && same.kind === "archive" && same.bytes[0] === 1);
    const away = await new HttpBundleSource(`${base}/away`, { headers }).fetch();
    assert.ok(away !== null && away.kind === "archive" && away.bytes[0] === 9);
    assert.deepEqual(seen, [
      { server: "main", auth: "Bearer t0ken", key: "k3y" },
      { server: "main", auth: "Bearer t0ken", key: "k3y" },
      { server: "main", auth: "Bearer t0ken", key: "k3y" },
      { server: "other", auth: null, key: null },
    ]);
  } finally {
    await main.shutdown();
    await other.shutdown();
  }
});

Deno.test("http source: a failed fetch names the shown location, never the query", async () => {
  const source = new HttpBundleSource("http://127.0.0.1:9/b.tar.gz?token=s3cret", {
    fetch: (input) => Promise.reject(new TypeError(`error sending request for url (${input})`)),
  });
  await assert.rejects(source.fetch(), (e: unknown) => {
    assert.ok(e instanceof EngineError && e.code === "bundle_not_found");
    assert.doesNotMatch(e.message, /s3cret/);
    assert.match(e.message, /127\.0\.0\.1:9\/b\.tar\.gz/);
    return true;
  });
});

Deno.test("file source: an archive over the limit is refused by its size, before it is read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "b.tar.gz");
    await Deno.writeFile(path, new Uint8Array(4096));
    await assert.rejects(
      new FileBundleSource(path, { maxArchiveBytes: 1000 }).fetch(),
      (e: unknown) =>
        e instanceof EngineError && e.code === "bundle_too_large" && /4096 bytes/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("http source: a body without a length is counted as it streams", async () => {
  let chunks = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (++chunks > 64) return c.close();
          c.enqueue(new Uint8Array(16 * 1024));
        },
      }),
    ));
  try {
    const url = `http://127.0.0.1:${server.addr.port}/b.tar.gz`;
    await assert.rejects(
      new HttpBundleSource(url, { limits: { maxArchiveBytes: 100_000 } }).fetch(),
      (e: unknown) =>
        e instanceof EngineError && e.code === "bundle_too_large" && /sends more than/.test(e.message),
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("http source: OPA's long polling — Prefer: wait=N, long-polling only with OPA's media type", async () => {
  const seen: (string | null)[] = [];
  let media = "application/vnd.openpolicyagent.bundles";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.headers.get("prefer"));
    if (req.headers.get("if-none-match") === '"e1"') return new Response(null, { status: 304 });
    return new Response("bundle-bytes", { headers: { ETag: '"e1"', "Content-Type": media } });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/b.tar.gz`;
    const source = new HttpBundleSource(url, { longPollSeconds: 7 });
    assert.ok(await source.fetch());
    assert.equal(source.longPolling, true);
    assert.equal(await source.fetch('"e1"'), null);
    assert.equal(source.longPolling, true, "a 304 (no Content-Type) keeps the mode");
    media = "application/gzip";
    assert.ok(await source.fetch());
    assert.equal(source.longPolling, false, "a server without the media type is polled");
    assert.deepEqual(seen, ["wait=7", "wait=7", "wait=7"]);
    const off = new HttpBundleSource(url);
    media = "application/vnd.openpolicyagent.bundles";
    assert.ok(await off.fetch());
    assert.equal(off.longPolling, false, "long polling off unless configured");
    assert.equal(seen[3], null);
  } finally {
    await server.shutdown();
  }
});

Deno.test("http source: a server that never answers is a bundle_not_found after the deadline", async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => release = r);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await held;
    return new Response("late");
  });
  try {
    const source = new HttpBundleSource(`http://127.0.0.1:${server.addr.port}/b`, { timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(source.fetch(), (e: unknown) => {
      assert.ok(e instanceof EngineError && e.code === "bundle_not_found" && /in time/.test(e.message));
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
  } finally {
    release();
    await server.shutdown();
  }
});
