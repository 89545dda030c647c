/**
 * net.lookup_ip_addr, opt-in like http.send (registry.ts): the name is resolved by the system
 * resolver (hosts file, then DNS) in the http.send worker while the serving thread waits
 * (sync_fetch.ts), bounded by a timeout; only allowed names may be looked up (OPA checks its
 * allow_net capability the same way). Answers the set of addresses as strings; a name that does
 * not resolve is an error ("lookup <name>: no such host"), as in OPA. Within one evaluation a name
 * is looked up once (OPA caches per query too).
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, str } from "./operands.ts";
import { lookupSync, startFetchWorker, SyncFetchError } from "./sync_fetch.ts";
import type { LookupRequest } from "./http_send_worker.ts";

export interface LookupIpAddrOptions {
  /** Names that may be looked up (exact, case-insensitive); a lookup of any other is an error. */
  allowedNames: string[];
  timeoutMs: number;
  /** Performs a lookup; tests replace it. Default: the worker (sync_fetch.ts). */
  transport?: (request: LookupRequest) => string[];
}

const NAME = "net.lookup_ip_addr";

let evaluation = 0;
/** Called when an evaluation starts (index.ts beginEvaluation): the per-evaluation cache is dropped. */
export function resetLookups(): void {
  evaluation++;
}

export function createLookupIpAddr(options: LookupIpAddrOptions): HostBuiltin {
  const allowed = new Set(options.allowedNames.map((n) => n.toLowerCase()));
  const transport = options.transport ?? lookupSync;
  if (options.transport === undefined) startFetchWorker();
  let cache = new Map<string, string[]>();
  let seen = -1;
  return (name) => {
    const host = str(NAME, name, 1);
    if (!allowed.has(host.toLowerCase())) fail(NAME, `unallowed host: ${host}`);
    if (seen !== evaluation) {
      cache = new Map();
      seen = evaluation;
    }
    let addresses = cache.get(host);
    if (addresses === undefined) {
      try {
        addresses = transport({ lookup: host, timeoutMs: options.timeoutMs });
      } catch (e) {
        if (e instanceof SyncFetchError) fail(NAME, e.message);
        throw e;
      }
      cache.set(host, addresses);
    }
    return [...new Set(addresses)].sort();
  };
}
