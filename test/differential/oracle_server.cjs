// Serves the shared OPA oracle (../shared/opa-oracle/oracle.cjs) over stdin/stdout for the
// differential tests: one JSON request a line ({"id", "case": {modules, input, data, query}}), one
// JSON answer a line ({"id", "answer": {result} | {undefined} | {error}}), in order.
// Usage: node oracle_server.cjs /path/to/oracle.cjs
"use strict";
const readline = require("node:readline");

const oracle = require(process.argv[2]);
const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();

lines.on("line", (line) => {
  if (line.trim() === "") return;
  const { id, case: c, timeoutMs } = JSON.parse(line);
  queue = queue.then(async () => {
    let answer;
    try {
      answer = await oracle.evaluate(c, timeoutMs ? { timeoutMs } : undefined);
    } catch (e) {
      answer = { error: "oracle: " + (e && e.message || e) };
    }
    delete answer.ms;
    process.stdout.write(JSON.stringify({ id, answer }) + "\n");
  });
});
lines.on("close", () =>
  queue.then(() => {
    oracle.close();
    process.exit(0);
  }));
