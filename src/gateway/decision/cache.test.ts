import assert from "node:assert/strict";
import type { BundleInfo, InputDependencies } from "../../engine/types.ts";
import { RouteTable } from "../routes/table.ts";
import { inputParts, keyRecord } from "../testing/fakes.ts";
import { DecisionCache, keyParts } from "./cache.ts";

const EP = "gateway/decision";
const ALLOW_LIST = ["user-agent", "accept"];

function bundle(paths: string[][], volatile: string[] = [], revision = "r1"): BundleInfo {
  return {
    revision,
    entrypoints: [EP],
    loadedAt: new Date(0),
    source: "test",
    inputDependencies: { [EP]: { paths, volatile } },
  };
}

const allow = (reason = "ok") => ({ decision: { allow: true, reason }, revision: "r1" });

Deno.test("decision cache: keys hold exactly the request values the policy reads", () => {
  const cache = new DecisionCache(EP, ALLOW_LIST);
  const b = bundle([["identity", "scopes"], ["request", "method"], ["route", "id"]]);
  const k1 = cache.key(b, inputParts());
  assert.notEqual(k1, null);
  // Unread fields do not matter: another path, id, time, query, client, header values.
  assert.equal(
    cache.key(
      b,
      inputParts({
        path: "/orders/7",
        requestId: "other-1234",
        now: new Date(),
        search: "?z=1",
        clientAddress: "10.0.0.9",
        headers: new Headers({ "user-agent": "other" }),
      }),
    ),
    k1,
  );
  // Read ones do.
  assert.notEqual(cache.key(b, inputParts({ method: "POST" })), k1);
  const other = new RouteTable([{ id: "users", prefix: "/u", upstream: "http://u" }]).routes[0];
  assert.notEqual(cache.key(b, inputParts({ route: other })), k1);
});

Deno.test("decision cache: header, query, path, host and client paths become key parts", () => {
  const parts = (paths: string[][]) => keyParts({ paths, volatile: [] }, ALLOW_LIST);
  const values = (paths: string[][], over = {}) => {
    const ps = parts(paths);
    assert.ok(Array.isArray(ps));
    return ps.map((f) => f(inputParts(over)));
  };
  assert.deepEqual(values([["request", "headers", "user-agent"]]), ["t/1"]);
  assert.deepEqual(values([["request", "headers", "x-not-allowed"]]), []); // never in the input
  assert.deepEqual(values([["request", "headers"]]), ["t/1", "*/*"]);
  assert.deepEqual(values([["request", "query", "a"]]), ["?a=1&b=2&a=3"]);
  assert.deepEqual(values([["request", "path"], ["request", "host"], ["request", "client"]]), [
    "/orders/42",
    "api.example.com",
    "127.0.0.1",
  ]);
  assert.deepEqual(values([["version"], ["identity"]]), []);
});

Deno.test("decision cache: the header allow-list is matched in lower case, as the input has it", () => {
  const cache = new DecisionCache(EP, ["User-Agent"]);
  const b = bundle([["request", "headers", "user-agent"]]);
  assert.notEqual(
    cache.key(b, inputParts({ headers: new Headers({ "user-agent": "a" }) })),
    cache.key(b, inputParts({ headers: new Headers({ "user-agent": "b" }) })),
  );
});

Deno.test("decision cache: values cannot run together into one key", () => {
  const cache = new DecisionCache(EP, ALLOW_LIST);
  const b = bundle([["request", "host"], ["request", "path"]]);
  const k1 = cache.key(b, inputParts({ host: "a", path: "b;c" }));
  const k2 = cache.key(b, inputParts({ host: "a;b", path: "c" }));
  assert.notEqual(k1, k2);
  const b2 = bundle([["request", "headers", "accept"]]);
  assert.notEqual(
    cache.key(b2, inputParts({ headers: new Headers() })),
    cache.key(b2, inputParts({ headers: new Headers({ accept: "-" }) })),
  );
});

Deno.test("decision cache: what cannot be cached is never cached, with the reason", () => {
  const cases: [InputDependencies | undefined, RegExp][] = [
    [undefined, /no input dependencies/],
    [{ paths: [[]], volatile: [] }, /whole input/],
    [{ paths: [["request"]], volatile: [] }, /whole request/],
    [{ paths: [["request", "time"]], volatile: [] }, /request\.time/],
    [{ paths: [["request", "id"]], volatile: [] }, /request\.id/],
    [{ paths: [["identity"]], volatile: ["time.now_ns"] }, /time\.now_ns/],
    // Fields the input does not have today: not taken for absent (a later input may have them).
    [{ paths: [["tenant"]], volatile: [] }, /input\.tenant, unknown/],
    [{ paths: [["request", "body"]], volatile: [] }, /input\.request\.body, unknown/],
  ];
  for (const [deps, why] of cases) {
    const parts = keyParts(deps, ALLOW_LIST);
    assert.ok(typeof parts === "string" && why.test(parts), `${JSON.stringify(deps)}: ${String(parts)}`);
  }
  // A bundle without dependencies (opa build) and no bundle at all.
  const cache = new DecisionCache(EP, ALLOW_LIST);
  const opaBuilt: BundleInfo = { ...bundle([]), inputDependencies: null };
  assert.equal(cache.key(opaBuilt, inputParts()), null);
  assert.match(cache.reason!, /records no input dependencies/);
  assert.equal(cache.key(null, inputParts()), null);
  assert.equal(cache.bypassed, 2);
  // "data.gateway.decision" names the same entrypoint.
  const dotted = new DecisionCache("data.gateway.decision", ALLOW_LIST);
  assert.notEqual(dotted.key(bundle([["request", "method"]]), inputParts()), null);
});

