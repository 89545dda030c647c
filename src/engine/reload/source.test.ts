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
    const base = `http://user:secret@127.0.0.1:${server.addr.port}`;
    const source = new HttpBundleSource(`${base}/bundle.tar.gz?token=abc`);
    assert.ok(!source.location.includes("secret") && !source.location.includes("token"));
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
      (e: unknown) => e instanceof EngineError && e.code === "bundle_corrupt",
    );
    assert.equal(requests, 4);
  } finally {
    await server.shutdown();
  }
});
