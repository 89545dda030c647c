/**
 * Declared argument and result types of the built-ins, as OPA declares them: read from the
 * registry (builtins/registry.ts), whose signatures are OPA's, in OPA's type notation.
 */
import { registry } from "../builtins/registry.ts";
import { ANY, anyOf, BOOLEAN, NULL, NUMBER, STRING, type Type } from "./types.ts";

export interface Signature {
  args: Type[];
  result: Type;
}

/** Parses OPA's notation: `array<T1, T2>[T]`, `set[T]`, `object<k: T>[K: V]`, `any<T1, T2>`, scalars. */
export function parseType(text: string): Type {
  let i = 0;
  const fail = (): never => {
    throw new Error(`bad type at ${i}: ${text}`);
  };
  const skip = () => {
    while (text[i] === " ") i++;
  };
  const expect = (c: string) => {
    skip();
    if (text[i] !== c) fail();
    i++;
  };
  const word = (): string => {
    skip();
    const m = /^[a-z_0-9]+/.exec(text.slice(i)) ?? fail();
    i += m[0].length;
    return m[0];
  };
  const list = <T>(item: () => T, close: string): T[] => {
    const out = [item()];
    skip();
    while (text[i] === ",") {
      i++;
      out.push(item());
      skip();
    }
    expect(close);
    return out;
  };
  const type = (): Type => {
    const name = word();
    switch (name) {
      case "any":
        if (text[i] !== "<") return ANY;
        i++;
        return anyOf(...list(type, ">"));
      case "null":
        return NULL;
      case "boolean":
        return BOOLEAN;
      case "number":
        return NUMBER;
      case "string":
        return STRING;
      case "set": {
        expect("[");
        const of = type();
        expect("]");
        return { kind: "set", of };
      }
      case "array": {
        let items: Type[] = [];
        let dynamic: Type | undefined;
        if (text[i] === "<") {
          i++;
          items = list(type, ">");
        }
        if (text[i] === "[") {
          i++;
          dynamic = type();
          expect("]");
        }
        return dynamic ? { kind: "array", items, dynamic } : { kind: "array", items };
      }
      case "object": {
        const props = new Map<string, Type>();
        let dynamic: { key: Type; value: Type } | undefined;
        if (text[i] === "<") {
          i++;
          for (const [k, v] of list(() => [word(), (expect(":"), type())] as const, ">")) {
            props.set(JSON.stringify(k), v);
          }
        }
        if (text[i] === "[") {
          i++;
          const key = type();
          expect(":");
          const value = type();
          expect("]");
          dynamic = { key, value };
        }
        return dynamic ? { kind: "object", props, dynamic } : { kind: "object", props };
      }
      default:
        return fail();
    }
  };
  const t = type();
  if (i !== text.length) fail();
  return t;
}

const SIGNATURES: ReadonlyMap<string, Signature> = new Map(
  registry()
    .filter((b) => b.variadic === undefined)
    .map((b) => [b.name, { args: b.args.map(parseType), result: b.result ? parseType(b.result) : ANY }]),
);

/** The declared signature of built-in `name` (none for a variadic one: print). */
export function builtinSignature(name: string): Signature | undefined {
  return SIGNATURES.get(name);
}

/** Every built-in with a declared signature (for tests against the catalog). */
export function typedBuiltins(): string[] {
  return [...SIGNATURES.keys()];
}
