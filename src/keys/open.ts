/**
 * Opens the configured key store and its HMAC secret, as the CLI and the gateway do:
 *
 * - "kv" (the embedded default): a Deno KV file, the path from `--db`, else GATEWAY_KEYS_DB, else
 *   DEFAULT_KEYS_DB; the secret from GATEWAY_KEY_SECRET or a generated file beside it.
 * - "postgres": shared by every replica (postgres/store.ts), the connection from $DATABASE_URL;
 *   the secret from GATEWAY_KEY_SECRET only (there is no file beside a database, and every
 *   replica must hash with the same secret).
 */
import { dirname } from "node:path";
import { KvKeyStore } from "./kv_store.ts";
import {
  type PostgresFileSettings,
  redactDatabaseUrl,
  resolvePostgresSettings,
} from "./postgres/settings.ts";
import { PostgresKeyStore } from "./postgres/store.ts";
import { type ResolvedSecret, resolveKeySecret } from "./secret.ts";
import type { KeyStore } from "./types.ts";

export const KEYS_DB_ENV = "GATEWAY_KEYS_DB";
export const DEFAULT_KEYS_DB = "data/keys.db";

export type KeyStoreKind = "kv" | "postgres";

export function keysDbPath(explicit?: string, env = (name: string) => Deno.env.get(name)): string {
  return explicit || env(KEYS_DB_ENV) || DEFAULT_KEYS_DB;
}

export async function openKeyStore(path: string): Promise<{ store: KvKeyStore } & ResolvedSecret> {
  if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
  const resolved = await resolveKeySecret({ storePath: path });
  const store = await KvKeyStore.open(path);
  return { store, ...resolved };
}

export interface KeysOptions {
  store: KeyStoreKind;
  /** "kv": the file (else GATEWAY_KEYS_DB, else DEFAULT_KEYS_DB). */
  db?: string;
  postgres?: PostgresFileSettings;
  env?: (name: string) => string | undefined;
  /**
   * Deno Deploy (nothing written to disk): "kv" without a path (`db`, GATEWAY_KEYS_DB) opens the
   * runtime's default database, and the secret must come from GATEWAY_KEY_SECRET.
   */
  deploy?: boolean;
}

export interface OpenedKeys extends ResolvedSecret {
  store: KeyStore & { close(): void };
  /** Where the keys are, for logs (no password). */
  location: string;
  /** The PostgreSQL store, to listen to its changes and report its health; null for "kv". */
  postgres: PostgresKeyStore | null;
}

/** Throws KeyError (key_secret_invalid, key_store_failed, key_store_unavailable). */
export async function openKeys(opts: KeysOptions): Promise<OpenedKeys> {
  const env = opts.env ?? ((name: string) => Deno.env.get(name));
  if (opts.store === "postgres") {
    const settings = resolvePostgresSettings(opts.postgres, env);
    const resolved = await resolveKeySecret({ storePath: null, env });
    const store = await PostgresKeyStore.open(settings);
    return {
      ...resolved,
      store,
      postgres: store,
      location: `${redactDatabaseUrl(settings.url)} (schema ${settings.schema})`,
    };
  }
  if (opts.deploy) {
    const path = opts.db || env(KEYS_DB_ENV) || undefined;
    const resolved = await resolveKeySecret({ storePath: null, env });
    const store = await KvKeyStore.open(path);
    return { ...resolved, store, postgres: null, location: path ?? "(Deno KV default database)" };
  }
  const path = keysDbPath(opts.db, env);
  const opened = await openKeyStore(path);
  return { ...opened, location: path, postgres: null };
}
