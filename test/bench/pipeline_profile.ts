/**
 * A loop over the in-process pipeline (pipeline_fixture.ts) to profile it, e.g.
 *   deno run -A --unstable-kv --cpu-prof --cpu-prof-dir=/tmp/prof test/bench/pipeline_profile.ts 50000
 * then aggregate the .cpuprofile's self time by function. Prints µs per request, wall and CPU (the
 * process's user + system time: steadier than wall time on a machine shared with other work).
 */
import process from "node:process";
import { once } from "./pipeline_fixture.ts";

const n = Number(Deno.args[0] ?? 50_000);
for (let i = 0; i < 2_000; i++) await once();
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < n; i++) await once();
const cpu = process.cpuUsage(c0);
console.log(
  `${((performance.now() - t0) * 1000 / n).toFixed(1)} µs per request (wall), ${
    ((cpu.user + cpu.system) / n).toFixed(1)
  } µs CPU, over ${n}`,
);
