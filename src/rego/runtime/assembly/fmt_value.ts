// OPA's text form of a value (ast.Value String()), as sprintf passes non-string, non-number
// operands to Go's fmt: `[1, "a"]`, `{"a": 1}`, `{1, 2}`, `set()`; strings inside are Go-quoted.
import { pushByte, pushStatic } from "./heap";
import {
  tagOf, lenOf, strPtr, elemAt, keyAt, valAt, T_STRING, T_ARRAY, T_OBJECT,
} from "./value";
import { pushAtom } from "./json_dump";
import { pushGoQuoted } from "./fmt_quote";

function pushSeparator(i: u32): void {
  if (i > 0) {
    pushByte(44);
    pushByte(32);
  }
}

/** Appends the OPA text of v at the heap top. */
export function pushRegoText(v: usize): void {
  if (pushAtom(v)) return;
  const t = tagOf(v);
  if (t == T_STRING) {
    pushGoQuoted(strPtr(v), lenOf(v), false);
  } else if (t == T_ARRAY) {
    pushByte(91);
    for (let i: u32 = 0; i < lenOf(v); i++) {
      pushSeparator(i);
      pushRegoText(elemAt(v, i));
    }
    pushByte(93);
  } else if (t == T_OBJECT) {
    pushByte(123);
    for (let i: u32 = 0; i < lenOf(v); i++) {
      pushSeparator(i);
      pushRegoText(keyAt(v, i));
      pushByte(58);
      pushByte(32);
      pushRegoText(valAt(v, i));
    }
    pushByte(125);
  } else if (lenOf(v) == 0) {
    pushStatic("set()");
  } else {
    pushByte(123);
    for (let i: u32 = 0; i < lenOf(v); i++) {
      pushSeparator(i);
      pushRegoText(elemAt(v, i));
    }
    pushByte(125);
  }
}
