/**
 * Admin HTTP API for API keys, a Hono sub-app mounted at /admin by the gateway:
 *
 *   POST /keys               create; body {org, subject, identity_type, scopes?, plan?, expires?, env?,
 *                            name?, metadata?}
 *   GET  /keys[?org=…]       list (never the raw key or its hash; with name, metadata, last_used)
 *   GET  /keys/:id           one key
 *   PATCH /keys/:id          body {scopes?, expires? (null: never), name? (null: none), metadata?
 *                            (merged; a null value removes)}: changed in place, no rotation; takes
 *                            effect on the next request (announced like a revocation); 409 key_revoked
 *                            for a revoked, rotated-out or expired key
 *   POST /keys/:id/revoke    revoke now (takes effect on the next request in this process)
 *   POST /keys/:id/rotate    body {grace_seconds}: new key; the old one stays valid for the grace period
 *   GET  /policy             the policy in force: revision, source (redacted), activation time, last
 *                            failure, reload counters (policy_view.ts); 404 when not wired
 *
 * Behind its own credential: `Authorization: Bearer <admin token>`, compared in constant time.
 * With no admin token configured, every route answers 404 (the API does not exist).
 * The raw key appears only in the create/rotate response (`key`), sent with Cache-Control: no-store.
 * Error bodies are `{error: <stable id>, message?}`.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { KeyError, type KeyErrorCode } from "../../keys/errors.ts";
import { constantTimeEqual, KeyHasher } from "../../keys/hash.ts";
import { createKey, IDENTITY_TYPES, keyView, revokeKey, rotateKey, updateKey } from "../../keys/manage.ts";
import type { IdentityType, KeyStore } from "../../keys/types.ts";
import type { PolicyView } from "./policy_view.ts";

export interface AdminRoutesOptions {
  store: KeyStore;
  /** Bearer admin token; when empty the API is disabled (every route answers 404). */
  token: string;
  /** Server-side HMAC secret used to hash new keys. */
  hmacSecret: Uint8Array | string;
  /** The policy in force, for GET /policy. */
  policy?: () => PolicyView;
  now?: () => Date;
}

const MAX_BODY_BYTES = 16 * 1024;

const CreateBody = z.object({
  org: z.string(),
  subject: z.string(),
  identity_type: z.enum(IDENTITY_TYPES as [IdentityType, ...IdentityType[]]),
  scopes: z.array(z.string()).max(256).optional(),
  plan: z.string().optional(),
  expires: z.string().nullable().optional(),
  env: z.string().optional(),
  name: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
}).strict();

const UpdateBody = z.object({
  scopes: z.array(z.string()).max(256).optional(),
  expires: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string().nullable()).optional(),
}).strict();

const RotateBody = z.object({ grace_seconds: z.number().int().min(0).max(366 * 86400) }).strict();

const STATUS: Record<KeyErrorCode, 400 | 404 | 409 | 500 | 503> = {
  key_invalid_input: 400,
  key_not_found: 404,
  key_revoked: 409,
  key_already_rotated: 409,
  key_secret_invalid: 500,
  key_store_failed: 500,
  key_store_unavailable: 503,
};

function fail(
  c: Context,
  status: 400 | 401 | 404 | 409 | 413 | 415 | 500 | 503,
  error: string,
  message?: string,
) {
  c.header("Cache-Control", "no-store");
  return c.json(message === undefined ? { error } : { error, message }, status);
}

async function readJson(
  c: Context,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    return { ok: false, response: fail(c, 415, "unsupported_media_type", "send application/json") };
  }
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return { ok: false, response: fail(c, 413, "payload_too_large") };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: fail(c, 400, "invalid_json") };
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

export function adminRoutes(opts: AdminRoutesOptions): Hono {
  const app = new Hono();
  if (!opts.token) {
    app.all("*", (c) => fail(c, 404, "not_found"));
    return app;
  }
  new KeyHasher(opts.hmacSecret); // fail at startup, not on the first request, when the secret is unusable
  const now = opts.now ?? (() => new Date());
  const ctx = { store: opts.store, secret: opts.hmacSecret, now };
  const expected = opts.token;

  app.use("*", async (c, next) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(c.req.header("authorization") ?? "");
    if (!match || !constantTimeEqual(match[1], expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="gateway-admin"');
      return fail(c, 401, "admin_unauthorized");
    }
    await next();
  });

  app.onError((error, c) => {
    if (error instanceof KeyError) {
      const status = STATUS[error.code];
      return fail(c, status, error.code, status >= 500 ? undefined : error.message);
    }
    console.error(JSON.stringify({ event: "admin_error", error: String(error?.name ?? "Error") }));
    return fail(c, 500, "internal_error");
  });

  app.post("/keys", async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const parsed = CreateBody.safeParse(body.value);
    if (!parsed.success) return fail(c, 400, "key_invalid_input", issues(parsed.error));
    const input = parsed.data;
    const issued = await createKey(ctx, {
      org: input.org,
      subject: input.subject,
      identityType: input.identity_type,
      scopes: input.scopes,
      plan: input.plan,
      expires: input.expires,
      env: input.env,
      name: input.name,
      metadata: input.metadata,
    });
    c.header("Cache-Control", "no-store");
    return c.json({ key: issued.rawKey, record: keyView(issued.record, now()) }, 201);
  });

  app.get("/keys", async (c) => {
    const org = c.req.query("org");
    const records = await opts.store.list(org === undefined ? undefined : { org });
    const t = now();
    c.header("Cache-Control", "no-store");
    return c.json({ keys: records.map((r) => keyView(r, t)) });
  });

  app.get("/keys/:id", async (c) => {
    const record = await opts.store.get(c.req.param("id"));
    if (record === null) return fail(c, 404, "key_not_found");
    c.header("Cache-Control", "no-store");
    return c.json({ record: keyView(record, now()) });
  });

  app.patch("/keys/:id", async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const parsed = UpdateBody.safeParse(body.value);
    if (!parsed.success) return fail(c, 400, "key_invalid_input", issues(parsed.error));
    const record = await updateKey(ctx, c.req.param("id"), parsed.data);
    c.header("Cache-Control", "no-store");
    return c.json({ record: keyView(record, now()) });
  });

  app.post("/keys/:id/revoke", async (c) => {
    const record = await revokeKey(ctx, c.req.param("id"));
    c.header("Cache-Control", "no-store");
    return c.json({ record: keyView(record, now()) });
  });

  app.post("/keys/:id/rotate", async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const parsed = RotateBody.safeParse(body.value);
    if (!parsed.success) return fail(c, 400, "key_invalid_input", issues(parsed.error));
    const issued = await rotateKey(ctx, c.req.param("id"), parsed.data.grace_seconds);
    const t = now();
    c.header("Cache-Control", "no-store");
    return c.json({
      key: issued.rawKey,
      record: keyView(issued.record, t),
      previous: keyView(issued.previous, t),
    }, 201);
  });

  if (opts.policy !== undefined) {
    const view = opts.policy;
    app.get("/policy", (c) => {
      c.header("Cache-Control", "no-store");
      return c.json(view());
    });
  }

  app.all("*", (c) => fail(c, 404, "not_found"));
  return app;
}
