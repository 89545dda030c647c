/**
 * The demo upstream as a service of its own (compose.yaml): the same echo of verified claims as
 * the built-in one, listening on $DEMO_UPSTREAM_PORT (default 9000), verifying the gateways' JWTs
 * against the public keys it reads from $DEMO_JWKS_URLS (comma-separated
 * `/.well-known/jwks.json` URLs, one per replica: each replica may sign with a key of its own
 * unless GATEWAY_JWT_KEYS gives them one), refreshed every 10 s.
 */
import { startDemoUpstream } from "./upstream.ts";

const REFRESH_MS = 10_000;

export function mergeJwks(sets: Array<{ keys?: unknown }>): { keys: JsonWebKey[] } {
  const byKid = new Map<string, JsonWebKey>();
  for (const set of sets) {
    if (!Array.isArray(set.keys)) continue;
    for (const key of set.keys as Array<JsonWebKey & { kid?: string }>) {
      if (typeof key === "object" && key !== null && typeof key.kid === "string") byKid.set(key.kid, key);
    }
  }
  return { keys: [...byKid.values()] };
}

if (import.meta.main) {
  const urls = (Deno.env.get("DEMO_JWKS_URLS") ?? "").split(",").map((u) => u.trim()).filter((u) => u);
  const port = Number(Deno.env.get("DEMO_UPSTREAM_PORT") ?? "9000");
  let current: { keys: JsonWebKey[] } = { keys: [] };
  const refresh = async () => {
    const sets = await Promise.all(
      urls.map((url) =>
        fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.json()).catch(() => ({ keys: [] }))
      ),
    );
    current = mergeJwks(sets);
  };
  await refresh();
  setInterval(refresh, REFRESH_MS);
  startDemoUpstream({
    jwks: () => current,
    issuer: Deno.env.get("DEMO_ISSUER") ?? "policy-gateway",
    hostname: "0.0.0.0",
    port,
  });
  console.error(`demo upstream on :${port}, keys from ${urls.join(", ") || "(none: set DEMO_JWKS_URLS)"}`);
}
