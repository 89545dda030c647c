/**
 * Soundness of the decision cache, end to end: for policies reading different parts of the input
 * (compiled by the project's compiler, dependencies from its analysis), any two requests that get
 * the same cache key get the same decision when both are evaluated.
 */
import assert from "node:assert/strict";
import { PolicyEngine } from "../../engine/engine.ts";
import { regoBundle } from "../../engine/testing/rego_bundle.ts";
import { inputJson } from "../input/encode.ts";
import { JsonText } from "../../engine/types.ts";
import { inputParts, keyRecord } from "../testing/fakes.ts";
import { DecisionCache } from "./cache.ts";

const POLICIES: Record<string, string> = {
  headers_by_variable:
    `decision := {"allow": true, "reason": concat(",", [v | some h; v := input.request.headers[h]])}`,
  one_header: `default ua := "none"
ua := input.request.headers["user-agent"]
decision := {"allow": ua == "x", "reason": ua}`,
  query: `decision := {"allow": true, "reason": sprintf("%v", [object.get(input.request.query, "a", [])])}`,
  query_alias: `import input.request.query as q
decision := {"allow": count(q) > 1, "reason": "q"}`,
  path_parts: `parts := split(trim_prefix(input.request.path, "/"), "/")
decision := {"allow": count(parts) > 1, "reason": parts[0]}`,
  client_host_method:
    `decision := {"allow": input.request.method == "GET", "reason": concat("|", [input.request.host, input.request.client.address])}`,
  helper_function: `f(m) := lower(m)
g(x) := upper(x)
decision := {"allow": true, "reason": g(f(input.request.method))}`,
  route_and_identity: `decision := {"allow": input.route.id == "orders", "reason": input.identity.subject}`,
  envoy_http: `import input.attributes.request.http as http_request
decision := {"allow": http_request.method == "GET", "reason": concat("|", [http_request.path, http_request.host])}`,
  envoy_headers:
    `decision := {"allow": true, "reason": concat(",", [v | some h; v := input.attributes.request.http.headers[h]])}`,
  envoy_parsed:
    `decision := {"allow": count(input.parsed_path) > 1, "reason": sprintf("%v", [input.parsed_query])}`,
  envoy_pseudo:
    `decision := {"allow": true, "reason": object.get(input.attributes.request.http.headers, ":authority", "-")}`,
};

const METHODS = ["GET", "POST"];
const PATHS = ["/orders/a", "/orders/a/b", "/orders"];
const HOSTS = ["h1", "h2"];
const SEARCHES = ["", "?a=1", "?a=2&b=1", "?b=1", "?a=1&a=2"];
const AGENTS = ["x", "y", null];
const ACCEPTS = ["*/*", null];
const CLIENTS = ["10.0.0.1", "10.0.0.2"];

let seed = 42;
const pick = <T>(xs: T[]): T => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return xs[(seed >>> 8) % xs.length]; // the low bits of this generator repeat with short periods
};

function randomParts(record: ReturnType<typeof keyRecord>) {
  const headers = new Headers();
  const ua = pick(AGENTS), accept = pick(ACCEPTS);
  if (ua !== null) headers.set("user-agent", ua);
  if (accept !== null) headers.set("accept", accept);
  return inputParts({
    key: record,
    method: pick(METHODS),
    path: pick(PATHS),
    host: pick(HOSTS),
    search: pick(SEARCHES),
    headers,
    clientAddress: pick(CLIENTS),
    requestId: `req-${seed}`,
    now: new Date(seed * 1000),
    envoy: { scheme: "http", clientPort: seed % 65536 },
  });
}

/** The policy compiled and in force, with a decision cache in front of it. */
async function withCache(rego: string) {
  const engine = new PolicyEngine();
  engine.activate(await regoBundle(rego));
  return { engine, cache: new DecisionCache("gateway/decision", ["user-agent", "accept"]) };
}

/**
 * Evaluates `requests` random requests of one key; any two with the same cache key must get the
 * same decision. Returns how many requests met a key seen before.
 */
