import assert from "node:assert/strict";
import { beginEvaluation } from "./index.ts";
import { assertFails, call } from "./test_support.ts";

Deno.test("uuid.rfc4122: random v4, stable per seed within an evaluation", () => {
  beginEvaluation();
  const a = call("uuid.rfc4122", "1") as string;
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(call("uuid.rfc4122", "1"), a);
  assert.notEqual(call("uuid.rfc4122", "2"), a);
  beginEvaluation();
  assert.notEqual(call("uuid.rfc4122", "1"), a);
  assert.deepEqual(call("uuid.parse", a), { version: 4, variant: "RFC4122" });
  assertFails("uuid.rfc4122", [42], "uuid.rfc4122: operand 1 must be string but got number");
});

Deno.test("uuid.parse: version 1 and 2 fields", () => {
  assert.deepEqual(call("uuid.parse", "b01d0062-a116-11ee-822b-7ab0b9e5e0c0"), {
    version: 1,
    variant: "RFC4122",
    time: 1703282931110717000,
    clocksequence: 555,
    nodeid: "7a-b0-b9-e5-e0-c0",
    macvariables: "local:unicast",
  });
  assert.deepEqual(call("uuid.parse", "bdf46d2e-a116-11ee-8c90-0242ac120002"), {
    version: 1,
    variant: "RFC4122",
    time: 1703282954332907000,
    clocksequence: 3216,
    nodeid: "02-42-ac-12-00-02",
    macvariables: "local:unicast",
  });
  assert.deepEqual(call("uuid.parse", "000003e8-a129-21ee-ae00-325096b39f47"), {
    version: 2,
    variant: "RFC4122",
    time: 1703290796079613600,
    clocksequence: 11776,
    nodeid: "32-50-96-b3-9f-47",
    macvariables: "local:unicast",
    id: 1000,
    domain: "Person",
  });
});

Deno.test("uuid.parse: other versions and forms", () => {
  assert.deepEqual(call("uuid.parse", "c6db027c-615c-3b4d-959e-1a917747ca5a"), {
    version: 3,
    variant: "RFC4122",
  });
  assert.deepEqual(call("uuid.parse", "1EC9414C-232A-6B00-B3C8-9E6BDECED846"), {
    version: 6,
    variant: "RFC4122",
    time: 1645557742000000000,
  });
  assert.deepEqual(call("uuid.parse", "017F22E2-79B0-7CC3-98C4-DC0C0C07398F"), {
    version: 7,
    variant: "RFC4122",
    time: 1645557742000000000,
  });
  assert.deepEqual(call("uuid.parse", "urn:uuid:a6342df8-7801-469c-b3f3-c5317a0ebdaa"), {
    version: 4,
    variant: "RFC4122",
  });
  assert.deepEqual(call("uuid.parse", "{a6342df8-7801-469c-b3f3-c5317a0ebdaa}"), {
    version: 4,
    variant: "RFC4122",
  });
  assert.equal(call("uuid.parse", "not-valid"), undefined);
  assertFails("uuid.parse", [42], "uuid.parse: operand 1 must be string but got number");
});
