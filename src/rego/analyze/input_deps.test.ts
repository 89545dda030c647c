import assert from "node:assert/strict";
import { compile } from "../mod.ts";

function deps(text: string, entrypoint = "t/p", more: { path: string; text: string }[] = []) {
  const result = compile([{ path: "t.rego", text }, ...more], { entrypoints: [entrypoint] });
  assert.equal(result.diagnostics.length, 0, JSON.stringify(result.diagnostics));
  return result.inputDependencies[entrypoint.replaceAll(".", "/")];
}

Deno.test("input deps: the paths each ref reads, minimal and sorted; variables end a path", () => {
  const d = deps(`package t
p if {
  input.request.method == "GET"
  input.identity.scopes[_] == "x"
  input.request.headers[h] == "y"
  input.request.headers.accept == "z"
  input.identity.scopes[0]
}`);
  assert.deepEqual(d, {
    paths: [["identity", "scopes"], ["request", "headers"], ["request", "method"]],
    volatile: [],
  });
});

Deno.test("input deps: the default gateway policy's shape reads identity, route and method only", () => {
  const d = deps(
    `package gateway
read_methods := {"GET", "HEAD"}
kind := "read" if input.request.method in read_methods
kind := "write" if not input.request.method in read_methods
limits := {"service": 10}
decision := {"allow": true, "limit": limits[input.identity.type], "who": input.identity.subject} if {
  concat(":", [input.route.id, kind]) in input.identity.scopes
}`,
    "gateway/decision",
  );
  assert.deepEqual(d.paths, [
    ["identity", "scopes"],
    ["identity", "subject"],
    ["identity", "type"],
    ["request", "method"],
    ["route", "id"],
  ]);
});

Deno.test("input deps: bare input, input[x] and aliases read the whole subtree", () => {
  assert.deepEqual(deps(`package t\np := input`).paths, [[]]);
  assert.deepEqual(deps(`package t\np if input[x] == 1`).paths, [[]]);
  assert.deepEqual(deps(`package t\np := r.method if r := input.request`).paths, [["request"]]);
  assert.deepEqual(deps(`package t\nf(x) := x.a\np := f(input.b)`).paths, [["b"]]);
});

Deno.test("input deps: follow rules, functions and packages the entrypoint reaches, and only those", () => {
  const lib = {
    path: "lib.rego",
    text: `package lib
is_admin(u) if u == input.admin
other := input.never_read
`,
  };
  const d = deps(
    `package t
import data.lib
helper := input.a
unused := input.b
p if {
  helper
  lib.is_admin("x")
}`,
    "t/p",
    [lib],
  );
  assert.deepEqual(d.paths, [["a"], ["admin"]]);
  // A ref into a package (or with a variable in its constant part) reaches every rule below it.
  assert.deepEqual(deps(`package t\np := data.lib[x]`, "t/p", [lib]).paths, [["admin"], ["never_read"]]);
  assert.deepEqual(deps(`package t\np := data.lib`, "t/p", [lib]).paths, [["admin"], ["never_read"]]);
});

Deno.test("input deps: imports of input and with targets count as reads", () => {
  assert.deepEqual(
    deps(`package t\nimport input.request as req\np if req.method == "GET"`).paths,
    [["request", "method"]],
  );
  assert.deepEqual(
    deps(`package t\nq if input.x == 1\np if q with input.y as 2`).paths,
    [["x"], ["y"]],
  );
});

Deno.test("input deps: non-deterministic built-ins the entrypoint may call are listed", () => {
  const text = `package t
now := time.now_ns()
late if now > 0
p if { late; print("hi") }
q if input.a
r if rand.intn("k", 10) > 5
`;
  assert.deepEqual(deps(text, "t/p").volatile, ["print", "time.now_ns"]);
  assert.deepEqual(deps(text, "t/q"), { paths: [["a"]], volatile: [] });
  assert.deepEqual(deps(text, "t/r").volatile, ["rand.intn"]);
  // Signatures with random nonces, random identifiers, trace: listed too.
  assert.deepEqual(
    deps(
      `package t
p := io.jwt.encode_sign({"alg": "ES256"}, {}, input.k)
q := uuid.rfc4122(input.c)
r if trace("x")`,
      "t",
    ).volatile,
    ["io.jwt.encode_sign", "trace", "uuid.rfc4122"],
  );
  // Deterministic built-ins are not listed.
  assert.deepEqual(deps(`package t\np := time.parse_rfc3339_ns(input.t)`).volatile, []);
  assert.deepEqual(deps(`package t\np := io.jwt.decode(input.t)`).volatile, []);
});

Deno.test("input deps: a whole-package entrypoint reaches all its rules", () => {
  const d = deps(`package t\na := input.a\nb := input.b`, "t");
  assert.deepEqual(d.paths, [["a"], ["b"]]);
});

Deno.test("input deps: a function that replaces another under with is followed; a volatile built-in counts", () => {
  const text = `package t
mock(x) := input.m
q := count([1])
p := y if { y := q with count as mock }
r := y if { y := time.now_ns() with time.now_ns as opa.runtime }`;
  assert.deepEqual(deps(text, "t/p"), { paths: [["m"]], volatile: [] });
  assert.ok(deps(text, "t/r").volatile.includes("opa.runtime")); // time.now_ns too: over-approximation
});
