/**
 * The route table, compiled once: path prefixes (optionally hosts and methods) to upstream URLs.
 * Matching is the longest prefix first, on segment boundaries ("/api" matches "/api" and "/api/x",
 * not "/apix"); among equal prefixes, routes naming hosts or methods win over those that do not.
 * Paths given to `match` and `upstreamUrl` are canonical (target/normalize.ts); prefixes and
 * upstream base paths must be too (`routeProblems`, checked at start).
 */
import { normalizePath } from "../target/normalize.ts";
import { reservedPathOf } from "./reserved.ts";

export interface RouteConfig {
  id: string;
  /** Path prefix, starting with "/". */
  prefix: string;
  /** Host names ("api.example.com", "*.example.com"); any host when absent. */
  hosts?: string[];
  /** HTTP methods; any method when absent. */
  methods?: string[];
  /** Upstream base URL; its path is prepended to the forwarded path. */
  upstream: string;
  /** Remove the prefix from the forwarded path. Default false. */
  stripPrefix?: boolean;
  /** The JWT's `aud`; the upstream's origin by default. */
  audience?: string;
}

export interface CompiledRoute {
  id: string;
  prefix: string;
  upstream: string;
  audience: string;
  /** Upstream origin, e.g. "http://127.0.0.1:9000". */
  origin: string;
  /** Upstream base path without a trailing slash ("" for "/"). */
  basePath: string;
  stripPrefix: boolean;
  hosts: string[] | null;
  methods: Set<string> | null;
}

export class RouteTable {
  readonly routes: readonly CompiledRoute[];

  constructor(configs: RouteConfig[]) {
    this.routes = configs.map(compileRoute).sort(byPrecedence);
  }

  /** The route for a request, or null. `host` may carry a port; it is ignored. */
  match(method: string, host: string, path: string): CompiledRoute | null {
    let hostName: string | null = null;
    for (const r of this.routes) {
      if (!prefixMatches(r.prefix, path)) continue;
      if (r.methods !== null && !r.methods.has(method)) continue;
      if (r.hosts !== null) {
        hostName ??= stripPort(host).toLowerCase();
        if (!r.hosts.some((h) => hostMatches(h, hostName!))) continue;
      }
      return r;
    }
    return null;
  }

  /** The upstream URL for a matched request: base path + (possibly stripped) path + query. */
  static target(route: CompiledRoute, path: string, search: string): string {
    return route.origin + RouteTable.upstreamPath(route, path) + search;
  }

  /** The path the upstream is to receive: the base path + the (possibly stripped) canonical path. */
  static upstreamPath(route: CompiledRoute, path: string): string {
    let rest = route.stripPrefix ? path.slice(route.prefix === "/" ? 0 : route.prefix.length) : path;
    if (rest === "" || rest[0] !== "/") rest = "/" + rest;
    return route.basePath + rest;
  }

  /**
   * The upstream URL, or null when a URL parser would read it as another path than the one built
   * (fail closed: then nothing is forwarded). Never null for a canonical path under a checked
   * route (normalize.ts and routeProblems make sure of it, and the property tests check it); the
   * check costs one URL parse, well under a microsecond.
   */
  static upstreamUrl(route: CompiledRoute, path: string, search: string): string | null {
    const upstreamPath = RouteTable.upstreamPath(route, path);
    const url = route.origin + upstreamPath + search;
    const parsed = URL.parse(url);
    if (parsed === null || parsed.pathname !== upstreamPath || parsed.origin !== route.origin) return null;
    return url;
  }
}

/**
 * What is wrong with the routes, as `path: problem` lines (empty when nothing): a prefix or an
 * upstream base path that is not canonical (it could never match, or the upstream would read it
 * differently), and a prefix equal to or under a path the gateway serves itself.
 */
export function routeProblems(configs: readonly RouteConfig[]): string[] {
  const problems: string[] = [];
  configs.forEach((r, i) => {
    const prefix = r.prefix.length > 1 && r.prefix.endsWith("/") ? r.prefix.slice(0, -1) : r.prefix;
    const canonical = normalizePath(prefix);
    if (canonical !== prefix) {
      const why = typeof canonical === "string" ? `its canonical form is "${canonical}"` : canonical.problem;
      problems.push(`routes.${i}.prefix: "${r.prefix}" is not a canonical path (${why})`);
      return;
    }
    const reserved = reservedPathOf(prefix);
    if (reserved !== null) {
      problems.push(
        `routes.${i}.prefix: "${r.prefix}" is under ${reserved}, which the gateway serves itself (reserved: /admin, /healthz, /readyz, /metrics, /.well-known/jwks.json)`,
      );
    }
    const base = URL.parse(r.upstream);
    if (base !== null) {
      const basePath = base.pathname;
      if (normalizePath(basePath) !== basePath || base.search !== "" || base.hash !== "") {
        problems.push(`routes.${i}.upstream: the base path must be canonical, without query or fragment`);
      }
      if (base.username !== "" || base.password !== "") {
        problems.push(`routes.${i}.upstream: no credentials in the upstream URL`);
      }
    }
  });
  return problems;
}

function compileRoute(r: RouteConfig): CompiledRoute {
  const url = new URL(r.upstream);
  const prefix = r.prefix.length > 1 && r.prefix.endsWith("/") ? r.prefix.slice(0, -1) : r.prefix;
  return {
    id: r.id,
    prefix,
    upstream: r.upstream,
    audience: r.audience ?? url.origin,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ""),
    stripPrefix: r.stripPrefix ?? false,
    hosts: r.hosts?.length ? r.hosts.map((h) => h.toLowerCase()) : null,
    methods: r.methods?.length ? new Set(r.methods.map((m) => m.toUpperCase())) : null,
  };
}

function byPrecedence(a: CompiledRoute, b: CompiledRoute): number {
  return b.prefix.length - a.prefix.length ||
    Number(b.hosts !== null) - Number(a.hosts !== null) ||
    Number(b.methods !== null) - Number(a.methods !== null);
}

function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === "/") return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47; // "/"
}

function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const i = host.lastIndexOf(":");
  return i === -1 ? host : host.slice(0, i);
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}
