/**
 * What OPA itself answers (the OPA oracle, ../shared/opa-oracle) against this project's tooling and
 * gateway on the same policies and inputs:
 * - `policy:eval data.gateway.decision` on the default policies answers what `opa eval` does;
 * - OPA-Envoy's tutorial policies (test/e2e/fixtures/envoy_policy), given the input document the
 *   gateway builds with `inputFormat: envoy`, decide in OPA as the gateway reads them.
 */
import assert from "node:assert/strict";
import { evaluateQuery } from "../src/cli/policy_eval.ts";
import { loadPolicyFiles } from "../src/cli/policy_files.ts";
import { checkResult } from "../src/gateway/decision/envoy_result.ts";
import { buildInput } from "../src/gateway/input/build.ts";
import { inputParts, keyRecord } from "../src/gateway/testing/fakes.ts";
import { Oracle } from "./differential/oracle.ts";

const inputs = [
  inputParts(),
  inputParts({ method: "POST" }),
  inputParts({ method: "DELETE", key: keyRecord({ scopes: ["orders:*"], identityType: "agent" }) }),
  inputParts({ key: keyRecord({ scopes: [] }) }),
].map((p) => JSON.parse(JSON.stringify(buildInput(p))));

Deno.test({
  name: "parity: policy:eval and OPA answer the same on the default policies",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const oracle = await Oracle.start();
    try {
      const { sources } = await loadPolicyFiles(["policies"]);
      const modules = sources.filter((s) => !s.path.endsWith("_test.rego")).map((s) => s.text);
      for (const input of inputs) {
        const dir = await Deno.makeTempDir();
        try {
          await Deno.writeTextFile(`${dir}/input.json`, JSON.stringify(input));
          const ours = await evaluateQuery({
            query: "data.gateway.decision",
            paths: ["policies/gateway.rego"],
            input: { file: `${dir}/input.json` },
            format: "json",
            fail: false,
            failDefined: false,
            strict: false,
            regoVersion: 1,
          });
          const opa = await oracle.evaluate({ modules, input, query: "data.gateway.decision" });
          assert.ok("result" in opa, JSON.stringify(opa));
          assert.deepEqual(ours.result?.[0].expressions[0].value, opa.result, JSON.stringify(input.request));
          assert.equal(ours.result?.[0].expressions[0].text, "data.gateway.decision");
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      }
    } finally {
      await oracle.close();
    }
  },
});

Deno.test({
  name: "parity: OPA-Envoy's tutorial policies decide in OPA as the gateway reads them",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const oracle = await Oracle.start();
    try {
      const { sources } = await loadPolicyFiles(["test/e2e/fixtures/envoy_policy"]);
      const modules = sources.map((s) => s.text);
      const envoy = { scheme: "http", clientPort: 40000 };
      const cases = [
        { method: "GET", path: "/people/alice", scopes: [] as string[], bool: true, object: true },
        { method: "GET", path: "/orders/1", scopes: [], bool: false, object: true },
        { method: "POST", path: "/people", scopes: [], bool: false, object: false },
        { method: "POST", path: "/people", scopes: ["people:write"], bool: true, object: false },
        { method: "DELETE", path: "/people/1", scopes: [], bool: false, object: false },
      ];
      for (const c of cases) {
        const input = JSON.parse(JSON.stringify(buildInput(inputParts({
          method: c.method,
          path: c.path,
          search: "",
          key: keyRecord({ scopes: c.scopes }),
          envoy,
        }))));
        const bool = await oracle.evaluate({ modules, input, query: "data.envoy.authz.allow" });
        assert.ok("result" in bool);
        assert.equal(bool.result, c.bool, `${c.method} ${c.path}`);
        const verdict = checkResult(bool.result, true);
        assert.ok(verdict.ok && verdict.decision.allow === c.bool);
        const object = await oracle.evaluate({ modules, input, query: "data.envoy.result.allow" });
        assert.ok("result" in object);
        const read = checkResult(object.result, true);
        assert.ok(read.ok && read.decision.allow === c.object, `${c.method} ${c.path}`);
        if (c.method === "DELETE") assert.equal(read.envoy!.status, 418);
        if (c.method === "POST") assert.equal(read.envoy!.status, 301);
      }
    } finally {
      await oracle.close();
    }
  },
});
