import assert from "node:assert/strict";
import { compile } from "../../rego/mod.ts";
import { loadBundle } from "../load.ts";
import { BuiltinError } from "./errors.ts";
import { beginEvaluation, HOST_BUILTINS } from "./index.ts";
import { createLookupIpAddr } from "./net_lookup.ts";
import { SyncFetchError } from "./sync_fetch.ts";

const POLICY = `package gateway
import rego.v1
decision := {"addrs": net.lookup_ip_addr(input.name), "local": "127.0.0.1" in net.lookup_ip_addr(input.name)}`;

Deno.test("net.lookup_ip_addr: allowed names only, errors as OPA's, one lookup per name and evaluation", () => {
  const asked: string[] = [];
  const lookup = createLookupIpAddr({
    allowedNames: ["api.internal", "down.internal"],
    timeoutMs: 100,
    transport: ({ lookup }) => {
      asked.push(lookup);
      if (lookup === "down.internal") throw new SyncFetchError("lookup down.internal: no such host");
      return ["10.0.0.2", "10.0.0.1", "fd00::1", "10.0.0.1"];
    },
  });
  beginEvaluation();
  assert.deepEqual(lookup("api.internal"), ["10.0.0.1", "10.0.0.2", "fd00::1"]);
  assert.deepEqual(lookup("API.internal"), ["10.0.0.1", "10.0.0.2", "fd00::1"]);
  lookup("api.internal");
  assert.deepEqual(asked, ["api.internal", "API.internal"]);
  beginEvaluation();
  lookup("api.internal");
  assert.equal(asked.length, 3);
  assert.throws(
    () => lookup("down.internal"),
    (e: unknown) => e instanceof BuiltinError && /no such host/.test(e.message),
  );
  assert.throws(
    () => lookup("evil.example"),
    (e: unknown) => e instanceof BuiltinError && /unallowed host: evil.example/.test(e.message),
  );
  assert.throws(() => lookup(5), /operand 1 must be string/);
});

Deno.test("net.lookup_ip_addr: refused at compile time unless enabled; enabled, a set in the policy", async () => {
  const refused = compile([{ path: "p.rego", text: POLICY }], { entrypoints: ["gateway/decision"] });
  assert.equal(refused.wasm, undefined);
  assert.match(
    JSON.stringify(refused.diagnostics),
    /net.lookup_ip_addr is off unless the operator enables it/,
  );
  const files = new Map([["policy.rego", new TextEncoder().encode(POLICY)]]);
  const bundle = await loadBundle({ kind: "files", files }, {
    entrypoints: ["gateway/decision"],
    builtins: HOST_BUILTINS,
    lookupIpAddr: { allowedNames: ["localhost"], timeoutMs: 2000 },
    smokeTest: false,
  });
  beginEvaluation();
  // The system resolver answers for localhost from the hosts file, in the http.send worker.
  const [r] = bundle.instance.policy!.evaluate({ name: "localhost" }, "gateway/decision") as {
    result: { addrs: string[]; local: boolean };
  }[];
  assert.equal(r.result.local, true);
  assert.ok(r.result.addrs.includes("127.0.0.1"));
  beginEvaluation();
  assert.deepEqual(bundle.instance.policy!.evaluate({ name: "elsewhere" }, "gateway/decision"), []);
});
