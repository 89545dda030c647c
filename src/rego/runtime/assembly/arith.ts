// Number arithmetic: exact on i64 with overflow detection, f64 otherwise (see README).
import { intValue, T_NUMBER, tagOf } from "./value";
import { toInt, toF64, gInt, numberFromF64 } from "./number";

export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;

const I64_MIN: i64 = -9223372036854775808;

/** a op b for two number values (add, sub, mul). */
export function arith(op: i32, a: usize, b: usize): usize {
  if (toInt(a)) {
    const x = gInt;
    if (toInt(b)) {
      const y = gInt;
      let r: i64 = 0;
      let overflow = false;
      if (op == OP_ADD) {
        r = x + y;
        overflow = ((x ^ r) & (y ^ r)) < 0;
      } else if (op == OP_SUB) {
        r = x - y;
        overflow = ((x ^ y) & (x ^ r)) < 0;
      } else {
        r = x * y;
        if (x != 0 && y != 0) {
          overflow = (x == -1 && y == I64_MIN) || (y == -1 && x == I64_MIN) || r / y != x;
        }
      }
      if (!overflow) return intValue(r);
    }
  }
  const fx = toF64(a);
  const fy = toF64(b);
  return numberFromF64(op == OP_ADD ? fx + fy : op == OP_SUB ? fx - fy : fx * fy);
}

export function isNum(v: usize): bool {
  return v != 0 && tagOf(v) == T_NUMBER;
}
