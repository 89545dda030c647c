/**
 * A compile worker that starts, then misbehaves as the URL's `mode` says: `crash` throws on the
 * request, `hang` never answers. For compile_off_thread.test.ts.
 */
/// <reference lib="deno.worker" />
const mode = new URL(import.meta.url).searchParams.get("mode");
self.onmessage = () => {
  if (mode === "crash") throw new Error("out of memory (simulated)");
};
self.postMessage({ ready: true });
