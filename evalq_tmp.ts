import { compile } from "./src/rego/mod.ts";
import { loadPolicyFiles } from "./src/cli/policy_files.ts";
const { sources } = await loadPolicyFiles(["policies", "test/e2e/fixtures/envoy_policy"]);
const r = compile(sources.filter((s) => !s.path.endsWith("_test.rego")), { entrypoints: ["gateway/decision", "envoy/result/allow"] });
const h = new Uint8Array(await crypto.subtle.digest("SHA-256", r.wasm!));
console.log([...h].map((b) => b.toString(16).padStart(2, "0")).join(""));
