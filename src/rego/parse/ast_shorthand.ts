/**
 * Test support: location-less AST nodes written briefly, to compare with
 * stripLocations(parse result).
 */

export const v = (name: string) => ({ type: "var", name });
export const s = (value: string) => ({ type: "string", value });
export const n = (text: string) => ({ type: "number", text });
export const b = (value: boolean) => ({ type: "boolean", value });
export const nul = () => ({ type: "null" });
export const ref = (head: unknown, ...path: unknown[]) => ({ type: "ref", head, path });
/** `input.a.b` as a ref: dotted names become string path elements. */
export const dotted = (text: string) => {
  const [head, ...rest] = text.split(".");
  return ref(v(head), ...rest.map(s));
};
export const call = (op: string, ...args: unknown[]) => ({ type: "call", operator: op.split("."), args });
export const arr = (...items: unknown[]) => ({ type: "array", items });
export const set = (...items: unknown[]) => ({ type: "set", items });
export const obj = (...items: [unknown, unknown][]) => ({ type: "object", items });
export const expr = (term: unknown, negated = false, withs: unknown[] = []) => ({
  kind: "term",
  negated,
  term,
  with: withs,
});
