/**
 * The gateway on Deno Deploy: `src/deploy.ts` is the entry point to give it. It runs main.ts's
 * wiring as Deploy wants it, writing nothing to disk:
 *
 * - keys in Deno KV: the project's managed database (`Deno.openKv()` with no path), unless
 *   GATEWAY_KEYS_DB names another; the HMAC secret from GATEWAY_KEY_SECRET (required);
 * - rate limits and key-change notices in Upstash Redis over HTTPS: `redis.url` or
 *   $UPSTASH_REDIS_REST_URL, with $UPSTASH_REDIS_REST_TOKEN (`rateLimit.store: redis`);
 * - the policy bundle from an https URL (`policy.bundle`), polled with ETag: build it with
 *   `deno task build` (compiled: no compilation on Deploy);
 * - the JWT signing keys from GATEWAY_JWT_KEYS (else an ephemeral key per isolate, which upstreams
 *   cannot keep up with: set it);
 * - the configuration from GATEWAY_CONFIG (a file deployed with the code; only read), and routes
 *   must be configured (there is no second port for the demo upstream);
 * - Deploy assigns the address; $PORT, when set, is the port of a local run.
 *
 * test/e2e/deploy.test.ts runs this entry under `deno run --deny-write`.
 */
import { exitOnConfigError, main } from "./main.ts";

await main([], { deploy: true }).catch(exitOnConfigError);
