/**
 * Wraps a KeyStore so every read is counted (gateway_key_store_lookups_total), e.g. to show that a
 * malformed key never reaches the store. Change notifications keep working through the wrapper:
 * it shares the store's named change channel, or else relays the store's changes as its own.
 */
import { publishKeyChange, subscribeKeyChanges } from "../../keys/changes.ts";
import type { KeyRecord, KeyStore } from "../../keys/types.ts";
import type { GatewayMetrics } from "./metrics.ts";

export function countingStore(store: KeyStore, metrics: GatewayMetrics): KeyStore {
  const byHash = metrics.keyLookups.labels({ kind: "hash" });
  const byId = metrics.keyLookups.labels({ kind: "id" });
  const channel = (store as { changeChannel?: unknown }).changeChannel;
  const wrapper: KeyStore & { changeChannel?: string } = {
    findByHash(hash: string): Promise<KeyRecord | null> {
      byHash.inc();
      return store.findByHash(hash);
    },
    get(id: string): Promise<KeyRecord | null> {
      byId.inc();
      return store.get(id);
    },
    put: (record) => store.put(record),
    list: (filter) => store.list(filter),
    close: () => store.close?.(),
  };
  if (store.recordLastUsed) wrapper.recordLastUsed = (uses) => store.recordLastUsed!(uses);
  if (typeof channel === "string") wrapper.changeChannel = channel;
  else subscribeKeyChanges(store, (record) => publishKeyChange(wrapper, record));
  return wrapper;
}
