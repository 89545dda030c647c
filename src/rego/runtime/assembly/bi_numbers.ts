// Native built-ins: comparison, arithmetic, numbers.range and set operators.
import {
  boolValue, intValue, arrayValue, arrayPush, setValue, setAdd, search, elemAt, lenOf,
  T_NUMBER, T_SET,
} from "./value";
import { compare, equal } from "./compare";
import { toInt, toF64, gInt, numberFromF64 } from "./number";
import { arith, OP_ADD, OP_SUB, OP_MUL } from "./arith";
import { is, typeError, fail, intOperand } from "./bi_common";

export function bi_equal(a: usize, b: usize): usize {
  return boolValue(equal(a, b));
}
export function bi_neq(a: usize, b: usize): usize {
  return boolValue(!equal(a, b));
}
export function bi_lt(a: usize, b: usize): usize {
  return boolValue(compare(a, b) < 0);
}
export function bi_lte(a: usize, b: usize): usize {
  return boolValue(compare(a, b) <= 0);
}
export function bi_gt(a: usize, b: usize): usize {
  return boolValue(compare(a, b) > 0);
}
export function bi_gte(a: usize, b: usize): usize {
  return boolValue(compare(a, b) >= 0);
}

function binary(name: string, op: i32, a: usize, b: usize): usize {
  if (!is(a, T_NUMBER)) return typeError(name, 1, "number", a);
  if (!is(b, T_NUMBER)) return typeError(name, 2, "number", b);
  return arith(op, a, b);
}

export function bi_plus(a: usize, b: usize): usize {
  return binary("plus", OP_ADD, a, b);
}

export function bi_mul(a: usize, b: usize): usize {
  return binary("mul", OP_MUL, a, b);
}

/** Elements of set a that are not in set b. */
export function setDiff(a: usize, b: usize): usize {
  const r = setValue(0);
  const n = lenOf(a);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(a, i);
    if (search(b, e, 4) < 0) setAdd(r, e);
  }
  return r;
}

export function setIntersect(a: usize, b: usize): usize {
  const r = setValue(0);
  const n = lenOf(a);
  for (let i: u32 = 0; i < n; i++) {
    const e = elemAt(a, i);
    if (search(b, e, 4) >= 0) setAdd(r, e);
  }
  return r;
}

export function setUnion(a: usize, b: usize): usize {
  const r = setValue(lenOf(a) + lenOf(b));
  let i: u32 = 0;
  let j: u32 = 0;
  const n = lenOf(a);
  const m = lenOf(b);
  while (i < n || j < m) {
    if (j >= m) setAdd(r, elemAt(a, i++));
    else if (i >= n) setAdd(r, elemAt(b, j++));
    else {
      const c = compare(elemAt(a, i), elemAt(b, j));
      if (c <= 0) {
        setAdd(r, elemAt(a, i++));
        if (c == 0) j++;
      } else {
        setAdd(r, elemAt(b, j++));
      }
    }
  }
  return r;
}

export function bi_minus(a: usize, b: usize): usize {
  const n1 = is(a, T_NUMBER);
  const n2 = is(b, T_NUMBER);
  if (n1 && n2) return arith(OP_SUB, a, b);
  const s1 = is(a, T_SET);
  const s2 = is(b, T_SET);
  if (s1 && s2) return setDiff(a, b);
  if (!n1 && !s1) return typeError("minus", 1, "one of {number, set}", a);
  if (n2) return typeError("minus", 2, "set", b);
  return typeError("minus", 2, "number", b);
}

export function bi_div(a: usize, b: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("div", 1, "number", a);
  if (!is(b, T_NUMBER)) return typeError("div", 2, "number", b);
  if (toInt(a)) {
    const x = gInt;
    if (toInt(b)) {
      const y = gInt;
      if (y == 0) return fail("div", "divide by zero");
      if (x != 0 && !(y == -1 && x == -9223372036854775808) && x % y == 0) return intValue(x / y);
    }
  }
  const fy = toF64(b);
  if (fy == 0) return fail("div", "divide by zero");
  return numberFromF64(toF64(a) / fy);
}

export function bi_rem(a: usize, b: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("rem", 1, "number", a);
  if (!is(b, T_NUMBER)) return typeError("rem", 2, "number", b);
  if (toInt(a)) {
    const x = gInt;
    if (toInt(b)) {
      const y = gInt;
      if (y == 0) return fail("rem", "modulo by zero");
      if (y == -1) return intValue(0);
      return intValue(x % y);
    }
  }
  return fail("rem", "modulo on floating-point number");
}

export function bi_abs(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("abs", 1, "number", a);
  if (toInt(a) && gInt != -9223372036854775808) return intValue(gInt < 0 ? -gInt : gInt);
  return numberFromF64(Math.abs(toF64(a)));
}

export function bi_round(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("round", 1, "number", a);
  if (toInt(a)) return intValue(gInt);
  const f = toF64(a);
  const t = Math.trunc(f);
  const d = f - t;
  return numberFromF64(d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t);
}

export function bi_ceil(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("ceil", 1, "number", a);
  if (toInt(a)) return intValue(gInt);
  return numberFromF64(Math.ceil(toF64(a)));
}

export function bi_floor(a: usize): usize {
  if (!is(a, T_NUMBER)) return typeError("floor", 1, "number", a);
  if (toInt(a)) return intValue(gInt);
  return numberFromF64(Math.floor(toF64(a)));
}

export function bi_numbers_range(a: usize, b: usize): usize {
  if (!intOperand("numbers.range", 1, a)) return 0;
  const x = gInt;
  if (!intOperand("numbers.range", 2, b)) return 0;
  const y = gInt;
  const n = x <= y ? y - x + 1 : x - y + 1;
  if (n <= 0 || n > 0x10000000) return fail("numbers.range", "range too large");
  const r = arrayValue(<u32>n);
  if (x <= y) {
    for (let i = x; i <= y; i++) {
      arrayPush(r, intValue(i));
      if (i == y) break;
    }
  } else {
    for (let i = x; i >= y; i--) {
      arrayPush(r, intValue(i));
      if (i == y) break;
    }
  }
  return r;
}

export function bi_and(a: usize, b: usize): usize {
  if (!is(a, T_SET)) return typeError("and", 1, "set", a);
  if (!is(b, T_SET)) return typeError("and", 2, "set", b);
  return setIntersect(a, b);
}

export function bi_or(a: usize, b: usize): usize {
  if (!is(a, T_SET)) return typeError("or", 1, "set", a);
  if (!is(b, T_SET)) return typeError("or", 2, "set", b);
  return setUnion(a, b);
}
