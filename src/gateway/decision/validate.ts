/**
 * The decision check on the request path: the rules of `decisionSchema` (schema.ts, which stays
 * the specification and the source of the `Decision` type), hand-written because zod's generic
 * machinery was a measurable share of the gateway's CPU per request. validate.test.ts holds both
 * to the same answers over valid, invalid and mutated decisions.
 *
 * Unlike zod it does not copy: the decision it returns is the value it was given (unknown fields
 * stay but nothing reads them). String lengths count code points, as zod's do.
 */
import { type Decision, HEADER_NAME, HEADER_VALUE, WINDOW } from "./schema.ts";

export type DecisionCheck = { ok: true; decision: Decision } | { ok: false; issue: string };

const MAX_REASON = 256;
const MAX_RATE_LIMITS = 16;
const MAX_RATE_KEY = 512;
const MAX_HEADER_VALUE = 8192;
const MAX_WINDOW_SECONDS = 31_536_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function codePoints(s: string, atLeast: number): number {
  // A string of n UTF-16 units has between n/2 and n code points: count only when in doubt.
  if (s.length <= atLeast) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function isSafeInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v);
}

function rateLimitIssue(r: unknown, at: string): string | null {
  if (!isObject(r)) return `${at}: expected object`;
  const key = r.key;
  if (typeof key !== "string") return `${at}.key: expected string`;
  if (key.length === 0) return `${at}.key: too small`;
  if (codePoints(key, MAX_RATE_KEY) > MAX_RATE_KEY) return `${at}.key: too big`;
  if (!isSafeInt(r.limit) || r.limit <= 0) return `${at}.limit: expected a positive integer`;
  const w = r.window;
  if (typeof w === "number") {
    if (!isSafeInt(w) || w <= 0 || w > MAX_WINDOW_SECONDS) return `${at}.window: invalid`;
  } else if (typeof w !== "string" || !WINDOW.test(w)) {
    return `${at}.window: a window is seconds or a duration like "30s", "1m", "1h", "1d"`;
  }
  if (r.cost !== undefined && (!isSafeInt(r.cost) || r.cost < 0)) {
    return `${at}.cost: expected a non-negative integer`;
  }
  return null;
}

function issueOf(v: unknown): string | null {
  if (!isObject(v)) return "(root): expected object";
  if (typeof v.allow !== "boolean") return "allow: expected boolean";
  const reason = v.reason;
  if (typeof reason !== "string") return "reason: expected string";
  if (codePoints(reason, MAX_REASON) > MAX_REASON) return "reason: too big";
  const permissions = v.permissions;
  if (permissions !== undefined) {
    if (!Array.isArray(permissions)) return "permissions: expected array";
    for (let i = 0; i < permissions.length; i++) {
      if (typeof permissions[i] !== "string") return `permissions.${i}: expected string`;
    }
  }
  if (v.claims !== undefined && !isPlainObject(v.claims)) return "claims: expected record";
  const limits = v.rate_limits;
  if (limits !== undefined) {
    if (!Array.isArray(limits)) return "rate_limits: expected array";
    if (limits.length > MAX_RATE_LIMITS) return "rate_limits: too big";
    for (let i = 0; i < limits.length; i++) {
      const issue = rateLimitIssue(limits[i], `rate_limits.${i}`);
      if (issue !== null) return issue;
    }
  }
  const headers = v.headers;
  if (headers !== undefined) {
    if (!isPlainObject(headers)) return "headers: expected record";
    for (const name in headers) {
      if (!Object.hasOwn(headers, name)) continue;
      if (!HEADER_NAME.test(name)) return `headers.${name}: invalid key`;
      const value = headers[name];
      if (typeof value !== "string") return `headers.${name}: expected string`;
      if (!HEADER_VALUE.test(value)) return `headers.${name}: invalid value`;
      if (codePoints(value, MAX_HEADER_VALUE) > MAX_HEADER_VALUE) return `headers.${name}: too big`;
    }
  }
  return null;
}

/** Checks a policy's answer; a failure names the first offending field (for the log only). */
export function validateDecision(value: unknown): DecisionCheck {
  const issue = issueOf(value);
  return issue === null ? { ok: true, decision: value as Decision } : { ok: false, issue };
}
