/**
 * Embedded, persistent KeyStore on Deno KV (a SQLite file; needs `--unstable-kv`). No server.
 *
 * Layout: ["gw_keys", "id", id] → KeyRecord; ["gw_keys", "hash", hash] → id. A put writes both in
 * one atomic operation guarded by the versionstamps it read, and retries on conflict. A last-use
 * write (recordLastUsed) is one atomic operation per record, guarded the same way: it changes
 * `lastUsed` of the record it read and nothing else, so it never undoes a put made meanwhile.
 */
import { resolve } from "node:path";
import { publishKeyChange } from "./changes.ts";
import { KeyError } from "./errors.ts";
import { byCreatedThenId } from "./memory_store.ts";
import { latest, mergePut, normalizeRecord } from "./record_rules.ts";
import type { KeyRecord, KeyStore, LastUse } from "./types.ts";

const ROOT = "gw_keys";
const MAX_ATTEMPTS = 8;

export class KvKeyStore implements KeyStore {
  /** Stores opened on the same file in one process notify each other's verifiers. */
  readonly changeChannel: string;
  readonly #kv: Deno.Kv;

  private constructor(kv: Deno.Kv, channel: string) {
    this.#kv = kv;
    this.changeChannel = channel;
  }

  /**
   * Opens (creating if needed) the KV database at `path`; ":memory:" gives a private in-memory one;
   * no path, the runtime's default database (on Deno Deploy the project's managed KV: no disk).
   */
  static async open(path?: string): Promise<KvKeyStore> {
    try {
      const kv = await Deno.openKv(path);
      const channel = path === undefined
        ? "kv:default"
        : path === ":memory:"
        ? `kv:memory:${crypto.randomUUID()}`
        : `kv:${resolve(path)}`;
      return new KvKeyStore(kv, channel);
    } catch (cause) {
      throw new KeyError("key_store_failed", `cannot open key store at ${path}`, { cause });
    }
  }

  async get(id: string): Promise<KeyRecord | null> {
    const entry = await this.#kv.get<KeyRecord>([ROOT, "id", id]);
    return entry.value === null ? null : normalizeRecord(entry.value);
  }

  async findByHash(hash: string): Promise<KeyRecord | null> {
    const index = await this.#kv.get<string>([ROOT, "hash", hash]);
    if (index.value === null) return null;
    const record = await this.get(index.value);
    return record !== null && record.hash === hash ? record : null;
  }

  async put(record: KeyRecord): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [current, owner] = await this.#kv.getMany<[KeyRecord, string]>([
        [ROOT, "id", record.id],
        [ROOT, "hash", record.hash],
      ]);
      if (owner.value !== null && owner.value !== record.id) {
        throw new KeyError("key_store_failed", "another key already has this hash");
      }
      const value = mergePut(current.value, record);
      const op = this.#kv.atomic().check(current).check(owner)
        .set([ROOT, "id", record.id], value)
        .set([ROOT, "hash", record.hash], record.id);
      const previous = current.value;
      if (previous !== null && previous.hash !== record.hash) op.delete([ROOT, "hash", previous.hash]);
      const result = await op.commit();
      if (result.ok) {
        publishKeyChange(this, record);
        if (previous !== null && previous.hash !== record.hash) publishKeyChange(this, previous);
        return;
      }
    }
    throw new KeyError("key_store_failed", `could not write key ${record.id}: too much contention`);
  }

  async recordLastUsed(uses: readonly LastUse[]): Promise<void> {
    for (const use of uses) {
      for (let attempt = 0;; attempt++) {
        const current = await this.#kv.get<KeyRecord>([ROOT, "id", use.id]);
        if (current.value === null) break;
        const lastUsed = latest(current.value.lastUsed ?? null, use.at);
        if (lastUsed === (current.value.lastUsed ?? null)) break;
        const result = await this.#kv.atomic().check(current)
          .set([ROOT, "id", use.id], { ...current.value, lastUsed }).commit();
        if (result.ok) break;
        if (attempt + 1 >= MAX_ATTEMPTS) {
          throw new KeyError(
            "key_store_failed",
            `could not note the last use of ${use.id}: too much contention`,
          );
        }
      }
    }
  }

  async list(filter?: { org?: string }): Promise<KeyRecord[]> {
    const out: KeyRecord[] = [];
    for await (const entry of this.#kv.list<KeyRecord>({ prefix: [ROOT, "id"] })) {
      if (filter?.org === undefined || entry.value.org === filter.org) out.push(normalizeRecord(entry.value));
    }
    out.sort(byCreatedThenId);
    return out;
  }

  close(): void {
    this.#kv.close();
  }
}
