/**
 * LogTape configuration for the process's operational logs (gateway.*: start-up, policy reloads,
 * errors) as JSON lines on stderr. The per-request decision log does not go through LogTape: see
 * decision_log.ts.
 */
import {
  configure,
  dispose,
  getJsonLinesFormatter,
  getLogger,
  getStreamSink,
  type LogLevel,
} from "@logtape/logtape";

export async function configureLogging(opts: { level: LogLevel }): Promise<void> {
  await configure({
    reset: true,
    sinks: {
      ops: getStreamSink(Deno.stderr.writable, {
        formatter: getJsonLinesFormatter({ properties: "flatten" }),
        closeStream: false,
      }),
    },
    loggers: [
      { category: ["gateway"], sinks: ["ops"], lowestLevel: opts.level },
      { category: ["logtape", "meta"], sinks: ["ops"], lowestLevel: "warning" },
    ],
  });
}

/** Flushes buffered lines; call before exit. */
export async function closeLogging(): Promise<void> {
  await dispose();
}

export function opsLogger(...category: string[]) {
  return getLogger(["gateway", ...category]);
}
