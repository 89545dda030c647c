/**
 * The decision cache: a policy decision reused for requests whose input agrees on everything the
 * policy can read. Sound by construction, not by TTL: the bundle says, per entrypoint, which input
 * paths the policy may read and whether it calls a non-deterministic built-in (the compiler's
 * input-dependency analysis, engine/bundle/input_deps.ts). A request's cache key is made of the
 * input's values at those paths alone; an entrypoint that reads the request id, the time, the
 * whole request or the whole input, or calls a volatile built-in (time.now_ns, http.send, print,
 * …), or whose bundle has no dependencies (built by `opa build`), is never cached.
 *
 * Scope and bounds:
 * - Entries are per key record object: the identity part of the input comes from the record, and
 *   the verifier hands out a new record object whenever it re-reads one (after its cache TTL, or
 *   at once on revoke / rotate / update), so a changed identity never meets an old decision.
 *   With the verifier's cache off (keys.cacheTtlMs: 0) every request brings a new record object,
 *   and decisions are then never reused.
 * - A new bundle in force (any reload) starts an empty cache; the entry also remembers the
 *   revision that decided.
 * - At most `maxEntries` in all (then everything is dropped, as a reload would) and
 *   `maxPerKey` per key record (then that record's entries are dropped). The count includes
 *   entries of records already collected, so it may drop everything a little early.
 * Only well-formed decisions are kept (allowed or denied); errors and malformed answers are
 * evaluated again on every request.
 */
import { normalizeEntrypoint } from "../../engine/bundle/bundle.ts";
import type { BundleInfo, InputDependencies } from "../../engine/types.ts";
import type { KeyRecord } from "../../keys/types.ts";
import type { InputParts } from "../input/build.ts";
import type { Decision } from "./schema.ts";
import type { EnvoyEffects } from "./envoy_result.ts";

export interface CachedDecision {
  decision: Decision;
  /** An OPA-Envoy result's effects (envoy_result.ts). */
  envoy?: EnvoyEffects | null;
  revision: string;
}

export interface DecisionCacheOptions {
  maxEntries?: number;
  maxPerKey?: number;
}

/** One part of the key: the value of an input path, or null when the path is absent. */
type KeyPart = (p: InputParts) => string | null;

/** Why an entrypoint's decisions are not cached, or null when they are. */
export type Uncacheable = string;

/**
 * The key parts for the paths an entrypoint reads, or the reason it cannot be cached. Identity
 * paths need no part (entries are per key record); `version` is constant. A path this function
 * does not know (a field the input document does not have today) makes the entrypoint
 * uncacheable rather than being taken for absent: a field added to the input later
 * (input/build.ts) must be taught here before policies reading it are cached.
 */
export function keyParts(
  deps: InputDependencies | undefined,
  headerAllowList: readonly string[],
): KeyPart[] | Uncacheable {
  if (deps === undefined) return "no input dependencies for this entrypoint";
  if (deps.volatile.length > 0) return `calls ${deps.volatile.join(", ")}`;
  const parts: KeyPart[] = [];
  for (const path of deps.paths) {
    const [top, field, sub] = path;
    if (top === undefined) return "reads the whole input";
    if (top === "identity" || top === "version") continue;
    if (top === "route") {
      parts.push((p) => p.route.id); // route ids are unique; a route's fields are fixed
      continue;
    }
    if (top === "attributes" || top === "parsed_path" || top === "parsed_query") {
      const envoy = envoyParts(path, headerAllowList);
      if (typeof envoy === "string") return envoy;
      parts.push(...envoy);
      continue;
    }
    if (top !== "request") return `reads input.${top}, unknown to the decision cache`;
    switch (field) {
      case undefined:
        return "reads the whole request";
      case "id":
      case "time":
        return `reads input.request.${field}`;
      case "method":
        parts.push((p) => p.method);
        break;
      case "path":
        parts.push((p) => p.path);
        break;
      case "host":
        parts.push((p) => p.host);
        break;
      case "query":
        parts.push((p) => p.search); // the query object is a function of the search string
        break;
      case "client":
        parts.push((p) => p.clientAddress);
        break;
      case "headers":
        if (sub === undefined) {
          for (const name of headerAllowList) parts.push((p) => p.headers.get(name));
        } else if (headerAllowList.includes(sub)) {
          parts.push((p) => p.headers.get(sub));
        }
        break;
      default:
        return `reads input.request.${field}, unknown to the decision cache`;
    }
  }
  return parts;
}

/** Absent (null) in the gateway's own input format, where OPA-Envoy's fields are not given. */
const inEnvoy = (f: (p: InputParts) => string | null): KeyPart => (p) => p.envoy === undefined ? null : f(p);

/**
 * Key parts for OPA-Envoy's fields (input/build.ts): each is a function of the same request values
 * the gateway's fields are (method, path and query, host, scheme, allow-listed headers). The request
 * id and time, the source address and port, and the body are never cached on.
 */
