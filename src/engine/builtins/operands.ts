/**
 * Operand checks with OPA's error wording ("operand 1 must be string but got number").
 *
 * Values arrive as JSON (the SDK dumps them with opa_json_dump): sets arrive as arrays, so a
 * "set" operand is accepted as an array and "array or set" operands cannot be told apart, except
 * by the built-ins marked `takesSets` (set_codec.ts), which receive sets as RegoSets.
 */
import { BuiltinError } from "./errors.ts";
import { RegoSet } from "./rego_set.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** OPA's value type names (ast.ValueName). Sets are seen only as RegoSets (set_codec.ts). */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof RegoSet) return "set";
  switch (typeof v) {
    case "boolean":
      return "boolean";
    case "number":
    case "bigint":
      return "number";
    case "string":
      return "string";
    default:
      return "object";
  }
}

export function fail(name: string, message: string): never {
  throw new BuiltinError(name, message);
}

/** "operand N must be T but got U" / "operand N must be one of {T1, T2} but got U". */
export function typeError(name: string, pos: number, got: unknown, ...expected: string[]): never {
  const want = expected.length === 1 ? expected[0] : `one of {${expected.join(", ")}}`;
  return fail(name, `operand ${pos} must be ${want} but got ${typeName(got)}`);
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RegoSet);
}

export function str(name: string, v: unknown, pos: number): string {
  if (typeof v !== "string") typeError(name, pos, v, "string");
  return v;
}

export function num(name: string, v: unknown, pos: number): number {
  if (typeof v !== "number") typeError(name, pos, v, "number");
  return v;
}

/** An integer-valued number (OPA's IntOperand). */
export function int(name: string, v: unknown, pos: number): number {
  const n = num(name, v, pos);
  if (!Number.isInteger(n)) fail(name, `operand ${pos} must be integer number but got floating-point number`);
  return n;
}

export function arr(name: string, v: unknown, pos: number): Json[] {
  if (!Array.isArray(v)) typeError(name, pos, v, "array");
  return v;
}

export function obj(name: string, v: unknown, pos: number): JsonObject {
  if (!isObject(v)) typeError(name, pos, v, "object");
  return v;
}

export function bool(name: string, v: unknown, pos: number): boolean {
  if (typeof v !== "boolean") typeError(name, pos, v, "boolean");
  return v;
}

/** A set operand: sets arrive as arrays (or RegoSets, for a built-in that takes sets). */
export function set(name: string, v: unknown, pos: number): Json[] {
  if (v instanceof RegoSet) return v.items as Json[];
  if (!Array.isArray(v)) typeError(name, pos, v, "set");
  return v;
}

/** An array-or-set operand: its elements. */
export function collection(name: string, v: unknown, pos: number): Json[] {
  if (v instanceof RegoSet) return v.items as Json[];
  if (!Array.isArray(v)) typeError(name, pos, v, "array", "set");
  return v;
}

/** An array or set of strings (OPA's StringSliceOperand). */
export function strings(name: string, v: unknown, pos: number): string[] {
  const items = collection(name, v, pos);
  for (const item of items) {
    if (typeof item !== "string") {
      fail(name, `operand ${pos} must be array of strings but got array containing ${typeName(item)}`);
    }
  }
  return items as string[];
}
