import assert from "node:assert/strict";
import type { MiddlewareHandler } from "hono";
import { EngineError, type Evaluation, type JsonText } from "../../engine/types.ts";
import type { GatewayEnv } from "../context.ts";
import { RouteTable } from "../routes/table.ts";
import { FakeEvaluator, keyRecord } from "../testing/fakes.ts";
import { errorBody, harness } from "../testing/harness.ts";
import { DecisionCache } from "./cache.ts";
import { decision } from "./middleware.ts";

const route =
  new RouteTable([{ id: "orders", prefix: "/orders", upstream: "http://orders.internal" }]).routes[0];
const preset = { key: keyRecord(), route };

function run(
  evaluator: FakeEvaluator,
  init?: RequestInit,
  path = "/orders/1?x=1",
  inputFormat: "gateway" | "envoy" = "gateway",
) {
  const h = harness(
    [decision({ evaluator, headerAllowList: ["User-Agent"], now: () => new Date(0), inputFormat })],
    preset,
  );
  return { res: h.app.request(path, init), states: h.states };
}

Deno.test("allow passes on with the parsed decision in the state", async () => {
  const ev = new FakeEvaluator(() => ({
    value: { allow: true, reason: "scope_ok", claims: { tier: "gold" } },
  }));
  const { res, states } = run(ev);
  const r = await res;
  assert.equal(r.status, 200);
  assert.equal(states[0].outcome, "allow");
  assert.equal(states[0].reason, "scope_ok");
  assert.deepEqual(states[0].decision?.claims, { tier: "gold" });
  assert.equal(states[0].revision, "rev-1");
});

Deno.test("the evaluator sees the input document", async () => {
  const ev = new FakeEvaluator(() => ({ value: { allow: true, reason: "" } }));
  await run(ev, { headers: { "user-agent": "ua/1", "x-other": "no" } }).res;
  const input = ev.inputs[0] as any;
  assert.equal(input.version, 1);
  assert.equal(input.identity.subject, "alice");
  assert.equal(input.request.path, "/orders/1");
  assert.deepEqual({ ...input.request.query }, { x: ["1"] });
  assert.deepEqual({ ...input.request.headers }, { "user-agent": "ua/1" });
  assert.equal(input.route.id, "orders");
  assert.equal(input.request.time, "1970-01-01T00:00:00.000Z");
});

Deno.test("deny → 403 with the policy's reason id", async () => {
  const ev = new FakeEvaluator(() => ({ value: { allow: false, reason: "scope_missing" } }));
  const r = await run(ev).res;
  assert.equal(r.status, 403);
  const body = await errorBody(r);
  assert.equal(body.error, "forbidden");
  assert.equal(body.reason, "scope_missing");
});

Deno.test("a deny reason that is not an id is reported as policy_denied", async () => {
  const ev = new FakeEvaluator(() => ({ value: { allow: false, reason: "Denied because <secret stuff>" } }));
  const r = await run(ev).res;
  assert.equal(r.status, 403);
  assert.equal((await errorBody(r)).reason, "policy_denied");
});

Deno.test("engine errors, undefined and malformed decisions fail closed with 503", async () => {
  const cases: Array<[FakeEvaluator, string]> = [
    [new FakeEvaluator(() => ({ error: "policy_eval_failed" })), "policy_error"],
    [new FakeEvaluator(() => ({ error: "policy_undefined" })), "policy_undefined"],
    [new FakeEvaluator(() => ({ error: "policy_timeout" })), "policy_timeout"],
    [new FakeEvaluator(() => ({ error: "policy_memory_exceeded" })), "policy_memory_exceeded"],
    [new FakeEvaluator(() => ({ error: "policy_instance_unavailable" })), "policy_error"],
    [new FakeEvaluator(() => ({ error: "no_policy_loaded" }), null), "no_policy_loaded"],
    [new FakeEvaluator(() => ({ value: { allow: "yes", reason: "x" } })), "policy_malformed"],
    [new FakeEvaluator(() => ({ value: "true" })), "policy_malformed"],
    [new FakeEvaluator(() => ({ value: [true] })), "policy_malformed"],
    [new FakeEvaluator(() => ({ value: { allow: true } })), "policy_malformed"],
    [
      new FakeEvaluator(() => ({
        value: { allow: true, reason: "", rate_limits: [{ key: "k", limit: 1, window: "1y" }] },
      })),
      "policy_malformed",
    ],
    [
      new FakeEvaluator(() => ({ value: { allow: true, reason: "", headers: { "x-a": "1\r\nx-b: 2" } } })),
      "policy_malformed",
    ],
  ];
  for (const [ev, reason] of cases) {
    const { res, states } = run(ev);
    const r = await res;
    assert.equal(r.status, 503, reason);
    assert.equal((await errorBody(r)).reason, reason);
    assert.equal(states[0].outcome, "error");
    assert.ok(states[0].detail, "the log gets a detail");
  }
});

