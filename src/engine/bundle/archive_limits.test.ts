/**
 * The archive's limits against hostile input: each is hit while reading, within a small, fixed
 * amount of memory and time, and every malformed archive is a clean EngineError.
 */
import assert from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { packTar } from "modern-tar";
import { gzipBomb } from "../testing/hostile_bundles.ts";
import { EngineError } from "../types.ts";
import { packBundleArchive, unpackBundleArchive } from "./archive.ts";
import { prepareBundle } from "./read.ts";

const enc = new TextEncoder();

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function isCode(...codes: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected EngineError, got ${e}`);
    assert.ok(codes.includes(e.code), `code ${e.code}: ${e.message}`);
    return true;
  };
}

/** A tar header (ustar) for `name` claiming `size` bytes, with a valid checksum and no body. */
function tarHeader(name: string, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, at: number) => block.set(enc.encode(text), at);
  put(name, 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put(size.toString(8).padStart(11, "0") + "\0", 124);
  put("00000000000\0", 136);
  put("        ", 148);
  put("0", 156);
  put("ustar\0" + "00", 257);
  const sum = block.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return block;
}

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

Deno.test("archive limits: a 2 MB gzip bomb (2 GiB of zeros) stops at the limit, in bounded memory", async () => {
  const bomb = gzipBomb(2 * 1024 ** 3);
  assert.ok(bomb.byteLength < 2.2e6);
  const started = performance.now();
  const before = peakRssMb();
  await assert.rejects(
    unpackBundleArchive(bomb, { maxUncompressedBytes: 64 * 1024 * 1024 }),
    (e: unknown) =>
      isCode("bundle_too_large")(e) && /decompresses to more than 67108864/.test((e as Error).message),
  );
  // Inflating all of it took ~30 s and 2 GiB before; the limit is reached after 64 MiB.
  assert.ok(performance.now() - started < 20_000);
  assert.ok(peakRssMb() - before < 512, `peak RSS grew by ${peakRssMb() - before} MB`);
});

Deno.test("archive limits: a tar header claiming more than is left is refused before its body is read", async () => {
  // The body never comes: the claim alone is refused (a reader that trusted it would wait for 8 GiB).
  const tar = new Uint8Array([...tarHeader("policy.rego", 8 * 1024 ** 3), ...new Uint8Array(1024)]);
  await assert.rejects(
    unpackBundleArchive(await gzip(tar)),
    (e: unknown) =>
      isCode("bundle_too_large")(e) && /maxUncompressedBytes\) at policy\.rego/.test((e as Error).message),
  );
});

Deno.test("archive limits: data files over maxDataBytes are refused by their header", async () => {
  const archive = await packBundleArchive(
    new Map([["data.json", enc.encode(`{"a":"${"x".repeat(5000)}"}`)]]),
  );
  await assert.rejects(
    unpackBundleArchive(archive, { maxDataBytes: 4096 }),
    (e: unknown) =>
      isCode("bundle_too_large")(e) && /maxDataBytes\) at data\.json/.test((e as Error).message),
  );
  // Other files do not count towards it.
  await unpackBundleArchive(
    await packBundleArchive(new Map([["big.rego", enc.encode(" ".repeat(5000))]])),
    { maxDataBytes: 4096 },
  );
});

Deno.test("archive limits: the data document is bounded as JSON too (YAML aliases can grow it)", async () => {
  const yaml = `a: &a ${JSON.stringify("x".repeat(1000))}\nb: [${new Array(50).fill("*a").join(", ")}]\n`;
  const archive = await packBundleArchive(new Map([["data.yaml", enc.encode(yaml)]]));
  await assert.rejects(
    prepareBundle({ kind: "archive", bytes: archive }, { limits: { maxDataBytes: 10_000 } }),
    (e: unknown) => isCode("bundle_too_large")(e) && /as JSON/.test((e as Error).message),
  );
  const ok = await prepareBundle({ kind: "archive", bytes: archive }, { limits: { maxDataBytes: 100_000 } });
  assert.ok(ok.dataJson.byteLength > 50_000);
});

Deno.test("archive limits: archive size, decompressed size and file count", async () => {
  const archive = await packBundleArchive(new Map([["data.json", enc.encode(" ".repeat(100_000))]]));
  await assert.rejects(
    unpackBundleArchive(archive, { maxArchiveBytes: 10 }),
    (e: unknown) =>
      isCode("bundle_too_large")(e) && /over the limit of 10 \(maxArchiveBytes\)/.test((e as Error).message),
  );
  await assert.rejects(
    unpackBundleArchive(archive, { maxUncompressedBytes: 50_000 }),
    (e: unknown) => isCode("bundle_too_large")(e) && /maxUncompressedBytes/.test((e as Error).message),
  );
  const many = await packBundleArchive(new Map([1, 2, 3].map((i) => [`${i}.rego`, enc.encode("package x")])));
  await assert.rejects(
    unpackBundleArchive(many, { maxFiles: 2 }),
    (e: unknown) => isCode("bundle_corrupt")(e) && /more than 2 files/.test((e as Error).message),
  );
});

/** A small valid bundle archive, its tar, and the files it holds. */
const bundleFiles = fc.uniqueArray(
  fc.record({
    name: fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8}){0,2}\.(rego|json)$/),
    body: fc.string({ maxLength: 300 }),
  }),
  { minLength: 1, maxLength: 6, selector: (f) => f.name },
);

async function tarOf(files: { name: string; body: string }[]): Promise<Uint8Array> {
  return await packTar(files.map((f) => {
    const body = enc.encode(f.body);
    return { header: { name: f.name, size: body.byteLength, type: "file" as const }, body };
  }));
}

/** Settles within a deadline (a hang fails the property); resolves or rejects as the promise does. */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The outcome of reading a damaged archive: files, or an EngineError; anything else fails. */
async function readsCleanly(archive: Uint8Array): Promise<void> {
  try {
    await within(
      prepareBundle({ kind: "archive", bytes: archive }, { limits: { maxUncompressedBytes: 1 << 20 } }),
      10_000,
    );
  } catch (e) {
    if (e instanceof EngineError) return;
    throw e;
  }
}

Deno.test("archive property: a truncated archive is a clean EngineError, never a hang or a crash", async () => {
  await fc.assert(
    fc.asyncProperty(bundleFiles, fc.double({ min: 0, max: 1, noNaN: true }), async (files, at) => {
      const archive = await gzip(await tarOf(files));
      const cut = Math.floor(archive.byteLength * at);
      if (cut === archive.byteLength) return;
      await assert.rejects(
        within(unpackBundleArchive(archive.subarray(0, cut)), 10_000),
        isCode("bundle_corrupt", "bundle_too_large"),
      );
    }),
    { numRuns: 150 },
  );
});

Deno.test("archive property: corrupted bytes (gzip or tar) give files or a clean EngineError", async () => {
  const damage = fc.array(
    fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), byte: fc.integer({ min: 0, max: 255 }) }),
    {
      minLength: 1,
      maxLength: 8,
    },
  );
  await fc.assert(
    fc.asyncProperty(bundleFiles, damage, fc.boolean(), async (files, hits, inTar) => {
      const tar = await tarOf(files);
      const target = inTar ? tar : await gzip(tar);
      for (const { at, byte } of hits) {
        target[Math.min(target.length - 1, Math.floor(at * target.length))] = byte;
      }
      await readsCleanly(inTar ? await gzip(target) : target);
    }),
    { numRuns: 200 },
  );
});

Deno.test("archive property: arbitrary bytes, and gzip of arbitrary bytes, are a clean EngineError", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, zipped) => {
      await readsCleanly(zipped ? await gzip(bytes) : bytes);
    }),
    { numRuns: 200 },
  );
});
