/**
 * providers.aws.sign_req as OPA implements it (topdown/providers.go over internal/providers/aws
 * SignV4): AWS Signature Version 4 for an http.send-style request object, at the given time (ns).
 * OPA's canonical request: the method as given, Go's escaped path, the raw query as written, every
 * request header lower-cased (but authorization, user-agent and x-amzn-trace-id) plus host,
 * x-amz-date, x-amz-content-sha256 (s3, glacier) and x-amz-security-token, sorted; the body is
 * raw_body, or body as Go's JSON, or empty; UNSIGNED-PAYLOAD when payload signing is disabled.
 * The answer is the request with its headers: the original ones, Authorization and the x-amz ones.
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac } from "node:crypto";
import type { HostBuiltin } from "./host_builtin.ts";
import { escapedPath, parseUrl } from "./go_url.ts";
import { HTTP_REQUEST_KEYS } from "./http_send.ts";
import { canonical } from "./json_schema/json.ts";
import { fail, isObject, typeName } from "./operands.ts";

const NAME = "providers.aws.sign_req";
const REQUIRED = ["aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"];
const IGNORED = new Set(["authorization", "user-agent", "x-amzn-trace-id"]);

const text = (v: unknown) => (typeof v === "string" ? v : "");
const setText = (keys: string[]) => `{${keys.sort().map((k) => JSON.stringify(k)).join(", ")}}`;
const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Uint8Array | string, msg: string) =>
  new Uint8Array(createHmac("sha256", key).update(msg).digest());

/** Go's time.Time Format of the UTC instant: 20060102 and 20060102T150405Z. */
function stamps(ns: bigint): [string, string] {
  let s = ns / 1_000_000_000n;
  if (ns < 0n && ns % 1_000_000_000n !== 0n) s -= 1n; // time.Unix floors
  const d = new Date(Number(s) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const date = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  return [date, `${date}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`];
}

export const AWS_BUILTINS: Record<string, HostBuiltin> = {
  [NAME]: (request, config, timeNs) => {
    if (!isObject(request)) fail(NAME, `operand 1 must be object but got ${typeName(request)}`);
    if (!isObject(config)) fail(NAME, `operand 1 must be object but got ${typeName(config)}`);
    const req = request as Record<string, unknown>, cfg = config as Record<string, unknown>;
    const missing = REQUIRED.filter((k) => !Object.hasOwn(cfg, k));
    if (missing.length > 0) {
      fail(NAME, `operand 2 missing required AWS config parameters(s): ${setText(missing)}`);
    }
    const invalid = REQUIRED.filter((k) => typeof cfg[k] !== "string");
    if (invalid.length > 0) {
      fail(NAME, `operand 2 invalid values for required AWS config parameters(s): ${setText(invalid)}`);
    }
    if (typeof timeNs !== "number") fail(NAME, `operand 1 must be number but got ${typeName(timeNs)}`);
    if (!Number.isInteger(timeNs) || Math.abs(timeNs as number) >= 2 ** 63) {
      fail(NAME, "operand 3 could not convert time_ns value into a unix timestamp");
    }
    const unknown = Object.keys(req).filter((k) => !HTTP_REQUEST_KEYS.has(k));
    if (unknown.length > 0) fail(NAME, `operand 1 invalid request parameters(s): ${setText(unknown)}`);
    const absent = ["method", "url"].filter((k) => !Object.hasOwn(req, k));
    if (absent.length > 0) fail(NAME, `operand 1 missing required request parameters(s): ${setText(absent)}`);
    const headers = req.headers ?? {};
    if (!isObject(headers)) fail(NAME, `operand 0 must be object but got ${typeName(headers)}`);
    const bad = ["url", "method"].filter((k) => typeof req[k] !== "string");
    if (bad.length > 0) {
      fail(NAME, `operand 1 invalid values for required request parameters(s): ${setText(bad)}`);
    }
    let url;
    try {
      url = parseUrl(req.url as string);
    } catch (e) {
      return fail(NAME, `parse ${JSON.stringify(req.url)}: ${(e as Error).message}`);
    }
    const body = Object.hasOwn(req, "raw_body")
      ? text(req.raw_body)
      : Object.hasOwn(req, "body")
      ? canonical(req.body)
      : "";
    const disable = cfg.disable_payload_signing;
    if (disable !== undefined && typeof disable !== "boolean") {
      fail(NAME, "operand 2 invalid value for 'disable_payload_signing' in AWS config");
    }

    const service = cfg.aws_service as string, region = cfg.aws_region as string;
    const [date, stamp] = stamps(BigInt(timeNs as number));
    const contentSha = disable === true ? "UNSIGNED-PAYLOAD" : sha256(new TextEncoder().encode(body));
    const awsHeaders: Record<string, string> = { host: url.Host, "x-amz-date": stamp };
    if (service === "s3" || service === "glacier") awsHeaders["x-amz-content-sha256"] = contentSha;
    const token = text(cfg.aws_session_token);
    if (token !== "") awsHeaders["x-amz-security-token"] = token;

    const original: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) original[k] = text(v);
    const toSign = new Map<string, string>(Object.entries(awsHeaders));
    for (const [k, v] of Object.entries(original)) {
      if (!IGNORED.has(k.toLowerCase())) toSign.set(k.toLowerCase(), v);
    }
    const keys = [...toSign.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const canonicalRequest = `${req.method}\n${escapedPath(url)}\n${url.RawQuery}\n` +
      keys.map((k) => `${k}:${toSign.get(k)}\n`).join("") + `\n${keys.join(";")}\n${contentSha}`;
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256(canonicalRequest)}`;
    let key = hmac("AWS4" + (cfg.aws_secret_access_key as string), date);
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    const signature = Buffer.from(hmac(key, stringToSign)).toString("hex");
    const authorization = `AWS4-HMAC-SHA256 Credential=${cfg.aws_access_key}/${scope},` +
      `SignedHeaders=${keys.join(";")},Signature=${signature}`;
    return { ...req, headers: { ...original, Authorization: authorization, ...awsHeaders } };
  },
};
