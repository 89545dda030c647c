/** In-memory KeyStore, for tests and throwaway runs. Records are copied in and out. */
import { publishKeyChange } from "./changes.ts";
import { KeyError } from "./errors.ts";
import { latest, mergePut, normalizeRecord as copy } from "./record_rules.ts";
import type { KeyRecord, KeyStore, LastUse } from "./types.ts";

export class MemoryKeyStore implements KeyStore {
  /** Wrappers may expose the same value so their verifiers hear this store's changes (changes.ts). */
  readonly changeChannel = `memory:${crypto.randomUUID()}`;
  readonly #byId = new Map<string, KeyRecord>();
  readonly #idByHash = new Map<string, string>();

  get(id: string): Promise<KeyRecord | null> {
    const record = this.#byId.get(id);
    return Promise.resolve(record ? copy(record) : null);
  }

  findByHash(hash: string): Promise<KeyRecord | null> {
    const id = this.#idByHash.get(hash);
    return this.get(id ?? "");
  }

  put(record: KeyRecord): Promise<void> {
    const owner = this.#idByHash.get(record.hash);
    if (owner !== undefined && owner !== record.id) {
      return Promise.reject(new KeyError("key_store_failed", "another key already has this hash"));
    }
    const previous = this.#byId.get(record.id);
    if (previous && previous.hash !== record.hash) this.#idByHash.delete(previous.hash);
    this.#byId.set(record.id, mergePut(previous ?? null, record));
    this.#idByHash.set(record.hash, record.id);
    publishKeyChange(this, record);
    if (previous && previous.hash !== record.hash) publishKeyChange(this, previous);
    return Promise.resolve();
  }

  recordLastUsed(uses: readonly LastUse[]): Promise<void> {
    for (const use of uses) {
      const record = this.#byId.get(use.id);
      if (record) record.lastUsed = latest(record.lastUsed ?? null, use.at);
    }
    return Promise.resolve();
  }

  list(filter?: { org?: string }): Promise<KeyRecord[]> {
    const out: KeyRecord[] = [];
    for (const record of this.#byId.values()) {
      if (filter?.org === undefined || record.org === filter.org) out.push(copy(record));
    }
    out.sort(byCreatedThenId);
    return Promise.resolve(out);
  }
}

export function byCreatedThenId(a: KeyRecord, b: KeyRecord): number {
  return a.created < b.created ? -1 : a.created > b.created ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