Deno.test("decision cache: a request equal on all the policy reads is not evaluated again", async () => {
  const ev = new FakeEvaluator((input) => ({
    value: { allow: input.request.method === "GET", reason: input.request.method === "GET" ? "ok" : "no" },
  }));
  ev.inputDependencies = { "gateway/decision": { paths: [["request", "method"]], volatile: [] } };
  const cache = new DecisionCache("gateway/decision", []);
  const h = harness([decision({ evaluator: ev, cache, now: () => new Date(0) })], preset);
  const statuses = [];
  for (
    const [path, method] of [["/orders/1", "GET"], ["/orders/2", "GET"], ["/orders/3", "POST"], [
      "/o",
      "POST",
    ]]
  ) {
    statuses.push((await h.app.request(path, { method })).status);
  }
  assert.deepEqual(statuses, [200, 200, 403, 403]);
  assert.equal(ev.inputs.length, 2); // one GET, one POST: denials are cached too
  assert.deepEqual(h.states.map((s) => s.decisionCache), ["miss", "hit", "miss", "hit"]);
  assert.equal(h.states[1].revision, "rev-1");
  assert.equal(h.states[1].policyMs, null);
  assert.equal(h.states[3].reason, "no");

  // A reload (a new bundle in force) is never answered from the old bundle's decisions.
  ev.revision = "rev-2";
  assert.equal((await h.app.request("/orders/4")).status, 200);
  assert.equal(ev.inputs.length, 3);
  assert.equal(h.states[4].revision, "rev-2");
});

Deno.test("decision cache: errors, malformed and uncacheable decisions are evaluated every time", async () => {
  let answer: { value: unknown } | { error: "policy_eval_failed" } = { error: "policy_eval_failed" };
  const ev = new FakeEvaluator(() => answer);
  ev.inputDependencies = { "gateway/decision": { paths: [["request", "method"]], volatile: [] } };
  const cache = new DecisionCache("gateway/decision", []);
  const h = harness([decision({ evaluator: ev, cache })], preset);
  assert.equal((await h.app.request("/orders/1")).status, 503);
  assert.equal((await h.app.request("/orders/1")).status, 503);
  answer = { value: { allow: "yes" } };
  assert.equal((await h.app.request("/orders/1")).status, 503);
  assert.equal((await h.app.request("/orders/1")).status, 503);
  assert.equal(ev.inputs.length, 4);
  assert.equal(cache.size, 0);

  ev.inputDependencies = { "gateway/decision": { paths: [["request", "time"]], volatile: [] } };
  answer = { value: { allow: true, reason: "ok" } };
  for (let i = 0; i < 3; i++) assert.equal((await h.app.request("/orders/1")).status, 200);
  assert.equal(ev.inputs.length, 7);
  assert.equal(h.states.at(-1)!.decisionCache, null);
});

Deno.test("decision cache: a timed-out or out-of-memory evaluation is not cached; the next request is evaluated", async () => {
  const answers = [{ error: "policy_timeout" as const }, { error: "policy_memory_exceeded" as const }, {
    value: { allow: true, reason: "ok" },
  }];
  let calls = 0;
  const ev = new FakeEvaluator(() => answers[Math.min(calls++, 2)]);
  ev.inputDependencies = { "gateway/decision": { paths: [["request", "method"]], volatile: [] } };
  const cache = new DecisionCache("gateway/decision", []);
  const h = harness([decision({ evaluator: ev, cache })], preset);
  const reasons = [];
  for (let i = 0; i < 4; i++) {
    const r = await h.app.request("/orders/1");
    reasons.push(r.status === 200 ? "ok" : (await errorBody(r)).reason);
  }
  assert.deepEqual(reasons, ["policy_timeout", "policy_memory_exceeded", "ok", "ok"]);
  assert.equal(ev.inputs.length, 3, "the last answer came from the cache, the failures never did");
  assert.deepEqual(h.states.map((s) => s.decisionCache), ["miss", "miss", "miss", "hit"]);
});

