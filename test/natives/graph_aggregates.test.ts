/**
 * graph.reachable, all and any natively agree with the host on generated graphs and collections.
 * Where they differ the native side follows OPA (checked with ../shared/opa-oracle): nodes of any
 * type (OPA: graph.reachable({1: [2], 2: [3]}, {1}) is {1, 2}), only arrays and sets of neighbours
 * are followed (the host also follows an object's keys), and the operand error reads
 * "must be {array, set}". set_diff has no host implementation.
 */
import { deepEqual } from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { host, Parity } from "./parity.ts";

const parity = new Parity();
const node = fc.constantFrom("a", "b", "c", "d", "e");
const graph = fc.dictionary(
  node,
  fc.oneof(fc.array(node, { maxLength: 3 }), fc.constantFrom<unknown>(null, 1, "a")),
  {
    maxKeys: 5,
  },
);

Deno.test("graph.reachable, all and any agree with the host", () => {
  fc.assert(
    fc.property(
      graph,
      fc.array(node, { maxLength: 3 }),
      fc.array(fc.constantFrom<unknown>(true, false, 1, "true", null)),
      (g, init, xs) => {
        deepEqual(parity.native("graph.reachable", g, init), host("graph.reachable", g, init));
        deepEqual(parity.native("all", xs), host("all", xs));
        deepEqual(parity.native("any", xs), host("any", xs));
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("graph.reachable, set_diff: OPA's answers", () => {
  const R = (rego: string) => ({ rego, json: null });
  deepEqual(parity.native("graph.reachable", R('{1: [2], 2: [3], "a": {"b"}, "b": []}'), R('{1, "a"}')), {
    value: [1, 2, "a", "b"],
  });
  deepEqual(parity.native("graph.reachable", { a: { b: 1 }, b: [] }, ["a"]), { value: ["a"] });
  deepEqual(parity.native("graph.reachable", { a: [] }, "a"), {
    error: "graph.reachable: operand 2 must be {array, set} but got string",
  });
  deepEqual(parity.native("set_diff", R("{1, 2, 3}"), R("{2}")), { value: [1, 3] });
  deepEqual(parity.native("set_diff", [1], R("{2}")), {
    error: "set_diff: operand 1 must be set but got array",
  });
  deepEqual(parity.native("all", R("{true, 1}")), { value: false });
  deepEqual(parity.native("any", R("set()")), { value: false });
});
