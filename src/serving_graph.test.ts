/**
 * The serving isolate must not carry the compiler: binaryen alone is ~40 MB of heap, and a
 * gateway that loads built bundles, or compiles in workers, never needs it there (src/engine/load.ts).
 * Hosts reach the compiler's contract through src/rego/abi.ts; the compiler itself (src/rego/mod.ts)
 * is imported dynamically, where a compile really happens. This holds the static import graph of the
 * entry points to that.
 */
import assert from "node:assert/strict";

interface InfoModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean; code?: { specifier?: string } }[];
}

async function staticGraph(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { roots: string[]; modules: InfoModule[] };
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    const specifier = stack.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code?.specifier) stack.push(dep.code.specifier);
    }
  }
  return seen;
}

for (const entry of ["./main.ts", "./deploy.ts"]) {
  Deno.test(`serving graph: ${entry} loads neither the compiler nor binaryen until it compiles`, async () => {
    const graph = [...await staticGraph(entry)];
    assert.ok(graph.some((s) => s.endsWith("/src/rego/abi.ts")), "the host contract is reachable");
    const compiler = graph.filter((s) =>
      /binaryen|assemblyscript/.test(s) || s.endsWith("/src/rego/mod.ts") ||
      s.endsWith("/src/rego/pipeline.ts")
    );
    assert.deepEqual(compiler, []);
  });
}
