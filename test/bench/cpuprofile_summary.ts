/**
 * Summarises a V8 .cpuprofile (from `deno run --cpu-prof`, e.g. pipeline_profile.ts or
 * BENCH_CPU_PROF=DIR with gateway_load.ts): the functions with the most self time and the most
 * inclusive time (a function counted once per sample however deep it recurses), as shares of all.
 * Usage: `deno run --allow-read test/bench/cpuprofile_summary.ts FILE_OR_DIR [TOP]` (a directory:
 * its newest .cpuprofile).
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function newestProfile(path: string): Promise<string> {
  if (!(await Deno.stat(path)).isDirectory) return path;
  let best: { path: string; mtime: number } | null = null;
  for await (const e of Deno.readDir(path)) {
    if (!e.isFile || !e.name.endsWith(".cpuprofile")) continue;
    const full = `${path}/${e.name}`;
    const mtime = (await Deno.stat(full)).mtime?.getTime() ?? 0;
    if (best === null || mtime > best.mtime) best = { path: full, mtime };
  }
  if (best === null) throw new Error(`no .cpuprofile in ${path}`);
  return best.path;
}

function frameName(f: CallFrame): string {
  const url = f.url.replace(/^file:\/\/.*?\/node_modules\/\.deno\//, "npm:").replace(
    /^file:\/\/.*?\/src\//,
    "src/",
  );
  return `${f.functionName || "(anonymous)"} ${url}${f.lineNumber >= 0 ? `:${f.lineNumber + 1}` : ""}`;
}

export function summarise(
  p: CpuProfile,
): { total: number; self: Map<string, number>; inclusive: Map<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // A sample's time is the delta to the next sample.
  const selfById = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfById.set(p.samples[i], (selfById.get(p.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const self = new Map<string, number>(), inclusive = new Map<string, number>();
  for (const [id, t] of selfById) {
    const name = frameName(byId.get(id)!.callFrame);
    self.set(name, (self.get(name) ?? 0) + t);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = frameName(byId.get(at)!.callFrame);
      if (seen.has(n)) continue;
      seen.add(n);
      inclusive.set(n, (inclusive.get(n) ?? 0) + t);
    }
  }
  return { total, self, inclusive };
}

if (import.meta.main) {
  const [path, topArg] = Deno.args;
  if (!path) {
    console.error("usage: cpuprofile_summary.ts FILE_OR_DIR [TOP]");
    Deno.exit(2);
  }
  const top = Number(topArg ?? 40);
  const file = await newestProfile(path);
  const { total, self, inclusive } = summarise(JSON.parse(await Deno.readTextFile(file)));
  const show = (title: string, m: Map<string, number>) => {
    console.log(`${title} (${file}, ${(total / 1000).toFixed(0)} ms sampled)`);
    for (const [name, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(t / total * 100).toFixed(1).padStart(5)}%  ${name}`);
    }
  };
  show("self time", self);
  show("inclusive time", inclusive);
}
