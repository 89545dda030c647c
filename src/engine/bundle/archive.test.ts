import assert from "node:assert/strict";
import { packTar } from "modern-tar";
import { EngineError } from "../types.ts";
import { packBundleArchive, unpackBundleArchive } from "./archive.ts";

const enc = new TextEncoder();

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function tarGz(
  entries: {
    name: string;
    body?: string;
    type?: "file" | "symlink" | "link" | "directory";
    linkname?: string;
  }[],
) {
  return await gzip(
    await packTar(entries.map((e) => ({
      header: { name: e.name, size: e.body?.length ?? 0, type: e.type ?? "file", linkname: e.linkname },
      body: e.body,
    }))),
  );
}

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${e}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("archive: round trip keeps every file byte for byte", async () => {
  const files = new Map([
    [".manifest", enc.encode('{"revision":"r1"}')],
    ["data.json", enc.encode("{}")],
    ["a/b/policy.rego", enc.encode("package a.b\n")],
    ["policy.wasm", new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])],
    ["empty.rego", new Uint8Array()],
  ]);
  const archive = await packBundleArchive(files);
  const back = await unpackBundleArchive(archive);
  assert.deepEqual([...back.keys()].sort(), [...files.keys()].sort());
  for (const [path, bytes] of files) assert.deepEqual(back.get(path), bytes, path);
});

Deno.test("archive: output is deterministic", async () => {
  const files = new Map([["b.rego", enc.encode("package b")], ["a.rego", enc.encode("package a")]]);
  assert.deepEqual(await packBundleArchive(files), await packBundleArchive(new Map([...files].reverse())));
});

Deno.test("archive: OPA's leading slash and ./ prefixes name bundle-relative files", async () => {
  const files = await unpackBundleArchive(
    await tarGz([{ name: "/.manifest", body: "{}" }, { name: "./x/data.json", body: "{}" }, {
      name: "/dir/",
      type: "directory",
    }]),
  );
  assert.deepEqual([...files.keys()].sort(), [".manifest", "x/data.json"]);
});

Deno.test("archive: corrupt gzip is bundle_corrupt", async () => {
  await rejects(unpackBundleArchive(enc.encode("definitely not gzip")), "bundle_corrupt", /gzip/);
});

Deno.test("archive: truncated tar is bundle_corrupt", async () => {
  const tar = await packTar([{
    header: { name: "data.json", size: 2000, type: "file" },
    body: "x".repeat(2000),
  }]);
  await rejects(unpackBundleArchive(await gzip(tar.subarray(0, 1024))), "bundle_corrupt", /truncated/);
});

Deno.test("archive: truncated gzip is bundle_corrupt", async () => {
  const good = await packBundleArchive(new Map([["data.json", enc.encode("{}".repeat(1000))]]));
  await rejects(unpackBundleArchive(good.subarray(0, good.length - 12)), "bundle_corrupt", /gzip/);
});

Deno.test("archive: a damaged tar header is bundle_corrupt", async () => {
  const tar = await packTar([{ header: { name: "data.json", size: 2, type: "file" }, body: "{}" }]);
  tar[5] ^= 0x20; // a name byte: the checksum no longer matches
  await rejects(unpackBundleArchive(await gzip(tar)), "bundle_corrupt", /checksum/);
});

for (
  const name of ["../evil.rego", "a/../../evil.rego", "//etc/passwd", "C:/x.rego", "a\\..\\b.rego", "a/./b"]
) {
  Deno.test(`archive: path ${JSON.stringify(name)} is rejected`, async () => {
    await rejects(
      unpackBundleArchive(await tarGz([{ name, body: "x" }])),
      "bundle_corrupt",
      /path not allowed/,
    );
  });
}

Deno.test("archive: symlinks and hard links are rejected", async () => {
  await rejects(
    unpackBundleArchive(await tarGz([{ name: "data.json", type: "symlink", linkname: "/etc/passwd" }])),
    "bundle_corrupt",
    /symlink/,
  );
  await rejects(
    unpackBundleArchive(await tarGz([{ name: "data.json", type: "link", linkname: "other" }])),
    "bundle_corrupt",
    /link/,
  );
});

Deno.test("archive: duplicate paths are rejected", async () => {
  await rejects(
    unpackBundleArchive(await tarGz([{ name: "/data.json", body: "{}" }, { name: "data.json", body: "{}" }])),
    "bundle_corrupt",
    /twice/,
  );
});
