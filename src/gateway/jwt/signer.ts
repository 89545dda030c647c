/**
 * Signs short-lived claims JWTs for upstreams and publishes the public keys as a JWKS.
 *
 * Tokens carry `iss`, `sub`, `aud` (the upstream), `iat`, `exp` (default 60 s) and `jti`, plus the
 * caller's payload (which cannot override those). Several keys may be configured for rotation: the
 * first signs, all are published. Without configured keys an ephemeral key is generated (see
 * signing_keys.ts: tokens then do not survive a restart).
 *
 * Signing is cached per (subject, audience, payload): a token is reused while more than 20% of its
 * lifetime remains, so a request normally pays a map lookup, not a signature. Reused tokens share
 * their `jti`; include a per-request value in the payload if an upstream needs unique ids.
 */
import { SignJWT } from "jose";
import { generateEphemeralKey, importSigningKey, SIGNING_ALGS, type SigningKey } from "./signing_keys.ts";
import { type CachedToken, stableJson, TokenCache } from "./token_cache.ts";

export type { SigningAlg } from "./signing_keys.ts";

export interface ClaimsSignerOptions {
  issuer: string;
  ttlSeconds?: number;
  /** Algorithm of the ephemeral key (default EdDSA); configured keys carry their own (JWK `alg` or key type). */
  alg?: "EdDSA" | "ES256" | "RS256";
  /** Private JWKs; the first signs, all are published. See signingKeysFromEnv for GATEWAY_JWT_KEYS. */
  keys?: Array<{ kid: string; privateJwk: JsonWebKey }>;
  /** Milliseconds since the epoch (like Date.now). */
  now?: () => number;
  /** Bound on cached tokens (default 10 000; 0 disables caching). */
  cacheMaxEntries?: number;
  /** Reuse a cached token while more than this fraction of its lifetime remains (default 0.2). */
  reuseFraction?: number;
}

const RESERVED = ["iss", "sub", "aud", "iat", "exp", "nbf", "jti"];

export class ClaimsSigner {
  readonly #issuer: string;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #keys: SigningKey[];
  readonly #cache: TokenCache;
  readonly #inflight = new Map<string, Promise<CachedToken>>();
  /** True when the signing key was generated in this process. */
  readonly ephemeral: boolean;

  private constructor(opts: ClaimsSignerOptions, keys: SigningKey[], ephemeral: boolean) {
    this.#issuer = opts.issuer;
    this.#ttl = opts.ttlSeconds ?? 60;
    this.#now = opts.now ?? Date.now;
    this.#keys = keys;
    this.#cache = new TokenCache(opts.cacheMaxEntries ?? 10_000, opts.reuseFraction ?? 0.2);
    this.ephemeral = ephemeral;
  }

  static async create(opts: ClaimsSignerOptions): Promise<ClaimsSigner> {
    if (typeof opts.issuer !== "string" || opts.issuer === "") {
      throw new TypeError("the JWT issuer is required");
    }
    const ttl = opts.ttlSeconds ?? 60;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86400) throw new TypeError("ttlSeconds must be 1-86400");
    const alg = opts.alg ?? "EdDSA";
    if (!SIGNING_ALGS.includes(alg)) throw new TypeError(`unsupported JWT signing alg "${alg}"`);
    if (opts.keys && opts.keys.length > 0) {
      const keys: SigningKey[] = [];
      for (const entry of opts.keys) keys.push(await importSigningKey(entry));
      if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
        throw new TypeError("JWT key ids must be unique");
      }
      return new ClaimsSigner(opts, keys, false);
    }
    return new ClaimsSigner(opts, [await generateEphemeralKey(alg)], true);
  }

  /** The kid of the key that signs. */
  get kid(): string {
    return this.#keys[0].kid;
  }

  /** The cache key of a token: its subject, audience and payload (the payload in stable JSON). */
  tokenKey(payload: Record<string, unknown>, opts: { subject: string; audience: string }): string {
    return `${opts.subject}\u0000${opts.audience}\u0000${stableJson(payload)}`;
  }

  /** The cached token under `tokenKey`, if it still has enough life left; never signs. */
  cached(tokenKey: string): { token: string; jti: string; exp: number } | undefined {
    const hit = this.#cache.get(tokenKey, Math.floor(this.#now() / 1000));
    return hit && { token: hit.token, jti: hit.jti, exp: hit.exp };
  }

  /** Cached per (sub, aud, claims) until shortly before expiry. `tokenKey` saves recomputing it. */
  async sign(
    payload: Record<string, unknown>,
    opts: { subject: string; audience: string },
    tokenKey: string = this.tokenKey(payload, opts),
  ): Promise<{ token: string; jti: string; exp: number }> {
    const nowSeconds = Math.floor(this.#now() / 1000);
    const key = tokenKey;
    const hit = this.#cache.get(key, nowSeconds);
    if (hit) return { token: hit.token, jti: hit.jti, exp: hit.exp };
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#signFresh(payload, opts, nowSeconds);
      this.#inflight.set(key, pending);
      pending.then((t) => this.#cache.set(key, t), () => {}).finally(() => this.#inflight.delete(key));
    }
    const fresh = await pending;
    return { token: fresh.token, jti: fresh.jti, exp: fresh.exp };
  }

  jwks(): { keys: JsonWebKey[] } {
    return { keys: this.#keys.map((k) => ({ ...k.publicJwk })) };
  }

  async #signFresh(
    payload: Record<string, unknown>,
    opts: { subject: string; audience: string },
    iat: number,
  ): Promise<CachedToken> {
    const body: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(payload)) if (!RESERVED.includes(name)) body[name] = value;
    const signing = this.#keys[0];
    const jti = crypto.randomUUID();
    const exp = iat + this.#ttl;
    const token = await new SignJWT(body)
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: "JWT" })
      .setIssuer(this.#issuer)
      .setSubject(opts.subject)
      .setAudience(opts.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(signing.privateKey);
    return { token, jti, iat, exp };
  }
}