Deno.test("a caller whose evaluation was stopped waits before its next one; other callers do not", async () => {
  const STOPPED_MS = 80;
  const evaluations: string[] = [];
  const evaluator = {
    evaluate(_entrypoint: string, input: unknown): Evaluation {
      const subject = JSON.parse((input as JsonText).text).identity.subject as string;
      evaluations.push(subject);
      return subject === "slowpoke"
        ? {
          ok: false,
          error: new EngineError("policy_timeout", "took too long"),
          revision: "r",
          durationMs: STOPPED_MS,
        }
        : { ok: true, value: { allow: true, reason: "ok" }, revision: "r", durationMs: 0.01 };
    },
    current: () => null,
  };
  const byHeader: MiddlewareHandler<GatewayEnv> = async (c, next) => {
    const name = c.req.header("x-caller")!;
    c.get("state").key = keyRecord({ id: `key_${name}`, subject: name });
    await next();
  };
  const h = harness([byHeader, decision({ evaluator })], { route });
  const as = async (subject: string) => {
    const started = performance.now();
    const r = await h.app.request("/orders/1", { headers: { "x-caller": subject } });
    return { reason: r.status === 200 ? "ok" : (await errorBody(r)).reason, ms: performance.now() - started };
  };
  assert.equal((await as("slowpoke")).reason, "policy_timeout");
  const [again, other] = await Promise.all([as("slowpoke"), as("alice")]);
  assert.equal(other.reason, "ok");
  assert.equal(again.reason, "policy_timeout");
  assert.ok(again.ms >= STOPPED_MS - 5, `waited ${again.ms} ms`);
  assert.deepEqual(evaluations, ["slowpoke", "alice", "slowpoke"], "the other caller went first");
});

Deno.test("a boolean answer allows or denies (OPA-Envoy's simple form)", async () => {
  const yes = run(new FakeEvaluator(() => ({ value: true })));
  assert.equal((await yes.res).status, 200);
  assert.equal(yes.states[0].outcome, "allow");
  const no = await run(new FakeEvaluator(() => ({ value: false }))).res;
  assert.equal(no.status, 403);
  assert.equal((await errorBody(no)).reason, "policy_denied");
});

Deno.test("inputFormat envoy: OPA-Envoy's input, and its result object's status, headers and body", async () => {
  const ev = new FakeEvaluator(() => ({
    value: { allowed: false, http_status: 401, headers: { "www-authenticate": "x" }, body: "no" },
  }));
  const r = await run(ev, { headers: { "user-agent": "ua/1" } }, "/orders/a%20b?x=1", "envoy").res;
  assert.equal(r.status, 401);
  assert.equal(r.headers.get("www-authenticate"), "x");
  assert.equal(await r.text(), "no");
  const input = ev.inputs[0] as any;
  assert.equal(input.identity.subject, "alice", "the gateway's identity beside OPA-Envoy's shape");
  assert.equal(input.attributes.request.http.path, "/orders/a%20b?x=1");
  assert.equal(input.attributes.request.http.headers["user-agent"], "ua/1");
  assert.deepEqual(input.parsed_path, ["orders", "a b"]);

  for (const value of [{ allowed: "true" }, { allow: true, reason: "x" }, 1]) {
    const { res, states } = run(new FakeEvaluator(() => ({ value })), undefined, undefined, "envoy");
    const bad = await res;
    assert.equal(bad.status, 403, JSON.stringify(value));
    assert.equal((await errorBody(bad)).reason, "policy_result_invalid");
    assert.equal(states[0].outcome, "deny");
    assert.ok(states[0].detail);
  }
});
