/**
 * `# METADATA` comment blocks (OPA's annotations): a comment block whose first line is `METADATA`
 * holds YAML describing the package or rule that follows it. The content is kept in OPA's JSON
 * form, which rego.metadata.rule() and rego.metadata.chain() return (check/metadata.ts):
 * `scope` (default: package for a package, rule for a rule), `title`, `description`,
 * `organizations`, `related_resources` ({ref, description}), `authors` ({name, email}; a string
 * "Name <email>" is split), `schemas` ({path, definition} or {path, schema}), `entrypoint`,
 * `custom`. Unknown keys are ignored, as OPA's YAML decoding ignores them. The YAML is read as YAML
 * 1.2 (OPA reads 1.1 with Go's yaml.v2: there `yes`, `on`, `y` in `custom` are booleans, here strings).
 */
import { parse as parseYaml } from "yaml";
import type { Annotation, Module } from "../ast.ts";
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import type { Comment } from "./lexer.ts";

const SCOPES = ["rule", "document", "package", "subpackages"] as const;

/** The METADATA blocks among `comments`, attached to the statements of `module`. */
export function parseAnnotations(comments: Comment[], module: Module): {
  annotations: Annotation[];
  diagnostics: Diagnostic[];
} {
  const annotations: Annotation[] = [];
  const diagnostics: Diagnostic[] = [];
  const statements = [
    { row: module.packageLoc.row, kind: "package" as const },
    ...module.rules.map((r) => ({ row: r.loc.row, kind: "rule" as const })),
    ...module.imports.map((i) => ({ row: i.loc.row, kind: "import" as const })),
  ].sort((a, b) => a.row - b.row);
  for (const block of blocks(comments)) {
    if (block[0].text.trim() !== "METADATA") continue;
    const loc = { file: module.file, row: block[0].row, col: block[0].col };
    const fail = (message: string) => diagnostics.push(diagnostic("rego_parse_error", message, loc));
    const last = block[block.length - 1].row;
    const target = statements.find((s) => s.row > last);
    if (target === undefined || target.kind === "import") {
      fail("a METADATA block must be followed by a package or a rule");
      continue;
    }
    let raw: unknown;
    try {
      raw = parseYaml(dedent(block.slice(1).map((c) => c.text)), { uniqueKeys: false }) ?? {};
    } catch (e) {
      fail(`yaml: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      fail("a METADATA block must be a YAML mapping");
      continue;
    }
    try {
      const value = normalize(raw as Record<string, unknown>, target.kind === "package" ? "package" : "rule");
      const scope = value.scope as Annotation["scope"];
      const onPackage = scope === "package" || scope === "subpackages";
      if (onPackage !== (target.kind === "package")) {
        fail(
          `annotation scope '${scope}' must be applied to ${
            onPackage ? "package" : "rule"
          } (have ${target.kind})`,
        );
        continue;
      }
      annotations.push({ scope, target: target.row, value, loc });
    } catch (e) {
      fail((e as Error).message);
    }
  }
  return { annotations, diagnostics };
}

/** Comments on consecutive lines form a block; a `METADATA` line starts a new one. */
function blocks(comments: Comment[]): Comment[][] {
  const out: Comment[][] = [];
  for (const c of comments) {
    const current = out[out.length - 1];
    const adjacent = current && current[current.length - 1].row === c.row - 1;
    if (adjacent && c.text.trim() !== "METADATA") current.push(c);
    else out.push([c]);
  }
  return out;
}

function dedent(lines: string[]): string {
  const indents = lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

function text(key: string, v: unknown): string {
  if (typeof v !== "string") throw new Error(`invalid ${key}: must be a string`);
  return v;
}

function list(key: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`invalid ${key}: must be a list`);
  return v;
}

/** OPA's JSON form of one annotation. */
function normalize(raw: Record<string, unknown>, defaultScope: "package" | "rule"): Record<string, unknown> {
  const scope = raw.scope === undefined ? defaultScope : text("scope", raw.scope);
  if (!(SCOPES as readonly string[]).includes(scope)) throw new Error(`invalid annotation scope '${scope}'`);
  const out: Record<string, unknown> = { scope };
  if (raw.title !== undefined) out.title = text("title", raw.title);
  if (raw.description !== undefined) out.description = text("description", raw.description);
  if (raw.entrypoint !== undefined) {
    if (typeof raw.entrypoint !== "boolean") throw new Error("invalid entrypoint: must be a boolean");
    if (raw.entrypoint) out.entrypoint = true;
  }
  if (raw.organizations !== undefined) {
    out.organizations = list("organizations", raw.organizations).map((o) => text("organization", o));
  }
  if (raw.related_resources !== undefined) {
    out.related_resources = list("related_resources", raw.related_resources).map((r) => {
      if (typeof r === "string") return { ref: r };
      if (typeof r !== "object" || r === null) throw new Error("invalid related resource");
      const { ref, description } = r as Record<string, unknown>;
      return description === undefined
        ? { ref: text("ref", ref) }
        : { ref: text("ref", ref), description: text("description", description) };
    });
  }
  if (raw.authors !== undefined) out.authors = list("authors", raw.authors).map(author);
  if (raw.schemas !== undefined) out.schemas = list("schemas", raw.schemas).map(schema);
  if (raw.custom !== undefined) {
    if (typeof raw.custom !== "object" || raw.custom === null || Array.isArray(raw.custom)) {
      throw new Error("invalid custom: must be a mapping");
    }
    out.custom = toJson(raw.custom);
  }
  return out;
}

/** "Jane Doe <jane@example.com>", "Jane Doe", or {name, email}. */
function author(a: unknown): Record<string, string> {
  if (typeof a === "string") {
    const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(a.trim());
    const name = m ? m[1].trim() : a.trim();
    const out: Record<string, string> = {};
    if (name !== "") out.name = name;
    if (m && m[2] !== "") out.email = m[2];
    if (out.name === undefined && out.email === undefined) throw new Error("invalid author: empty");
    return out;
  }
  if (typeof a !== "object" || a === null) throw new Error("invalid author");
  const { name, email } = a as Record<string, unknown>;
  const out: Record<string, string> = {};
  if (name !== undefined) out.name = text("name", name);
  if (email !== undefined) out.email = text("email", email);
  return out;
}

/** `- input.x: {…}` (an inline definition) or `- input: schema.foo` (a schema reference). */
function schema(s: unknown): Record<string, unknown> {
  if (typeof s !== "object" || s === null || Array.isArray(s) || Object.keys(s).length !== 1) {
    throw new Error("invalid schema: must be a mapping of one path");
  }
  const [[path, value]] = Object.entries(s as Record<string, unknown>);
  const parts = path.split(".");
  if (typeof value === "string") return { path: parts, schema: value.split(".") };
  return { path: parts, definition: toJson(value) };
}

/** YAML values as JSON (dates and other non-JSON scalars as strings). */
function toJson(v: unknown): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJson(x)]));
  }
  return String(v);
}
