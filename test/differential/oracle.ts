/**
 * The OPA oracle (`../shared/opa-oracle`: OPA v0.47 compiled to WebAssembly, run by Node) as a
 * long-lived child process: cases go in one JSON line each, answers come back in order.
 *
 * The oracle needs its npm dependencies (`bash ../shared/opa-oracle/install.sh`, which `.ci/run`
 * calls). `Oracle.start()` fails with a message saying so when they or the oracle are missing.
 */
import { fileURLToPath } from "node:url";
import type { Answer, Case } from "./case.ts";

export const ORACLE_DIR = fileURLToPath(new URL("../../../shared/opa-oracle/", import.meta.url));
const SERVER = fileURLToPath(new URL("./oracle_server.cjs", import.meta.url));

export class OracleUnavailable extends Error {}

export class Oracle {
  private next = 0;
  private waiting = new Map<number, (a: Answer) => void>();
  private closed: Promise<void>;
  private writer: WritableStreamDefaultWriter<Uint8Array>;
  private stderr = "";

  private constructor(private child: Deno.ChildProcess) {
    this.writer = child.stdin.getWriter();
    this.closed = this.readAnswers();
    void this.readStderr();
  }

  /** Starts the oracle and checks that it answers a trivial query correctly. */
  static async start(options: { timeoutMs?: number } = {}): Promise<Oracle> {
    const script = `${ORACLE_DIR}oracle.cjs`;
    const exists = await Deno.stat(script).then(() => true, () => false);
    if (!exists) throw new OracleUnavailable(`the OPA oracle is missing at ${script}`);
    const child = new Deno.Command("node", {
      args: [SERVER, script],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { ORACLE_TIMEOUT_MS: String(options.timeoutMs ?? 10_000) },
    }).spawn();
    const oracle = new Oracle(child);
    // The first answer waits for OPA's start-up (seconds on a busy machine).
    const probe = await oracle.evaluate(
      { modules: ["package probe\np := 1"], query: "data.probe.p" },
      120_000,
    );
    if (!("result" in probe) || probe.result !== 1) {
      await oracle.close();
      throw new OracleUnavailable(
        `the OPA oracle does not answer (${JSON.stringify(probe)}${
          oracle.stderr ? `; ${oracle.stderr}` : ""
        }); ` +
          "install its dependencies with `bash ../shared/opa-oracle/install.sh`",
      );
    }
    return oracle;
  }

  /** OPA's answer; `timeoutMs` overrides the oracle's time limit for this case. */
  evaluate(c: Case, timeoutMs?: number): Promise<Answer> {
    const id = this.next++;
    const line = JSON.stringify({ id, case: c, timeoutMs }) + "\n";
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.writer.write(new TextEncoder().encode(line)).catch((e) => {
        this.waiting.delete(id);
        resolve({ error: `oracle: ${(e as Error).message}` });
      });
    });
  }

  async close(): Promise<void> {
    await this.writer.close().catch(() => {});
    await this.closed;
    await this.child.status;
  }

  private async readAnswers(): Promise<void> {
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const chunk of this.child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim() === "") continue;
        const { id, answer } = JSON.parse(line) as { id: number; answer: Answer };
        this.waiting.get(id)?.(answer);
        this.waiting.delete(id);
      }
    }
    // The process ended: whatever is still waiting will never be answered.
    for (const resolve of this.waiting.values()) resolve({ error: `oracle: exited. ${this.stderr}` });
    this.waiting.clear();
  }

  private async readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.child.stderr) {
      this.stderr = (this.stderr + decoder.decode(chunk)).slice(-2000);
    }
  }
}
