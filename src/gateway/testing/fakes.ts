/**
 * Test doubles for the gateway's collaborators (engine, key verifier, signer, limiter, upstream
 * fetch), so each middleware can be tested with Hono's `app.request` alone. Test-only.
 */
import {
  type BundleInfo,
  EngineError,
  type EngineErrorCode,
  type Evaluation,
  type InputDependencies,
  JsonText,
  type PolicyEvaluator,
} from "../../engine/types.ts";
import type { KeyCheck, KeyRecord, KeyRejection } from "../../keys/types.ts";
import type { RateLimiter, RateLimitOutcome, RateLimitRule } from "../ratelimit/types.ts";
import type { InputParts } from "../input/build.ts";
import { RouteTable } from "../routes/table.ts";

/** Decisions the gateway must refuse, shared by the zod schema's and the validator's tests. */
export const MALFORMED_DECISIONS: unknown[] = [
  null,
  [],
  { allow: 1, reason: "" },
  { allow: true, reason: 3 },
  { allow: true, reason: "", rate_limits: [{ key: "", limit: 1, window: 1 }] },
  { allow: true, reason: "", rate_limits: [{ key: "k", limit: -1, window: 1 }] },
  { allow: true, reason: "", rate_limits: [{ key: "k", limit: 1, window: "0s" }] },
  { allow: true, reason: "", headers: { "bad name": "v" } },
  { allow: true, reason: "", claims: [1, 2] },
];

const ordersRoute =
  new RouteTable([{ id: "orders", prefix: "/orders", upstream: "http://orders.internal" }]).routes[0];

/** The parts of a typical policy input (credentials in the headers, which must never reach it). */
export function inputParts(over: Partial<InputParts> = {}): InputParts {
  return {
    key: keyRecord(),
    route: ordersRoute,
    requestId: "req-12345678",
    method: "GET",
    path: "/orders/42",
    host: "api.example.com",
    search: "?a=1&b=2&a=3",
    headers: new Headers({
      "user-agent": "t/1",
      authorization: "Bearer secret",
      "x-api-key": "secret",
      accept: "*/*",
    }),
    headerAllowList: ["user-agent", "accept", "x-missing"],
    clientAddress: "127.0.0.1",
    now: new Date("2025-06-01T12:00:00Z"),
    ...over,
  };
}

export function keyRecord(over: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: "key_test1",
    org: "acme",
    subject: "alice",
    identityType: "human",
    scopes: ["orders:read"],
    plan: "pro",
    created: "2025-01-01T00:00:00.000Z",
    expires: null,
    revoked: null,
    graceUntil: null,
    env: "test",
    hash: "00",
    ...over,
  };
}

/**
 * Evaluates with a function of the input; records every input it saw. Like the engine, it takes the
 * input as a value, a JsonText or an ArrayBuffer of its JSON text (recorded and answered decoded).
 */
export class FakeEvaluator implements PolicyEvaluator {
  readonly inputs: unknown[] = [];
  constructor(
    public answer: (input: any) => { value: unknown } | { error: EngineErrorCode },
    public revision: string | null = "rev-1",
  ) {}

  evaluate(_entrypoint: string, given: unknown): Evaluation {
    const input = given instanceof JsonText
      ? JSON.parse(given.text)
      : given instanceof ArrayBuffer
      ? JSON.parse(new TextDecoder().decode(given))
      : given;
    this.inputs.push(input);
    const a = this.answer(input);
    if ("error" in a) {
      return {
        ok: false,
        error: new EngineError(a.error, `fake ${a.error}`),
        revision: this.revision,
        durationMs: 0.01,
      };
    }
    return { ok: true, value: a.value, revision: this.revision ?? "", durationMs: 0.01 };
  }

  /** What the "bundle" says its entrypoints read (null: unknown, as for `opa build` bundles). */
  inputDependencies: Record<string, InputDependencies> | null = null;
  #info: BundleInfo | null = null;

  /** The same object until the revision or the dependencies change (as a reload would). */
  current(): BundleInfo | null {
    if (this.revision === null) return null;
    const info = this.#info;
    if (info?.revision === this.revision && info.inputDependencies === this.inputDependencies) return info;
    return this.#info = {
      revision: this.revision,
      entrypoints: ["gateway/decision"],
      loadedAt: new Date(0),
      source: "fake",
      inputDependencies: this.inputDependencies,
    };
  }
}

/** Keys: "good" → the record; "bad-*" → malformed; anything else by the table. */
export class FakeVerifier {
  calls = 0;
  constructor(readonly table: Record<string, KeyRecord | KeyRejection> = {}) {}

  verify(raw: string | null | undefined): Promise<KeyCheck> {
    this.calls++;
    if (!raw) return Promise.resolve({ ok: false, reason: "missing" });
    const hit = this.table[raw];
    if (hit === undefined) return Promise.resolve({ ok: false, reason: "unknown" });
    if (typeof hit === "string") return Promise.resolve({ ok: false, reason: hit });
    return Promise.resolve({ ok: true, record: hit });
  }
}

export function extractKey(headers: Headers): string | null {
  const auth = headers.get("authorization");
  if (auth?.startsWith("Bearer ")) return auth.slice(7);
  return headers.get("x-api-key");
}

export class FakeSigner {
  signed: Array<{ payload: Record<string, unknown>; subject: string; audience: string }> = [];
  sign(payload: Record<string, unknown>, opts: { subject: string; audience: string }) {
    this.signed.push({ payload, ...opts });
    return Promise.resolve({ token: `jwt-for-${opts.subject}`, jti: "jti-1", exp: 0 });
  }
  jwks() {
    return { keys: [{ kty: "OKP", crv: "Ed25519", x: "AA", kid: "k1" } as JsonWebKey] };
  }
}

/**
 * Counts per key; allows `limit` units per key, forever. Answers with a promise, or at once for the
 * keys in `atOnce` (as the in-process limiter does).
 */
export class FakeLimiter implements RateLimiter {
  readonly used = new Map<string, number>();
  readonly atOnce = new Set<string>();
  fail = false;
  consume(rule: RateLimitRule): RateLimitOutcome | Promise<RateLimitOutcome> {
    if (this.fail) {
      if (this.atOnce.has(rule.key)) throw new Error("limiter down");
      return Promise.reject(new Error("limiter down"));
    }
    const used = (this.used.get(rule.key) ?? 0) + rule.cost;
    const allowed = used <= rule.limit;
    if (allowed) this.used.set(rule.key, used);
    const outcome = {
      allowed,
      limit: rule.limit,
      remaining: allowed ? rule.limit - used : 0,
      resetSeconds: rule.windowSeconds,
      retryAfterSeconds: allowed ? 0 : rule.windowSeconds,
      key: rule.key,
    };
    return this.atOnce.has(rule.key) ? outcome : Promise.resolve(outcome);
  }
}

/** An upstream as a fetch function: records requests, answers with `respond`. */
export class FakeUpstream {
  readonly requests: Request[] = [];
  constructor(public respond: (req: Request) => Response | Promise<Response> = () => new Response("ok")) {}
  fetch: typeof fetch = (input, init) => {
    const req = new Request(input as string, init);
    this.requests.push(req);
    return Promise.resolve(this.respond(req));
  };
}
