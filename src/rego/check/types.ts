/**
 * The static types of the type check (type_check.ts), after OPA's `types` package: scalars,
 * arrays (a static prefix and/or a dynamic element type), objects (static properties and/or a
 * dynamic key/value), sets, and `any` (no members: anything; members: one of them).
 *
 * `unifies` follows OPA's rule: two types unify when some value could have both. Unknown types
 * are `ANY`, which unifies with everything, so the check only rejects what is certain.
 */
import type { Term } from "../ast.ts";

export type Type =
  | { kind: "any"; of: Type[] }
  | { kind: "null" }
  | { kind: "boolean" }
  | { kind: "number" }
  | { kind: "string" }
  | { kind: "array"; items: Type[]; dynamic?: Type }
  | { kind: "object"; props: Map<string, Type>; dynamic?: { key: Type; value: Type } }
  | { kind: "set"; of: Type };

export const ANY: Type = { kind: "any", of: [] };
export const NULL: Type = { kind: "null" };
export const BOOLEAN: Type = { kind: "boolean" };
export const NUMBER: Type = { kind: "number" };
export const STRING: Type = { kind: "string" };

export function arrayOf(elem: Type): Type {
  return { kind: "array", items: [], dynamic: elem };
}
export function tuple(...items: Type[]): Type {
  return { kind: "array", items };
}
export function setOf(elem: Type): Type {
  return { kind: "set", of: elem };
}
export function objectOf(key: Type, value: Type): Type {
  return { kind: "object", props: new Map(), dynamic: { key, value } };
}

export function isTop(t: Type): boolean {
  return t.kind === "any" && t.of.length === 0;
}

/** One of `types`; `any` itself when one of them is. Nested unions are flattened, duplicates dropped. */
export function anyOf(...types: Type[]): Type {
  const members: Type[] = [];
  const seen = new Set<string>();
  for (const t of types) {
    if (isTop(t)) return ANY;
    for (const m of t.kind === "any" ? t.of : [t]) {
      const key = typeString(m);
      if (!seen.has(key)) {
        seen.add(key);
        members.push(m);
      }
    }
  }
  if (members.length === 1) return members[0];
  return members.length === 0 ? ANY : { kind: "any", of: members };
}

/** The key an object property is stored under: its value as JSON (numbers normalised). */
export function scalarKey(t: Term): string | undefined {
  switch (t.type) {
    case "string":
      return JSON.stringify(t.value);
    case "number":
      return String(Number(t.text));
    case "boolean":
      return String(t.value);
    case "null":
      return "null";
    default:
      return undefined;
  }
}

/** Element `i` of an array type, or undefined when the array has none there. */
function arraySelect(t: Type & { kind: "array" }, i: number): Type | undefined {
  return i < t.items.length ? t.items[i] : t.dynamic;
}

export function objectSelect(t: Type & { kind: "object" }, key: string): Type | undefined {
  return t.props.get(key) ?? t.dynamic?.value;
}

/** The element type of a collection (what `xs[_]` gives), or undefined for a scalar. */
export function valuesOf(t: Type): Type | undefined {
  switch (t.kind) {
    case "any": {
      if (t.of.length === 0) return ANY;
      const vs = t.of.map(valuesOf).filter((v): v is Type => v !== undefined);
      return vs.length === 0 ? undefined : anyOf(...vs);
    }
    case "array":
      return anyOf(...t.items, ...(t.dynamic ? [t.dynamic] : []));
    case "object":
      return anyOf(...t.props.values(), ...(t.dynamic ? [t.dynamic.value] : []));
    case "set":
      return t.of;
    default:
      return undefined;
  }
}

/** Whether some value could have both types (OPA's `unifies`). */
export function unifies(a: Type, b: Type): boolean {
  if (a.kind === "any" && (a.of.length === 0 || a.of.some((m) => unifies(m, b)))) return true;
  if (b.kind === "any" && (b.of.length === 0 || b.of.some((m) => unifies(a, m)))) return true;
  if (a.kind === "any" || b.kind === "any") return false;
  switch (a.kind) {
    case "array":
      if (b.kind !== "array") return false;
      return arraysStatic(a, b) && arraysStatic(b, a) &&
        (a.dynamic === undefined || b.dynamic === undefined || unifies(a.dynamic, b.dynamic));
    case "object":
      if (b.kind !== "object") return false;
      return objectsStatic(a, b) && objectsStatic(b, a) &&
        (a.dynamic === undefined || b.dynamic === undefined || unifies(a.dynamic.value, b.dynamic.value));
    case "set":
      return b.kind === "set" && unifies(a.of, b.of);
    default:
      return a.kind === b.kind;
  }
}

function arraysStatic(a: Type & { kind: "array" }, b: Type & { kind: "array" }): boolean {
  return a.items.every((item, i) => {
    const other = arraySelect(b, i);
    return other !== undefined && unifies(item, other);
  });
}

function objectsStatic(a: Type & { kind: "object" }, b: Type & { kind: "object" }): boolean {
  for (const [key, value] of a.props) {
    const other = objectSelect(b, key);
    if (other === undefined || !unifies(value, other)) return false;
  }
  return true;
}

/** As OPA prints types: `array<number, string>`, `array[any]`, `object<"a": number>`, `any<…>`. */
export function typeString(t: Type): string {
  switch (t.kind) {
    case "any":
      return t.of.length === 0 ? "any" : `any<${t.of.map(typeString).join(", ")}>`;
    case "array": {
      const fixed = t.items.length > 0 ? `<${t.items.map(typeString).join(", ")}>` : "";
      const dyn = t.dynamic ? `[${typeString(t.dynamic)}]` : "";
      return `array${fixed}${dyn || (fixed ? "" : "<>")}`;
    }
    case "object": {
      const props = [...t.props].map(([k, v]) => `${k}: ${typeString(v)}`);
      const fixed = props.length > 0 ? `<${props.join(", ")}>` : "";
      const dyn = t.dynamic ? `[${typeString(t.dynamic.key)}: ${typeString(t.dynamic.value)}]` : "";
      return `object${fixed}${dyn || (fixed ? "" : "<>")}`;
    }
    case "set":
      return `set[${typeString(t.of)}]`;
    default:
      return t.kind;
  }
}
