/**
 * Compiler benchmarks: compile time for a small policy and for a generated 200-rule policy,
 * the module's size, and evaluation time per decision for a 1 KB input through the stock SDK.
 * Targets (issue 2): compile < 200 ms small, < 2 s large; a decision < 50 µs.
 */
import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { compile, formatDiagnostic, type SourceFile } from "../../src/rego/mod.ts";

const SMALL = `package bench

import rego.v1

default allow := false

allow if {
  input.identity.type == "service"
  "read" in input.identity.scopes
  startswith(input.request.path, "/api/")
}

allow if {
  input.identity.type == "human"
  some role in input.identity.roles
  role == "admin"
}

reason := "ok" if allow else := "denied"

decision := {"allow": allow, "reason": reason, "claims": {"org": input.identity.org}}
`;

function largePolicy(rules: number): string {
  const lines = ["package bench.routes", "", "import rego.v1", ""];
  for (let i = 0; i < rules; i++) {
    lines.push(
      `route_${i} if {`,
      `  input.request.path == "/r/${i}"`,
      `  input.request.method in {"GET", "POST"}`,
      `  count(input.identity.scopes) > ${i % 5}`,
      `}`,
      "",
    );
  }
  return lines.join("\n");
}

function input1k(): unknown {
  const headers: Record<string, string> = {};
  for (let i = 0; i < 15; i++) headers[`x-header-${i}`] = "v".repeat(40);
  return {
    identity: {
      type: "service",
      org: "acme",
      subject: "svc-billing",
      scopes: ["read", "write"],
      roles: ["admin"],
    },
    request: { method: "GET", path: "/api/orders/123", headers, query: { page: "1" } },
  };
}

function timeCompile(sources: SourceFile[], entrypoints: string[], runs: number) {
  let wasm: Uint8Array | undefined;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = compile(sources, { entrypoints });
    times.push(performance.now() - t0);
    if (!r.wasm) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
    wasm = r.wasm;
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)],
    firstMs: times[0],
    size: wasm!.length,
    wasm: wasm!,
  };
}

export async function run(): Promise<Record<string, number>> {
  // The first compile pays binaryen's start-up; report it apart.
  const t0 = performance.now();
  compile([{ path: "warm.rego", text: SMALL }], { entrypoints: ["bench/decision"] });
  const coldMs = performance.now() - t0;

  const small = timeCompile([{ path: "small.rego", text: SMALL }], ["bench/decision"], 15);
  const summary =
    `package bench\nimport rego.v1\nallowed contains name if {\n  some name, true in data.bench.routes\n}\n`;
  const large = timeCompile([{ path: "large.rego", text: largePolicy(200) }, {
    path: "summary.rego",
    text: summary,
  }], [
    "bench/allowed",
  ], 5);

  const policy = await loadPolicy(small.wasm);
  const input = input1k();
  const inputBytes = new TextEncoder().encode(JSON.stringify(input)).length;
  for (let i = 0; i < 2000; i++) policy.evaluate(input, "bench/decision");
  const n = 20000;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) policy.evaluate(input, "bench/decision");
  const evalUs = ((performance.now() - t1) * 1000) / n;

  const results = {
    compile_cold_ms: round(coldMs),
    compile_small_ms: round(small.medianMs),
    compile_200_rules_ms: round(large.medianMs),
    module_small_bytes: small.size,
    module_200_rules_bytes: large.size,
    eval_input_bytes: inputBytes,
    eval_per_decision_us: round(evalUs),
  };
  console.log("compiler:");
  console.log(`  compile (first, incl. binaryen start-up) ${results.compile_cold_ms} ms`);
  console.log(`  compile small policy                   ${results.compile_small_ms} ms   (target < 200 ms)`);
  console.log(
    `  compile 200-rule policy                ${results.compile_200_rules_ms} ms   (target < 2000 ms)`,
  );
  console.log(
    `  module size small / 200 rules          ${results.module_small_bytes} / ${results.module_200_rules_bytes} bytes`,
  );
  console.log(
    `  decision, ${inputBytes}-byte input            ${results.eval_per_decision_us} µs   (target < 50 µs)`,
  );
  return results;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (import.meta.main) await run();
