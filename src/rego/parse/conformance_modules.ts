/**
 * Test support: the Rego modules of the shared conformance cases (/work/shared/conformance, read
 * in place, never copied), with the Rego version each is to be parsed as.
 *
 * The cases' README says: a module is Rego v0 with all future keywords unless it imports
 * `rego.v1`; the modules of regorus/binding/bindings.yaml are Rego v1.
 */
import { parseDocument } from "yaml";
import type { ParseOptions } from "./parse_module.ts";

export interface ConformanceModule {
  /** `file.yaml#note/index`, for messages. */
  name: string;
  text: string;
  options: ParseOptions;
  /** The case expects an error (of some stage: parse, compile or evaluation). */
  expectsError: boolean;
}

/** The conformance folder, relative to the repository root: `../shared/conformance`. */
export const CONFORMANCE_DIR = new URL("../../../../shared/conformance/", import.meta.url);

/** Every module of every case, or undefined when the conformance folder is absent. */
export async function loadConformanceModules(): Promise<ConformanceModule[] | undefined> {
  try {
    await Deno.stat(CONFORMANCE_DIR);
  } catch {
    return undefined;
  }
  const files: string[] = [];
  await walk(CONFORMANCE_DIR.pathname, files);
  files.sort();
  const out: ConformanceModule[] = [];
  const root = CONFORMANCE_DIR.pathname;
  for (const path of files) {
    const rel = path.slice(root.length);
    // Some case files have YAML the strict parser flags (data indentation); the modules, block
    // scalars, are unaffected, so the document is used as far as it was read.
    const yamlDoc = parseDocument(await Deno.readTextFile(path), { strict: false, prettyErrors: false });
    const doc = yamlDoc.toJS({ maxAliasCount: -1 }) as { cases?: Record<string, unknown>[] } | null;
    for (const c of doc?.cases ?? []) {
      const modules = Array.isArray(c.modules) ? c.modules : [];
      modules.forEach((text, i) => {
        if (typeof text !== "string") return;
        const v1 = rel.endsWith("binding/bindings.yaml");
        out.push({
          name: `${rel}#${String(c.note ?? "?")}/${i}`,
          text,
          options: v1 ? { regoVersion: 1 } : { regoVersion: 0, allFutureKeywords: true },
          expectsError: c.error !== undefined || c.want_error !== undefined,
        });
      });
    }
  }
  return out;
}

async function walk(dir: string, files: string[]): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir.replace(/\/$/, "")}/${entry.name}`;
    if (entry.isDirectory) await walk(path, files);
    else if (entry.name.endsWith(".yaml") || entry.name.endsWith(".yml")) files.push(path);
  }
}