Deno.test("decision cache: entries are per key record object and per bundle", () => {
  const cache = new DecisionCache(EP, ALLOW_LIST);
  const b = bundle([["request", "method"]]);
  const alice = keyRecord(), alsoAlice = keyRecord(); // equal content, refreshed object
  const k = cache.key(b, inputParts())!;
  cache.set(b, alice, k, allow());
  assert.deepEqual(cache.get(alice, k)?.decision, { allow: true, reason: "ok" });
  assert.equal(cache.get(alsoAlice, k), undefined);
  assert.equal(cache.hits, 1);
  assert.equal(cache.misses, 1);

  // A decision made under the previous bundle is dropped; a new bundle starts empty.
  const b2 = bundle([["request", "method"]], [], "r2");
  cache.set(b2, alice, k, allow("stale")); // b2 is not the bundle in force yet: ignored
  assert.equal(cache.get(alice, k)?.decision.reason, "ok");
  assert.equal(cache.key(b2, inputParts()), k);
  assert.equal(cache.get(alice, k), undefined);
  assert.equal(cache.size, 0);
});

Deno.test("decision cache: cached decisions are frozen, and the cache is bounded", () => {
  const cache = new DecisionCache(EP, ALLOW_LIST, { maxEntries: 3, maxPerKey: 2 });
  const b = bundle([["request", "path"]]);
  const alice = keyRecord(), bob = keyRecord({ id: "key_bob" });
  const key = (path: string) => cache.key(b, inputParts({ path }))!;
  const value = { decision: { allow: true, reason: "ok", claims: { a: { b: 1 } } }, revision: "r1" };
  cache.set(b, alice, key("/1"), value);
  assert.throws(() => {
    (value.decision.claims.a as { b: number }).b = 2;
  }, TypeError);
  cache.set(b, alice, key("/2"), allow());
  assert.equal(cache.size, 2);
  cache.set(b, alice, key("/3"), allow()); // alice is at maxPerKey: her entries go first
  assert.equal(cache.size, 1);
  assert.equal(cache.get(alice, key("/1")), undefined);
  assert.ok(cache.get(alice, key("/3")));
  cache.set(b, bob, key("/1"), allow());
  cache.set(b, bob, key("/2"), allow());
  assert.equal(cache.size, 3);
  cache.set(b, bob, key("/4"), allow()); // maxEntries reached: everything goes
  assert.equal(cache.size, 1);
  assert.equal(cache.get(alice, key("/3")), undefined);
});

Deno.test("decision cache: OPA-Envoy's fields key on the request values they are made of", () => {
  const envoy = { scheme: "https", clientPort: 1234 };
  const values = (paths: string[][], over = {}) => {
    const ps = keyParts({ paths, volatile: [] }, ALLOW_LIST);
    assert.ok(Array.isArray(ps), String(ps));
    return ps.map((f) => f(inputParts({ envoy, ...over })));
  };
  const http = (...rest: string[]) => ["attributes", "request", "http", ...rest];
  assert.deepEqual(values([http("method"), http("path"), http("host"), http("scheme")]), [
    "GET",
    "/orders/42?a=1&b=2&a=3",
    "api.example.com",
    "https",
  ]);
  assert.deepEqual(
    values([http("headers", "user-agent"), http("headers", ":method"), http("headers", "x-no")]),
    [
      "t/1",
      "GET",
    ],
  );
  assert.deepEqual(values([["parsed_path", "0"], ["parsed_query", "a"]]), ["/orders/42", "?a=1&b=2&a=3"]);
  // Absent in the gateway's own format: the same (null) for every request.
  const ps = keyParts({ paths: [http("method")], volatile: [] }, ALLOW_LIST) as ((p: unknown) => unknown)[];
  assert.equal(ps[0](inputParts()), null);
  for (
    const [path, why] of [
      [http("id"), /http\.id/],
      [["attributes", "request", "time"], /not cached/],
      [["attributes", "source", "address"], /not cached/],
      [["attributes"], /not cached/],
      [http(), /not cached/],
      [["parsed_body", "amount"], /parsed_body, unknown/],
      [["truncated_body"], /truncated_body, unknown/],
    ] as [string[], RegExp][]
  ) {
    const r = keyParts({ paths: [path], volatile: [] }, ALLOW_LIST);
    assert.ok(typeof r === "string" && why.test(r), `${path.join(".")}: ${String(r)}`);
  }
});
