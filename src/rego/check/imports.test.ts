import * as assert from "node:assert/strict";
import { checkErrors, checkOk } from "./test_support.ts";

Deno.test("imports: in v1, `import rego.v1` twice shadows (OPA's duplicate import check)", () => {
  assert.deepEqual(
    checkErrors(`package a
import rego.v1
import rego.v1
p := 1`),
    ["3:1: rego_compile_error: import must not shadow import rego.v1"],
  );
  // a v0 module that imports rego.v1 is checked as v1
  assert.deepEqual(
    checkErrors(`# v0
package a
import rego.v1
import rego.v1
p := 1`),
    ["4:1: rego_compile_error: import must not shadow import rego.v1"],
  );
});

Deno.test("imports: future keyword imports count by their last name", () => {
  assert.deepEqual(
    checkErrors(`package a
import future.keywords.in
import future.keywords.in
p := 1`),
    ["3:1: rego_compile_error: import must not shadow import future.keywords.in"],
  );
  // A data import ending in the same name as rego.v1's `v1` shadows it.
  assert.deepEqual(
    checkErrors(`package a
import rego.v1
import data.lib.v1
p := 1`),
    ["3:1: rego_compile_error: import must not shadow import rego.v1"],
  );
  // As OPA: rego.v1 with future.keywords imports binds different names, so it is allowed.
  checkOk(`package a
import rego.v1
import future.keywords.in
p := 1`);
  checkOk(`package a
import future.keywords.in
import rego.v1
p := 1`);
});

Deno.test("imports: v0 modules may repeat imports (OPA checks them only in strict mode)", () => {
  checkOk(`# v0
package a
import future.keywords
import future.keywords
p := 1`);
});

Deno.test("imports: a shadowing import binds nothing; the first one stays", () => {
  assert.deepEqual(
    checkErrors(`package a
import data.x.lib
import data.y.lib as lib
p := lib.q`),
    ["3:1: rego_compile_error: import must not shadow import data.x.lib"],
  );
});
