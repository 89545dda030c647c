import assert from "node:assert/strict";
import { BuiltinError, HOST_BUILTINS, SDK_BUILTINS } from "./index.ts";

Deno.test("HOST_BUILTINS covers the families a gateway policy needs", () => {
  for (
    const name of [
      "sprintf",
      "concat",
      "regex.match",
      "glob.match",
      "time.now_ns",
      "time.parse_rfc3339_ns",
      "net.cidr_contains",
      "io.jwt.decode_verify",
      "base64url.decode",
      "json.marshal",
      "yaml.unmarshal",
      "units.parse_bytes",
      "semver.compare",
      "uuid.rfc4122",
      "object.get",
      "json.patch",
      "graph.reachable",
      "opa.runtime",
      "trace",
    ]
  ) assert.equal(typeof HOST_BUILTINS[name], "function", name);
  for (const name of SDK_BUILTINS) assert.equal(typeof HOST_BUILTINS[name], "function", name);
  assert.ok(Object.isFrozen(HOST_BUILTINS));
});

Deno.test("BuiltinError carries the built-in name and OPA's wording", () => {
  const e = new BuiltinError("indexof", "operand 1 must be string but got number");
  assert.equal(e.message, "indexof: operand 1 must be string but got number");
  assert.equal(e.builtin, "indexof");
  assert.equal(e.name, "BuiltinError");
});
