import assert from "node:assert/strict";
import { RegoSet } from "./rego_set.ts";
import { assertFails, call } from "./test_support.ts";

const obj = { a: 5, b: { c: 8 }, c: 7 };

Deno.test("object.get with keys and paths", () => {
  assert.equal(call("object.get", obj, "a", "default"), 5);
  assert.equal(call("object.get", obj, ["b", "c"], "default"), 8);
  assert.equal(call("object.get", obj, ["a", "b"], "default"), "default");
  assert.equal(call("object.get", { x: [10, 20] }, ["x", 1], 0), 20);
  assert.deepEqual(call("object.get", obj, [], 0), obj);
  assertFails("object.get", [[], "a", 1], "object.get: operand 1 must be object but got array");
});

Deno.test("object.remove / filter / union / union_n / keys / subset", () => {
  assert.deepEqual(call("object.remove", obj, ["a", "b"]), { c: 7 });
  assert.deepEqual(call("object.remove", obj, { a: 1 }), { b: { c: 8 }, c: 7 });
  assert.deepEqual(call("object.filter", obj, ["a", "c"]), { a: 5, c: 7 });
  assertFails(
    "object.filter",
    [obj, "a"],
    "object.filter: operand 2 must be one of {object, set, array} but got string",
  );
  assert.deepEqual(call("object.union", { a: 1, b: { c: 1, d: 2 } }, { b: { c: 3 }, e: 4 }), {
    a: 1,
    b: { c: 3, d: 2 },
    e: 4,
  });
  assert.deepEqual(call("object.union_n", [{ a: 1 }, { a: 2, b: 1 }, { c: 3 }]), { a: 2, b: 1, c: 3 });
  assert.deepEqual(call("object.keys", { b: 1, a: 2 }), ["a", "b"]);
  assert.equal(call("object.subset", { a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }), true);
  assert.equal(call("object.subset", { a: 1 }, { a: 2 }), false);
  // An array must appear as a contiguous run (today's OPA; v0.47 accepted a subsequence).
  assert.equal(call("object.subset", [1, 2, 3, 4], [2, 3]), true);
  assert.equal(call("object.subset", [1, 2, 3, 4], [2, 4]), false);
  assert.equal(call("object.subset", [1, 2, 3], [3, 1]), false);
  // A set and an array: OPA's arraySetSubset; the other way round is an error.
  assert.equal(call("object.subset", [1, 2, 3], new RegoSet([3, 1])), true);
  assert.equal(call("object.subset", [1, 1], new RegoSet([1, 2])), true); // OPA counts repeats
  assert.equal(call("object.subset", new RegoSet([1, 2]), new RegoSet([2])), true);
  assert.throws(() => call("object.subset", new RegoSet([1]), [1]), /same type or array and set/);
});

Deno.test("json.filter and json.remove (string indexes address arrays)", () => {
  const doc = { a: 5, b: { c: { d: 6 }, d: 7 }, c: 8 };
  assert.deepEqual(call("json.filter", doc, ["a", "b/c"]), { a: 5, b: { c: { d: 6 } } });
  assert.deepEqual(call("json.filter", doc, ["c", ["b", "d"]]), { b: { d: 7 }, c: 8 });
  const s = { a: [[1, [7, 8, 9], 2], { a: 1, b: 2, c: 3 }] };
  assert.deepEqual(call("json.filter", s, [["a", 1]]), { a: [] });
  assert.deepEqual(call("json.filter", s, ["a/0/1/2", ["a", "0", "2"], "a/0/1/1"]), { a: [[[8, 9], 2]] });
  assert.deepEqual(call("json.remove", doc, ["a", "b/c"]), { b: { d: 7 }, c: 8 });
  assert.deepEqual(call("json.remove", { a: [1, 2, 3] }, ["a/1"]), { a: [1, 3] });
  assertFails("json.filter", [doc, "a"], "json.filter: operand 2 must be one of {array, set} but got string");
});

Deno.test("json.filter and json.remove parse string paths as OPA does", () => {
  const doc = { "a/b": 1, "c~d": 2, e: { "": 3, f: 4 } };
  assert.deepEqual(call("json.filter", doc, ["/a~1b", "c~0d"]), { "a/b": 1, "c~d": 2 });
  assert.deepEqual(call("json.filter", doc, [""]), {}); // an empty path selects nothing
  assert.deepEqual(call("json.filter", doc, ["e/"]), { e: { "": 3 } }); // a trailing slash is a "" key
  assert.deepEqual(call("json.remove", doc, ["", "//e/f"]), { "a/b": 1, "c~d": 2, e: { "": 3 } });
  assertFails(
    "json.filter",
    [doc, [1]],
    "json.filter: operand 2 must be one of {set, array} containing string paths or array of path segments but got number",
  );
});

Deno.test("json.patch applies RFC 6902 operations", () => {
  const patch = (doc: unknown, ops: unknown[]) => call("json.patch", doc, ops);
  assert.deepEqual(patch({ a: { foo: 1 } }, [{ op: "add", path: "/a/bar", value: 2 }]), {
    a: { foo: 1, bar: 2 },
  });
  assert.deepEqual(patch({ a: { foo: 1, bar: 2 } }, [{ op: "remove", path: "/a/bar" }]), { a: { foo: 1 } });
  assert.deepEqual(patch({ a: { foo: 1 } }, [{ op: "replace", path: "/a/foo", value: 42 }]), {
    a: { foo: 42 },
  });
  assert.deepEqual(patch({ a: { foo: 1 }, b: {} }, [{ op: "move", from: "/a/foo", path: "/b/foo" }]), {
    a: {},
    b: { foo: 1 },
  });
  assert.deepEqual(patch({ a: { foo: 1 }, b: {} }, [{ op: "copy", from: "/a/foo", path: "/b/foo" }]), {
    a: { foo: 1 },
    b: { foo: 1 },
  });
  assert.deepEqual(patch({ a: 1 }, [{ op: "test", path: "/a", value: 1 }]), { a: 1 });
  assert.deepEqual(patch({ arr: [1, 2, 3] }, [{ op: "add", path: "/arr/1", value: "x" }]), {
    arr: [1, "x", 2, 3],
  });
  assert.deepEqual(patch({ arr: [1, 2, 3] }, [{ op: "add", path: "/arr/-", value: 4 }]), {
    arr: [1, 2, 3, 4],
  });
  assert.deepEqual(
    patch({ "foo/bar": { "baz~": 1 } }, [{ op: "add", path: "/foo~1bar/baz~0test", value: 2 }]),
    {
      "foo/bar": { "baz~": 1, "baz~test": 2 },
    },
  );
  assert.deepEqual(patch({ a: [1] }, [{ op: "add", path: ["a", "-"], value: 2 }]), { a: [1, 2] });
  assert.equal(patch({ a: 1 }, [{ op: "remove", path: "" }]), undefined);
  assert.deepEqual(patch({ a: 1 }, [{ op: "remove", path: "" }, { op: "add", path: "", value: { b: 2 } }]), {
    b: 2,
  });
});
