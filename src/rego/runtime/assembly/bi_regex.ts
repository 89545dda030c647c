// Regular-expression built-ins over the RE2 engine (re_*.ts), with Go's regexp semantics as OPA
// uses them: regex.match / re_match (MatchString), regex.is_valid (syntax.Parse), regex.split
// (Split(s, -1)), regex.find_n (FindAllString) and regex.find_all_string_submatch_n
// (FindAllStringSubmatch). Invalid patterns are errors with Go's messages.
import { heapTop, setHeapTop, pushByte, pushBytes, pushStatic, finishText } from "./heap";
import { rt_builtin_error } from "./host";
import { lenOf, strPtr, boolValue, stringValue, arrayValue, arrayPush, T_STRING } from "./value";
import { is, typeError, intOperand, gInt } from "./bi_common";
import { regexpFor, validRegexp, uncachedMark, failCode, failPtr, failLen, KIND_REGEXP } from "./re_cache";
import { execAt, matchCaps, machineCaps, runeWidthAt } from "./re_exec";
import { bufNew, bufPtr, bufLen, bufPush } from "./re_class";

/** "<name>: error parsing regexp: <code>: `<expr>`" for the last failed pattern. */
export function regexpError(name: string): usize {
  const p = heapTop();
  pushStatic(name);
  pushStatic(": error parsing regexp: ");
  pushStatic(failCode);
  pushStatic(": `");
  pushBytes(failPtr, failLen);
  pushStatic("`");
  pushByte(0);
  finishText();
  return rt_builtin_error(p);
}

/** Whether the regexp m matches the string value s anywhere; gives back uncached memory. */
export function matchAndRelease(m: usize, s: usize): bool {
  const ok = execAt(m, strPtr(s), lenOf(s), 0, 0);
  if (uncachedMark != 0) setHeapTop(uncachedMark);
  return ok;
}

function matchBuiltin(name: string, pattern: usize, value: usize): usize {
  if (!is(pattern, T_STRING)) return typeError(name, 1, "string", pattern);
  if (!is(value, T_STRING)) return typeError(name, 2, "string", value);
  const m = regexpFor(strPtr(pattern), lenOf(pattern), KIND_REGEXP);
  if (m == 0) return regexpError(name);
  return boolValue(matchAndRelease(m, value));
}

export function bi_regex_match(pattern: usize, value: usize): usize {
  return matchBuiltin("regex.match", pattern, value);
}

export function bi_re_match(pattern: usize, value: usize): usize {
  return matchBuiltin("re_match", pattern, value);
}

export function bi_regex_is_valid(pattern: usize): usize {
  if (!is(pattern, T_STRING)) return boolValue(false);
  return boolValue(validRegexp(strPtr(pattern), lenOf(pattern)));
}

/**
 * Go's allMatches: up to limit matches from the left, each recorded as `caps` i32 slots; an empty
 * match right after the previous match is skipped. Returns the slots (count = bufLen / caps),
 * moved down over the regexp's memory when it was not cached.
 */
function allMatches(m: usize, s: usize, limit: i64, caps: u32): usize {
  const p = strPtr(s);
  const n = lenOf(s);
  const out = bufNew(16);
  let pos: u32 = 0;
  let found: i64 = 0;
  let prevEnd: i32 = -1;
  while (found < limit && pos <= n) {
    if (!execAt(m, p, n, pos, caps)) break;
    const mc = matchCaps(m);
    const start = load<i32>(mc);
    const end = load<i32>(mc, 4);
    let accept = true;
    if (end == <i32>pos) {
      if (start == prevEnd) accept = false;
      const w = runeWidthAt(p, n, pos);
      pos = w > 0 ? pos + w : n + 1;
    } else {
      pos = <u32>end;
    }
    prevEnd = end;
    if (accept) {
      for (let i: u32 = 0; i < caps; i++) bufPush(out, load<i32>(mc + (<usize>i << 2)));
      found++;
    }
  }
  const mark = uncachedMark;
  if (mark == 0) return out;
  // give back the regexp's memory: keep only the slots
  const bytes = <usize>bufLen(out) << 2;
  const slots = mark + 16;
  memory.copy(slots, bufPtr(out), bytes);
  store<u32>(mark, <u32>slots);
  store<u32>(mark, bufLen(out), 4);
  store<u32>(mark, bufLen(out), 8);
  setHeapTop((slots + bytes + 7) & ~(<usize>7));
  return mark;
}