function envoyParts(path: string[], headerAllowList: readonly string[]): KeyPart[] | Uncacheable {
  const [top, a, b, field, sub] = path;
  if (top === "parsed_path") return [inEnvoy((p) => p.path)];
  if (top === "parsed_query") return [inEnvoy((p) => p.search)];
  const target = inEnvoy((p) => p.path + p.search);
  const method = inEnvoy((p) => p.method);
  const host = inEnvoy((p) => p.host);
  const scheme = inEnvoy((p) => p.envoy!.scheme);
  if (a !== "request" || b !== "http" || field === undefined) {
    return `reads input.${path.slice(0, 3).join(".")}, not cached`;
  }
  switch (field) {
    case "method":
      return [method];
    case "path":
    case "query":
      return [target];
    case "host":
      return [host];
    case "scheme":
      return [scheme];
    case "headers": {
      const named = (name: string) => inEnvoy((p) => p.headers.get(name));
      if (sub === undefined) return [host, method, target, scheme, ...headerAllowList.map(named)];
      const pseudo: Record<string, KeyPart> = {
        ":authority": host,
        ":method": method,
        ":path": target,
        ":scheme": scheme,
      };
      if (sub in pseudo) return [pseudo[sub]];
      return headerAllowList.includes(sub) ? [named(sub)] : [];
    }
    default:
      return `reads input.attributes.request.http.${field}, not cached`;
  }
}

export class DecisionCache {
  readonly #entrypoint: string;
  readonly #allowList: readonly string[];
  readonly #maxEntries: number;
  readonly #maxPerKey: number;
  #bundle: BundleInfo | null = null;
  #parts: KeyPart[] | null = null;
  #uncacheable: Uncacheable | null = "no policy loaded";
  #byRecord = new WeakMap<KeyRecord, Map<string, CachedDecision>>();
  #size = 0;
  hits = 0;
  misses = 0;
  /** Requests whose decision could not be cached (see `reason`). */
  bypassed = 0;

  constructor(entrypoint: string, headerAllowList: readonly string[], opts: DecisionCacheOptions = {}) {
    this.#entrypoint = normalizeEntrypoint(entrypoint);
    this.#allowList = headerAllowList.map((h) => h.toLowerCase()); // as the input has them
    this.#maxEntries = opts.maxEntries ?? 10_000;
    this.#maxPerKey = opts.maxPerKey ?? 256;
  }

  /** Why the bundle in force is not cached (null when it is). */
  get reason(): Uncacheable | null {
    return this.#uncacheable;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * This request's key under `bundle` (the bundle in force), or null when its decisions are not
   * cached. A bundle other than the last one seen empties the cache.
   */
  key(bundle: BundleInfo | null, p: InputParts): string | null {
    if (bundle !== this.#bundle) this.#switchTo(bundle);
    const parts = this.#parts;
    if (parts === null) {
      this.bypassed++;
      return null;
    }
    let key = "";
    for (let i = 0; i < parts.length; i++) {
      const v = parts[i](p);
      key += v === null ? "-;" : `${v.length}:${v};`; // length-prefixed: no two inputs share a key
    }
    return key;
  }

  get(record: KeyRecord, key: string): CachedDecision | undefined {
    const hit = this.#byRecord.get(record)?.get(key);
    if (hit === undefined) this.misses++;
    else this.hits++;
    return hit;
  }

  /** Keeps a well-formed decision made by `bundle` (ignored if another bundle is in force now). */
  set(bundle: BundleInfo | null, record: KeyRecord, key: string, value: CachedDecision): void {
    if (bundle !== this.#bundle || this.#parts === null) return;
    if (this.#size >= this.#maxEntries) this.#clear();
    let entries = this.#byRecord.get(record);
    if (entries === undefined) {
      entries = new Map();
      this.#byRecord.set(record, entries);
    } else if (entries.size >= this.#maxPerKey) {
      this.#size -= entries.size;
      entries.clear();
    }
    deepFreeze(value.decision);
    deepFreeze(value.envoy);
    if (!entries.has(key)) this.#size++;
    entries.set(key, value);
  }

  #switchTo(bundle: BundleInfo | null): void {
    this.#clear();
    this.#bundle = bundle;
    const deps = bundle === null ? undefined : bundle.inputDependencies?.[this.#entrypoint];
    const parts = bundle === null
      ? "no policy loaded"
      : !bundle.inputDependencies
      ? "the bundle records no input dependencies (not built by this project)"
      : keyParts(deps, this.#allowList);
    this.#parts = typeof parts === "string" ? null : parts;
    this.#uncacheable = typeof parts === "string" ? parts : null;
  }

  #clear(): void {
    this.#byRecord = new WeakMap();
    this.#size = 0;
  }
}

function deepFreeze(v: unknown): void {
  if (typeof v !== "object" || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
}
