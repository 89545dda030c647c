import assert from "node:assert/strict";
import { arrayIndex, patchPath } from "./json_patch.ts";
import { assertFails, call } from "./test_support.ts";

const patch = (doc: unknown, ops: unknown) => call("json.patch", doc, ops);

Deno.test("json.patch: a failing patch makes the call undefined and leaves the target alone", () => {
  const original = { a: [1, 2, 3] };
  assert.equal(
    patch(original, [{ op: "remove", path: "/a/0" }, { op: "remove", path: "/missing" }]),
    undefined,
  );
  assert.deepEqual(original, { a: [1, 2, 3] });
  const undefinedFor: unknown[] = [
    "not an object",
    { path: "/a", value: 1 }, // no op
    { op: 1, path: "/a", value: 1 }, // op not a string
    { op: "frobnicate", path: "/a" }, // unknown op
    { op: "add", value: 1 }, // no path
    { op: "add", path: {}, value: 1 }, // path neither string nor array
    { op: "add", path: "/x" }, // no value
    { op: "move", path: "/x" }, // no from
    { op: "test", path: "/a", value: 2 }, // test fails
    { op: "remove", path: "/a/01" }, // leading zero
    { op: "remove", path: "/a/-" }, // "-" is past the end
    { op: "remove", path: ["a", -1] },
    { op: "remove", path: ["a", 1e36] },
    { op: "remove", path: ["a", 0.5] },
    { op: "remove", path: ["a", true] },
    { op: "add", path: "/a/3", value: 9 }, // past the end of a two-element array
    { op: "add", path: ["a", "x"], value: 9 }, // not an index
    { op: "add", path: [1], value: 9 }, // a JSON object has only string keys
    { op: "move", from: "/a", path: "/a/c" }, // into its own child
    { op: "copy", from: "/nope", path: "/b" },
    { op: "add", path: "/a/0/x", value: 1 }, // into a scalar
  ];
  for (const bad of undefinedFor) {
    assert.equal(patch({ a: [1, 2] }, [bad]), undefined, JSON.stringify(bad));
  }
});

Deno.test("json.patch: only a non-array list of patches is an error", () => {
  assertFails("json.patch", [{}, { op: "add" }], "json.patch: operand 2 must be array but got object");
  assertFails("json.patch", [{}, "x"], "json.patch: operand 2 must be array but got string");
  assert.deepEqual(patch({ a: 1 }, []), { a: 1 });
  assert.equal(patch(7, []), 7);
});

Deno.test("json.patch: paths as pointers (leading slashes optional) or segment arrays", () => {
  assert.deepEqual(patchPath(""), []);
  assert.deepEqual(patchPath("/a/b"), ["a", "b"]);
  assert.deepEqual(patchPath("a/b"), ["a", "b"]);
  assert.deepEqual(patchPath("//a"), ["a"]);
  assert.deepEqual(patchPath("/"), [""]);
  assert.deepEqual(patchPath("/m~01/a~1b"), ["m~1", "a/b"]);
  assert.deepEqual(patchPath(["a", 0]), ["a", 0]);
  assert.deepEqual(patch({ a: { b: 1 } }, [{ op: "replace", path: "a/b", value: 2 }]), { a: { b: 2 } });
  assert.deepEqual(patch({ "": 1 }, [{ op: "replace", path: "/", value: 2 }]), { "": 2 });
});

Deno.test("json.patch: array indexes follow OPA's toIndex", () => {
  assert.equal(arrayIndex(3, "-"), 3);
  assert.equal(arrayIndex(3, "0"), 0);
  assert.equal(arrayIndex(3, "12"), 12);
  assert.equal(arrayIndex(3, 2), 2);
  assert.equal(arrayIndex(3, "-1"), -1); // parsed; the bounds check rejects it
  assert.throws(() => arrayIndex(3, "01"), /leading zeros/);
  assert.throws(() => arrayIndex(3, "x"), /invalid string/);
  assert.throws(() => arrayIndex(3, 1.5), /invalid number/);
  assert.throws(() => arrayIndex(3, null), /invalid type/);
  assert.deepEqual(patch([1, 2, 3], [{ op: "remove", path: [1] }]), [1, 3]);
  assert.deepEqual(patch([1, 2, 3], [{ op: "add", path: ["-"], value: 4 }]), [1, 2, 3, 4]);
  assert.deepEqual(patch([1, 2], [{ op: "add", path: "/2", value: 3 }]), [1, 2, 3]);
  assert.deepEqual(patch([1, 2], [{ op: "replace", path: "/0", value: 9 }]), [9, 2]);
});

Deno.test("json.patch: move, copy and test", () => {
  assert.deepEqual(patch({ a: { b: 1 } }, [{ op: "move", from: "/a", path: "/a" }]), { a: { b: 1 } });
  assert.deepEqual(patch({ a: [1, 2, 3] }, [{ op: "move", from: "/a/0", path: "/a/-" }]), { a: [2, 3, 1] });
  const copied = patch({ a: { x: [1] } }, [{ op: "copy", from: "/a", path: "/b" }, {
    op: "add",
    path: "/b/x/-",
    value: 2,
  }]);
  assert.deepEqual(copied, { a: { x: [1] }, b: { x: [1, 2] } }); // the copy is independent
  assert.deepEqual(patch({ a: [1, { b: 2 }] }, [{ op: "test", path: "/a/1", value: { b: 2.0 } }]), {
    a: [1, { b: 2 }],
  });
});

Deno.test("json.patch: the root can be removed, replaced and added back", () => {
  assert.equal(patch({ a: 1 }, [{ op: "remove", path: "" }]), undefined);
  assert.deepEqual(patch({ a: 1 }, [{ op: "replace", path: "", value: [1] }]), [1]);
  assert.deepEqual(patch({ a: 1 }, [{ op: "remove", path: "" }, { op: "add", path: "", value: 3 }]), 3);
  assert.equal(patch({ a: 1 }, [{ op: "remove", path: "" }, { op: "remove", path: "" }]), undefined);
  assert.equal(patch({ a: 1 }, [{ op: "remove", path: "" }, { op: "add", path: "/a", value: 1 }]), undefined);
});
