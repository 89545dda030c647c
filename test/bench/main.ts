/**
 * `deno task bench [NAME…]`: runs the named benchmarks (all by default), one after another.
 * Each is a module exporting `run(): Promise<Record<string, number>>` that prints its own report.
 * With `--json`, a last line holds every result as JSON.
 */
import { wantsHelp } from "../../src/cli/cli_args.ts";

interface Benchmark {
  name: string;
  load: () => Promise<{ run(): Promise<Record<string, number>> }>;
}

const BENCHMARKS: Benchmark[] = [
  { name: "compiler", load: () => import("./compiler.ts") },
  { name: "gateway", load: () => import("./gateway_load.ts") },
  { name: "bundle", load: () => import("./bundle_data.ts") },
];

const USAGE = `usage: deno task bench [--json] [NAME…]   (names: ${
  BENCHMARKS.map((b) => b.name).join(", ")
})`;
if (wantsHelp(Deno.args)) {
  console.log(USAGE);
  Deno.exit(0);
}
const badFlags = Deno.args.filter((a) => a.startsWith("-") && a !== "--json");
if (badFlags.length > 0) {
  console.error(`bench: unknown option ${badFlags[0]}\n${USAGE}`);
  Deno.exit(2);
}
const args = Deno.args.filter((a) => !a.startsWith("--"));
const unknown = args.filter((a) => !BENCHMARKS.some((b) => b.name === a));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}`,
  );
  Deno.exit(2);
}
const selected = args.length ? BENCHMARKS.filter((b) => args.includes(b.name)) : BENCHMARKS;
const all: Record<string, Record<string, number>> = {};
let failed = false;
for (const bench of selected) {
  try {
    all[bench.name] = await (await bench.load()).run();
  } catch (e) {
    failed = true;
    console.error(`${bench.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
if (Deno.args.includes("--json")) console.log(JSON.stringify(all));
if (failed) Deno.exit(1);
