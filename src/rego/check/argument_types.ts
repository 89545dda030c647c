/**
 * Whether a built-in's argument of type `have` may be passed where OPA declares `want`.
 *
 * As `unifies` (types.ts), except for objects: OPA checks each key the argument has against the
 * declared object type, not the declared static keys against the argument, so
 * `json.patch({}, [{"path": "/a", "value": 1}])` (no `op`) type-checks and is undefined at run time.
 */
import type { Type } from "./types.ts";

export function fitsArgument(have: Type, want: Type): boolean {
  if (have.kind === "any" && (have.of.length === 0 || have.of.some((m) => fitsArgument(m, want)))) {
    return true;
  }
  if (want.kind === "any" && (want.of.length === 0 || want.of.some((m) => fitsArgument(have, m)))) {
    return true;
  }
  if (have.kind === "any" || want.kind === "any") return false;
  switch (have.kind) {
    case "array": {
      if (want.kind !== "array") return false;
      const at = (t: Type & { kind: "array" }, i: number) => i < t.items.length ? t.items[i] : t.dynamic;
      for (let i = 0; i < Math.max(have.items.length, want.items.length); i++) {
        const h = at(have, i), w = at(want, i);
        if (h === undefined || w === undefined || !fitsArgument(h, w)) return false;
      }
      return have.dynamic === undefined || want.dynamic === undefined ||
        fitsArgument(have.dynamic, want.dynamic);
    }
    case "object": {
      if (want.kind !== "object") return false;
      for (const [key, value] of have.props) {
        const w = want.props.get(key) ?? want.dynamic?.value;
        if (w === undefined || !fitsArgument(value, w)) return false;
      }
      return have.dynamic === undefined || want.dynamic === undefined ||
        fitsArgument(have.dynamic.value, want.dynamic.value);
    }
    case "set":
      return want.kind === "set" && fitsArgument(have.of, want.of);
    default:
      return have.kind === want.kind;
  }
}
