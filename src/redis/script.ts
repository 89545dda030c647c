/**
 * A Lua script run by its SHA-1 (EVALSHA), sent in full (EVAL, which also caches it on the server)
 * only when the server answers NOSCRIPT: after a restart, a failover or SCRIPT FLUSH.
 */
import { createHash } from "node:crypto";

export class LuaScript {
  readonly sha: string;
  constructor(readonly name: string, readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }
}

/** True for the server's "this script is not cached" error reply. */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}
