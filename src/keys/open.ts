/**
 * Opens the embedded key store and its HMAC secret from a path, as the CLI and the gateway do.
 * The path comes from `--db`, else GATEWAY_KEYS_DB, else DEFAULT_KEYS_DB.
 */
import { dirname } from "node:path";
import { KvKeyStore } from "./kv_store.ts";
import { type ResolvedSecret, resolveKeySecret } from "./secret.ts";

export const KEYS_DB_ENV = "GATEWAY_KEYS_DB";
export const DEFAULT_KEYS_DB = "data/keys.db";

export function keysDbPath(explicit?: string, env = (name: string) => Deno.env.get(name)): string {
  return explicit || env(KEYS_DB_ENV) || DEFAULT_KEYS_DB;
}

export async function openKeyStore(path: string): Promise<{ store: KvKeyStore } & ResolvedSecret> {
  if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
  const resolved = await resolveKeySecret({ storePath: path });
  const store = await KvKeyStore.open(path);
  return { store, ...resolved };
}
