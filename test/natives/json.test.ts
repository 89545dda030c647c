/**
 * The native JSON family agrees with the host (src/engine/builtins/serialization.ts and
 * json_paths.ts) on generated values, texts and paths. Deliberate differences, where the native
 * side follows OPA: json.unmarshal's error messages are Go's ("invalid character ']' looking for
 * beginning of value", "unexpected EOF"), a lone surrogate escape decodes to U+FFFD, numbers keep
 * their text (1.0 stays 1.0); sets are filtered and removed by element (the host only sees
 * arrays); a wrong paths operand is "one of {set, array}" as OPA words it.
 */
import { deepEqual } from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { host, Parity } from "./parity.ts";

const parity = new Parity();
const value = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)));
const key = fc.constantFrom("a", "b", "c", "a/b", "~", "0", "1", "é", "<&>");
const object = fc.dictionary(
  key,
  fc.oneof(value, fc.dictionary(key, value, { maxKeys: 3 }), fc.array(value, { maxLength: 3 })),
  {
    maxKeys: 4,
  },
);
const path = fc.oneof(
  fc.array(fc.constantFrom("a", "b", "c", "0", "1", "~0", "~1", ""), { maxLength: 3 }).map((s) =>
    s.join("/")
  ),
  fc.array(fc.constantFrom("a", "b", "c", "0", "1"), { maxLength: 3 }).map((s) => "/" + s.join("/")),
  fc.array(fc.constantFrom<unknown>("a", "b", "0", 0, 1), { maxLength: 3 }),
);

function same(name: string, ...args: unknown[]): void {
  deepEqual(parity.native(name, ...args), host(name, ...args), `${name}(${JSON.stringify(args)})`);
}

Deno.test("json.marshal, json.unmarshal and json.is_valid agree with the host", () => {
  fc.assert(
    fc.property(value, fc.json({ maxDepth: 3 }), fc.string({ maxLength: 12 }), (v, text, junk) => {
      same("json.marshal", v);
      same("json.unmarshal", text);
      same("json.is_valid", text);
      same("json.is_valid", junk);
      // broken text: the same verdict (the messages are Go's natively)
      const broken = text.slice(0, Math.max(0, text.length - 1)) + junk;
      const n = parity.native("json.unmarshal", broken);
      const h = host("json.unmarshal", broken);
      if (/\\u[dD][89abAB]/.test(broken)) return; // lone surrogates: U+FFFD natively
      deepEqual("error" in n, "error" in h, `json.unmarshal(${JSON.stringify(broken)})`);
      if (!("error" in n)) deepEqual(n, h);
      same("json.is_valid", broken);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("json.filter and json.remove agree with the host", () => {
  fc.assert(
    fc.property(object, fc.array(path, { maxLength: 4 }), (o, paths) => {
      same("json.filter", o, paths);
      same("json.remove", o, paths);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("json natives: OPA's answers where the host differs", () => {
  const R = (rego: string) => ({ rego, json: null });
  deepEqual(parity.native("json.marshal", R('{1: 2, "a": {3, 1}, "b": [1.0, 1e3, "\\u2028"]}')), {
    value: '{"1":2,"a":[1,3],"b":[1.0,1e3,"\\u2028"]}',
  });
  deepEqual(parity.native("json.unmarshal", "[1,]"), {
    error: "json.unmarshal: invalid character ']' looking for beginning of value",
  });
  deepEqual(parity.native("json.unmarshal", "[1,"), { error: "json.unmarshal: unexpected EOF" });
  deepEqual(parity.native("json.unmarshal", "tru"), { error: "json.unmarshal: unexpected EOF" });
  deepEqual(parity.native("json.unmarshal", "trux"), {
    error: "json.unmarshal: invalid character 'x' in literal true (expecting 'e')",
  });
  deepEqual(parity.native("json.unmarshal", '"\\ud800"'), { value: "\ufffd" });
  deepEqual(parity.native("json.unmarshal", "[".repeat(10001)), {
    error: "json.unmarshal: exceeded max depth",
  });
  deepEqual(
    parity.native("json.filter", R('{"a": {1, 2, "x"}, "b": [{"c": 1, "d": 2}]}'), ["a/x", "b/0/c"]),
    {
      value: { a: ["x"], b: [{ c: 1 }] },
    },
  );
  deepEqual(
    parity.native("json.remove", R('{"a": {1, 2, "x"}, "b": [{"c": 1, "d": 2}]}'), R('{"a/x", "b/0/c"}')),
    {
      value: { a: [1, 2], b: [{ d: 2 }] },
    },
  );
  deepEqual(parity.native("json.filter", { a: 1 }, "x"), {
    error: "json.filter: operand 2 must be one of {set, array} but got string",
  });
});
