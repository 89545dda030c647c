/**
 * The entrypoint's answer in the forms OPA-Envoy takes, beside the gateway's own decision object
 * (schema.ts): a boolean, or OPA-Envoy's result object
 *
 *   {allowed, headers, request_headers_to_remove, response_headers_to_add, http_status, body}
 *
 * read as OPA-Envoy's ext_authz server reads it. Allowed: `headers` are set on the request to the
 * upstream (replacing the caller's field of that name), `request_headers_to_remove` are removed from
 * the caller's request, `response_headers_to_add` are added to the response the caller gets. Denied:
 * the answer has `http_status` (default 403), `headers`, and `body` (when given).
 *
 * Fails closed where OPA-Envoy fails: an object without a boolean `allowed`, or with a field of the
 * wrong type, or an `http_status` outside 200–599, is a denial (403, reason policy_result_invalid,
 * as Envoy answers an authorization error by default), never an allow. Header names and values are
 * checked as the gateway's own decision's are, and the fields the gateway owns stay its own: a
 * policy header towards the upstream passes HeaderRules (proxy/headers.ts), one towards the caller
 * `callerHeaderAllowed`.
 */
import { type Decision, HEADER_NAME, HEADER_VALUE } from "./schema.ts";
import { validateDecision } from "./validate.ts";

/** What an OPA-Envoy result asks of the gateway beyond allow / deny. */
export interface EnvoyEffects {
  /** A denial's status (default 403). */
  status: number;
  /** A denial's body as the policy gave it, or null for the gateway's JSON error body. */
  body: string | null;
  /** A denial's header fields for the caller (`headers`). */
  denyHeaders: readonly (readonly [string, string])[];
  /** Lower-case names removed from the caller's request before the upstream (allowed). */
  removeHeaders: readonly string[];
  /** Added to the response the caller gets (allowed). */
  responseHeaders: readonly (readonly [string, string])[];
}

export type ResultCheck =
  | { ok: true; decision: Decision; envoy: EnvoyEffects | null }
  /** `invalid`: an OPA-Envoy result that is not one (a denial); else a malformed gateway decision. */
  | { ok: false; issue: string; invalid: boolean };

const MAX_HEADER_FIELDS = 64;
const MAX_HEADER_VALUE = 8192;
const MAX_BODY = 64 * 1024;

/** Fields the caller's response keeps as the gateway and the upstream made them. */
const CALLER_OWNED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "trailer",
  "content-length",
  "content-encoding",
  "x-request-id",
]);

export function callerHeaderAllowed(lowerName: string): boolean {
  return !CALLER_OWNED.has(lowerName);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Checks the entrypoint's answer. `envoyInput` (policy.inputFormat envoy): an object is always read
 * as OPA-Envoy's result; otherwise only an object with an `allowed` field is, and any other object
 * must be the gateway's decision.
 */
export function checkResult(value: unknown, envoyInput: boolean): ResultCheck {
  if (typeof value === "boolean") {
    return { ok: true, decision: { allow: value, reason: value ? "allowed" : "policy_denied" }, envoy: null };
  }
  if (isObject(value) && (envoyInput || Object.hasOwn(value, "allowed"))) return envoyResult(value);
  if (envoyInput) return { ok: false, issue: "(root): expected boolean or object", invalid: true };
  const checked = validateDecision(value);
  return checked.ok
    ? { ok: true, decision: checked.decision, envoy: null }
    : { ok: false, issue: checked.issue, invalid: false };
}

class Invalid extends Error {}

function envoyResult(r: Record<string, unknown>): ResultCheck {
  try {
    const allowed = r.allowed;
    if (typeof allowed !== "boolean") throw new Invalid("allowed: expected boolean");
    const headers = headerList(r.headers, "headers");
    const effects: EnvoyEffects = {
      status: status(r.http_status),
      body: body(r.body),
      denyHeaders: headers.filter(([name]) => callerHeaderAllowed(name)),
      removeHeaders: names(r.request_headers_to_remove, "request_headers_to_remove"),
      responseHeaders: headerList(r.response_headers_to_add, "response_headers_to_add")
        .filter(([name]) => callerHeaderAllowed(name)),
    };
    const decision: Decision = { allow: allowed, reason: allowed ? "allowed" : "policy_denied" };
    if (allowed && headers.length > 0) decision.headers = joined(headers);
    return { ok: true, decision, envoy: effects };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, issue: e.message, invalid: true };
    throw e;
  }
}

function status(v: unknown): number {
  if (v === undefined) return 403;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 200 || v > 599) {
    throw new Invalid("http_status: expected an integer from 200 to 599");
  }
  return v;
}

function body(v: unknown): string | null {
  if (v === undefined) return null;
  if (typeof v !== "string") throw new Invalid("body: expected string");
  if (v.length > MAX_BODY) throw new Invalid("body: too big");
  return v;
}

function names(v: unknown, at: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Invalid(`${at}: expected array`);
  if (v.length > MAX_HEADER_FIELDS) throw new Invalid(`${at}: too big`);
  return v.map((n, i) => {
    if (typeof n !== "string" || !HEADER_NAME.test(n)) {
      throw new Invalid(`${at}.${i}: expected a header name`);
    }
    return n.toLowerCase();
  });
}

/**
 * OPA-Envoy's header forms: an object of name → string or list of strings, or a list of such
 * objects. Pairs in order, names lower-cased.
 */
function headerList(v: unknown, at: string): [string, string][] {
  if (v === undefined) return [];
  const out: [string, string][] = [];
  const objects = Array.isArray(v) ? v : [v];
  for (const o of objects) {
    if (!isObject(o)) throw new Invalid(`${at}: expected object`);
    for (const name in o) {
      if (!Object.hasOwn(o, name)) continue;
      if (!HEADER_NAME.test(name)) throw new Invalid(`${at}.${name}: invalid name`);
      const value = o[name];
      const values = Array.isArray(value) ? value : [value];
      for (const one of values) {
        if (typeof one !== "string") throw new Invalid(`${at}.${name}: expected string`);
        if (!HEADER_VALUE.test(one)) throw new Invalid(`${at}.${name}: invalid value`);
        if (one.length > MAX_HEADER_VALUE) throw new Invalid(`${at}.${name}: too big`);
        out.push([name.toLowerCase(), one]);
        if (out.length > MAX_HEADER_FIELDS) throw new Invalid(`${at}: too many fields`);
      }
    }
  }
  return out;
}

/** Several values of one field as one (RFC 9110 §5.3), for the request to the upstream. */
function joined(pairs: [string, string][]): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of pairs) out[name] = name in out ? `${out[name]}, ${value}` : value;
  return out;
}
