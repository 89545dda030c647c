/**
 * Several gateway processes on one host, sharing one port: `deno task start:processes N [gateway
 * options]` starts N copies of src/main.ts with SO_REUSEPORT (Linux: the kernel spreads new
 * connections across them), each with GATEWAY_PROCESS=1…N, which labels its metrics
 * (`process="2"`) and its start-up log line.
 *
 * What the processes share must live outside them: keys in PostgreSQL (`keys.store: postgres`) or
 * the Deno KV file (revocations then reach the other processes within `keys.cacheTtlMs`), rate
 * limits in Redis (`rateLimit.store: redis`; with "memory" each process counts on its own, and a
 * warning says so).
 *
 * SIGINT/SIGTERM are passed on to every process. When one exits, the others are stopped and this
 * launcher exits with its code: restarting is the supervisor's job (systemd, the container runtime).
 * A launcher killed outright (SIGKILL) takes its processes along: each stops within a second or two
 * of losing its parent (main.ts watches `Deno.ppid`).
 */
import { parseCliArgs, wantsHelp } from "./cli_args.ts";

const MAX_PROCESSES = 64;

export function parseCount(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_PROCESSES ? n : null;
}

const USAGE = `usage: deno task start:processes N [--config FILE]   (1 ≤ N ≤ ${MAX_PROCESSES})

Starts N gateway processes sharing one port (SO_REUSEPORT); the options go to each.`;

export async function main(args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    console.log(USAGE);
    return 0;
  }
  const count = parseCount(args[0]);
  if (count === null) {
    console.error(USAGE);
    return 2;
  }
  try {
    parseCliArgs(args.slice(1), { config: { type: "string" } });
  } catch (e) {
    console.error(`start:processes: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const entry = new URL("../main.ts", import.meta.url).pathname;
  const children = Array.from({ length: count }, (_, i) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-sys",
        "--unstable-kv",
        "--unstable-net", // reusePort
        entry,
        ...args.slice(1),
      ],
      env: { GATEWAY_PROCESS: String(i + 1), GATEWAY_REUSE_PORT: "1" },
      stdin: "null",
    }).spawn());
  const stopAll = (signal: Deno.Signal) => {
    for (const child of children) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, () => stopAll(signal));
  const first = await Promise.race(children.map((c) => c.status));
  stopAll("SIGTERM");
  await Promise.all(children.map((c) => c.status));
  return first.signal !== null ? 0 : first.code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
