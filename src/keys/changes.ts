/**
 * In-process change notification for key stores. Every KeyStore implementation calls
 * `publishKeyChange(this, record)` after a successful put; verifiers subscribe to drop cached
 * lookups synchronously, so a revocation made through any store object in this process takes effect
 * on the very next request. (Other processes are covered by the verifier's cache TTL.)
 *
 * Listeners are grouped by channel: the store object itself, or, when the store has a string
 * `changeChannel` (e.g. the Deno KV store uses its path), that string — so two store objects opened
 * on the same database in one process still notify each other. A store wrapper (metrics, tracing)
 * must expose its inner store's `changeChannel`, or its verifiers fall back to the cache TTL.
 */
import type { KeyRecord, KeyStore } from "./types.ts";

export type KeyChangeListener = (record: KeyRecord) => void;

const byObject = new WeakMap<KeyStore, Set<KeyChangeListener>>();
const byName = new Map<string, Set<KeyChangeListener>>();

function channelOf(store: KeyStore): string | null {
  const channel = (store as { changeChannel?: unknown }).changeChannel;
  return typeof channel === "string" ? channel : null;
}

export function subscribeKeyChanges(store: KeyStore, listener: KeyChangeListener): () => void {
  const name = channelOf(store);
  let set = name === null ? byObject.get(store) : byName.get(name);
  if (!set) {
    set = new Set();
    if (name === null) byObject.set(store, set);
    else byName.set(name, set);
  }
  const listeners = set;
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (name !== null && listeners.size === 0 && byName.get(name) === listeners) byName.delete(name);
  };
}

export function publishKeyChange(store: KeyStore, record: KeyRecord): void {
  const name = channelOf(store);
  const set = name === null ? byObject.get(store) : byName.get(name);
  if (!set) return;
  for (const listener of [...set]) listener(record);
}
