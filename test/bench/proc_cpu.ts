/**
 * CPU time of processes from /proc/PID/stat (user + system, all threads), so a load benchmark can
 * say what each request costs each process: the proxy under test, the upstream and the load
 * generator. Linux only; elsewhere it reports nothing (null).
 */

const TICKS_PER_SECOND = 100; // USER_HZ, fixed at 100 on Linux for /proc

/** CPU seconds used so far by `pid`, or null when /proc cannot tell. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]), stime = Number(fields[12]); // fields 14 and 15 of stat(5)
    return Number.isFinite(utime + stime) ? (utime + stime) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** Snapshots several processes' CPU time; `since` gives the seconds each used after the snapshot. */
export class CpuMeter {
  readonly #start: Map<string, number | null>;

  constructor(readonly pids: Record<string, number>) {
    this.#start = new Map(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  /** CPU seconds per process since construction (null where unknown). */
  since(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const a = this.#start.get(name) ?? null, b = cpuSeconds(pid);
      out[name] = a === null || b === null ? null : b - a;
    }
    return out;
  }
}