function checkSoundness(
  rego: string,
  { engine, cache }: Awaited<ReturnType<typeof withCache>>,
  requests: number,
) {
  const record = keyRecord();
  const byKey = new Map<string, { value: unknown; input: string }>();
  let shared = 0;
  for (let i = 0; i < requests; i++) {
    const parts = randomParts(record);
    const key = cache.key(engine.current(), parts);
    assert.notEqual(key, null, `${rego}\n${cache.reason}`);
    const result = engine.evaluate("gateway/decision", new JsonText(inputJson(parts)));
    assert.ok(result.ok, `${rego}\n${!result.ok ? result.error.message : ""}`);
    const seen = byKey.get(key!);
    if (seen === undefined) {
      byKey.set(key!, { value: result.value, input: inputJson(parts) });
    } else {
      shared++;
      assert.deepEqual(result.value, seen.value, `${rego}\nsame key, other decision:\n${seen.input}`);
    }
  }
  return shared;
}

for (const [name, body] of Object.entries(POLICIES)) {
  Deno.test(`decision cache soundness: ${name}`, async () => {
    const rego = `package gateway\n${body}\n`;
    const shared = checkSoundness(rego, await withCache(rego), 300);
    assert.ok(shared > 0, "no two requests shared a key: the test exercised nothing");
  });
}

/**
 * Generated policies: each decision is made of 1–4 reads of the input, drawn from the ways a
 * policy can reach it (refs, variable keys, comprehensions, helper rules, functions, import
 * aliases, `with`), over the same random requests.
 */
const READS: ((i: number) => { rules?: string; expr: string })[] = [
  () => ({ expr: "input.request.method" }),
  () => ({ expr: "input.request.path" }),
  () => ({ expr: 'object.get(input.request.headers, "user-agent", "-")' }),
  () => ({ expr: "[h | some h, _ in input.request.headers]" }),
  () => ({ expr: 'object.get(input.request.query, "a", [])' }),
  () => ({ expr: "count(input.request.query)" }),
  () => ({ expr: "input.request.host" }),
  () => ({ expr: "input.request.client.address" }),
  () => ({ expr: "input.route.id" }),
  () => ({ expr: "input.identity.subject" }),
  (i) => ({ rules: `f${i}(x) := lower(x)`, expr: `f${i}(input.request.method)` }),
  (i) => ({ rules: `g${i}(r) := r.path`, expr: `g${i}(input.request)` }),
  (i) => ({ rules: `h${i} := input.request.host`, expr: `h${i}` }),
  (i) => ({
    rules: `k${i} contains k if { some k, v in input.request.headers; v != "" }`,
    expr: `k${i}`,
  }),
  (i) => ({ rules: `m${i} := x if { x := input.request.method; x != "" }`, expr: `m${i}` }),
  (i) => ({ rules: `w${i} := h${i}w\nh${i}w := input.request.path`, expr: `w${i}` }),
  (i) => ({
    rules:
      `v${i} := x if x := data.gateway.p${i} with input.request.method as "PUT"\np${i} := [input.request.method, input.request.host]`,
    expr: `v${i}`,
  }),
  () => ({ expr: "req.path" }), // through `import input.request as req`
];

Deno.test("decision cache soundness: generated policies", async () => {
  let cacheable = 0, shared = 0;
  for (let n = 0; n < 40; n++) {
    const count = 1 + (pick([0, 1, 2, 3]));
    const reads = Array.from({ length: count }, (_, i) => pick(READS)(n * 10 + i));
    const rego = `package gateway
import input.request as req
${reads.map((r) => r.rules ?? "").join("\n")}
decision := {"allow": true, "reason": sprintf("%v", [[${reads.map((r) => r.expr).join(", ")}]])}
`;
    const policy = await withCache(rego);
    if (policy.cache.key(policy.engine.current(), randomParts(keyRecord())) === null) {
      // Only reading the whole request makes these uncacheable.
      assert.match(policy.cache.reason!, /whole request/, rego);
      continue;
    }
    cacheable++;
    shared += checkSoundness(rego, policy, 60);
  }
  assert.ok(cacheable >= 20 && shared > 500, `cacheable policies ${cacheable}, shared keys ${shared}`);
});