function matchLimit(s: usize, n: i64): i64 {
  return n < 0 ? <i64>lenOf(s) + 1 : n;
}

export function bi_regex_find_all_string_submatch_n(pattern: usize, value: usize, n: usize): usize {
  const name = "regex.find_all_string_submatch_n";
  if (!is(pattern, T_STRING)) return typeError(name, 1, "string", pattern);
  if (!is(value, T_STRING)) return typeError(name, 2, "string", value);
  if (!intOperand(name, 3, n)) return 0;
  const limit = matchLimit(value, gInt);
  const m = regexpFor(strPtr(pattern), lenOf(pattern), KIND_REGEXP);
  if (m == 0) return regexpError(name);
  const caps = machineCaps(m);
  const slots = allMatches(m, value, limit, caps);
  const p = strPtr(value);
  const count = bufLen(slots) / caps;
  const outer = arrayValue(count);
  for (let i: u32 = 0; i < count; i++) {
    const inner = arrayValue(caps >> 1);
    for (let g: u32 = 0; g < caps; g += 2) {
      const a = load<i32>(bufPtr(slots) + (<usize>(i * caps + g) << 2));
      const b = load<i32>(bufPtr(slots) + (<usize>(i * caps + g + 1) << 2));
      arrayPush(inner, a >= 0 ? stringValue(p + <usize>a, <u32>(b - a)) : stringValue(p, 0));
    }
    arrayPush(outer, inner);
  }
  return outer;
}

export function bi_regex_find_n(pattern: usize, value: usize, n: usize): usize {
  const name = "regex.find_n";
  if (!is(pattern, T_STRING)) return typeError(name, 1, "string", pattern);
  if (!is(value, T_STRING)) return typeError(name, 2, "string", value);
  if (!intOperand(name, 3, n)) return 0;
  const limit = matchLimit(value, gInt);
  const m = regexpFor(strPtr(pattern), lenOf(pattern), KIND_REGEXP);
  if (m == 0) return regexpError(name);
  const slots = allMatches(m, value, limit, 2);
  const p = strPtr(value);
  const count = bufLen(slots) >> 1;
  const out = arrayValue(count);
  for (let i: u32 = 0; i < count; i++) {
    const a = load<i32>(bufPtr(slots) + (<usize>(2 * i) << 2));
    const b = load<i32>(bufPtr(slots) + (<usize>(2 * i + 1) << 2));
    arrayPush(out, stringValue(p + <usize>a, <u32>(b - a)));
  }
  return out;
}

export function bi_regex_split(pattern: usize, value: usize): usize {
  const name = "regex.split";
  if (!is(pattern, T_STRING)) return typeError(name, 1, "string", pattern);
  if (!is(value, T_STRING)) return typeError(name, 2, "string", value);
  const m = regexpFor(strPtr(pattern), lenOf(pattern), KIND_REGEXP);
  if (m == 0) return regexpError(name);
  const p = strPtr(value);
  const n = lenOf(value);
  if (lenOf(pattern) > 0 && n == 0) {
    if (uncachedMark != 0) setHeapTop(uncachedMark);
    const one = arrayValue(1);
    arrayPush(one, stringValue(p, 0));
    return one;
  }
  const slots = allMatches(m, value, <i64>n + 1, 2);
  const count = bufLen(slots) >> 1;
  const out = arrayValue(count + 1);
  let beg: u32 = 0;
  let end: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const a = <u32>load<i32>(bufPtr(slots) + (<usize>(2 * i) << 2));
    const b = <u32>load<i32>(bufPtr(slots) + (<usize>(2 * i + 1) << 2));
    end = a;
    if (b != 0) arrayPush(out, stringValue(p + beg, end - beg));
    beg = b;
  }
  if (end != n) arrayPush(out, stringValue(p + beg, n - beg));
  return out;
}
