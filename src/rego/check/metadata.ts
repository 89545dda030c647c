/**
 * Stage: metadata. `rego.metadata.rule()` and `rego.metadata.chain()` are resolved at compile time,
 * as OPA does: each call is replaced by a constant built from the modules' METADATA annotations
 * (parse/annotations.ts).
 *
 * - rule(): the rule-scoped annotation of the rule definition the call is in, `{}` without one.
 * - chain(): from that rule outwards, `{path, annotations}` entries: the rule (always present, with
 *   `annotations` only when it has some), the document-scoped annotation of the rule's path, the
 *   package-scoped one of its package, then subpackages-scoped ones of its package and its
 *   ancestors, innermost first. Paths are without `data`.
 */
import type { Annotation, Module, Rule, Term } from "../ast.ts";
import type { Location } from "../diagnostics.ts";
import type { Stage } from "./stage.ts";
import { forEachRuleTerm, pathKey } from "./terms.ts";

interface Index {
  /** Per module, the rule-scoped annotation by the row of the rule it annotates. */
  rule: Map<Module, Map<number, Annotation>>;
  /** By path key ("pkg.rule"). */
  document: Map<string, Annotation>;
  /** By package key. */
  package: Map<string, Annotation>;
  subpackages: Map<string, Annotation>;
}

function buildIndex(modules: Module[]): Index {
  const index: Index = { rule: new Map(), document: new Map(), package: new Map(), subpackages: new Map() };
  for (const m of modules) {
    const byRow = new Map<number, Annotation>();
    index.rule.set(m, byRow);
    for (const a of m.annotations ?? []) {
      if (a.scope === "rule") byRow.set(a.target, a);
      else if (a.scope === "document") {
        const rule = m.rules.find((r) => r.loc.row === a.target);
        if (rule) setOnce(index.document, pathKey(rulePath(m, rule)), a);
      } else setOnce(a.scope === "package" ? index.package : index.subpackages, pathKey(m.package), a);
    }
  }
  return index;
}

function setOnce(map: Map<string, Annotation>, key: string, a: Annotation): void {
  if (!map.has(key)) map.set(key, a);
}

/** The rule's path without `data`: package, then the ground prefix of its head ref. */
function rulePath(m: Module, rule: Rule): string[] {
  const out = [...m.package];
  for (const t of rule.head.ref) {
    if (t.type !== "string") break;
    out.push(t.value);
  }
  return out;
}

function chain(index: Index, m: Module, rule: Rule): unknown[] {
  const path = rulePath(m, rule);
  const own = index.rule.get(m)?.get(rule.loc.row);
  const out: unknown[] = [own ? { path, annotations: own.value } : { path }];
  const doc = index.document.get(pathKey(path));
  if (doc) out.push({ path, annotations: doc.value });
  const pkg = index.package.get(pathKey(m.package));
  if (pkg) out.push({ path: m.package, annotations: pkg.value });
  for (let n = m.package.length; n > 0; n--) {
    const sub = index.subpackages.get(pathKey(m.package.slice(0, n)));
    if (sub) out.push({ path: m.package.slice(0, n), annotations: sub.value });
  }
  return out;
}

/** A JSON value as a constant term. */
function constant(v: unknown, loc: Location): Term {
  if (v === null || v === undefined) return { type: "null", loc };
  if (typeof v === "boolean") return { type: "boolean", value: v, loc };
  if (typeof v === "number") return { type: "number", text: String(v), loc };
  if (typeof v === "string") return { type: "string", value: v, loc };
  if (Array.isArray(v)) return { type: "array", items: v.map((x) => constant(x, loc)), loc };
  return {
    type: "object",
    items: Object.entries(v as Record<string, unknown>).map(([k, x]) => [constant(k, loc), constant(x, loc)]),
    loc,
  };
}

function isMetadataCall(t: Term): t is Term & { type: "call" } {
  return t.type === "call" && t.args.length === 0 && t.operator.length === 3 && t.operator[0] === "rego" &&
    t.operator[1] === "metadata" && (t.operator[2] === "rule" || t.operator[2] === "chain");
}

export const metadataStage: Stage = {
  name: "metadata",
  follows: "nothing: it needs the rules as parsed (their rows match their annotations)",
  run(state) {
    const index = buildIndex(state.modules);
    for (const m of state.modules) {
      for (const rule of m.rules) {
        forEachRuleTerm(rule, (t) => {
          if (!isMetadataCall(t)) return;
          const own = index.rule.get(m)?.get(rule.loc.row);
          const value = t.operator[2] === "rule" ? (own?.value ?? {}) : chain(index, m, rule);
          const replacement = constant(value, t.loc);
          for (const key of Object.keys(t)) delete (t as unknown as Record<string, unknown>)[key];
          Object.assign(t, replacement);
        });
      }
    }
  },
};
