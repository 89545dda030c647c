import { MemoryKeyStore } from "./memory_store.ts";
import { keyStoreSuite } from "./store_suite.ts";

keyStoreSuite("MemoryKeyStore", () => Promise.resolve({ store: new MemoryKeyStore() }));
