/**
 * Test support: hostile archives, made quickly.
 *
 * `gzipBomb(n)`: a valid gzip stream of about n zero bytes, ~1/1000 of n in size. One deflate
 * segment of 16 MiB of zeros, ended with a sync flush (so it is byte-aligned and not final), is
 * repeated: a segment refers only to bytes it wrote itself, so each copy inflates to 16 MiB more.
 * The trailer's CRC is not computed: a reader that stops at its limit never reaches it, and one
 * that does not stop has already lost.
 */
import { constants, deflateRawSync } from "node:zlib";

const SEGMENT_BYTES = 16 * 1024 * 1024;
let segment: Uint8Array | undefined;

export function gzipBomb(inflatedBytes: number): Uint8Array {
  segment ??= new Uint8Array(
    deflateRawSync(new Uint8Array(SEGMENT_BYTES), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 }),
  );
  const copies = Math.max(1, Math.ceil(inflatedBytes / SEGMENT_BYTES));
  const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
  const out = new Uint8Array(header.length + copies * segment.byteLength + 2 + 8);
  out.set(header);
  for (let i = 0; i < copies; i++) out.set(segment, header.length + i * segment.byteLength);
  out.set([3, 0], header.length + copies * segment.byteLength); // an empty final block
  return out;
}
