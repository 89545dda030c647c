import { parseConfig } from "./src/config/load.ts";
try { parseConfig({ routes: [{ id: "a", prefix: "/a", upstrem: "http://x" }], servr: {} }); } catch (e) { console.log(e.message); }
import { configSchema } from "./src/config/schema.ts";
const r = configSchema.safeParse({ routes: [{ id: "a", prefix: "/a", upstrem: "http://x" }] });
console.log(JSON.stringify(r.error!.issues));
console.log((configSchema as any).def.type, Object.keys((configSchema as any).def));
