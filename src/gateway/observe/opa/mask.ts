/**
 * Masking a decision-log event as OPA does (plugins/logs/mask.go), from the value of the policy's
 * `system.log.mask` rule evaluated with the event as its input: a set whose members are JSON
 * pointers to erase ("/input/password") or objects {"op": "remove"|"upsert", "path", "value"}.
 *
 * OPA's rules, kept here: a pointer starts with /input, /result or /nd_builtin_cache; its segments
 * are split on "/" and compared in their URL-path-escaped form (Go's url.PathEscape), not JSON
 * pointer's ~0/~1; an erase of something absent is ignored and not recorded; an upsert creates the
 * objects missing on its way (not array elements); "/input" alone erases or replaces the whole
 * input. Each applied rule's path is recorded in the event's `erased` or `masked` list.
 *
 * A mask value that is not such a set (a malformed rule) is an error: the caller drops the event
 * rather than log it unmasked, as OPA does.
 */

export class MaskError extends Error {
  override name = "MaskError";
}

type Op = "remove" | "upsert";

interface MaskRule {
  op: Op;
  /** The pointer as recorded in erased / masked: "/" + escaped segments. */
  shown: string;
  /** Escaped segments: the first is input, result or nd_builtin_cache. */
  parts: string[];
  value: unknown;
}

const ROOTS = new Set(["input", "result", "nd_builtin_cache"]);

/** Parses the rule's value into mask rules; throws MaskError for anything OPA refuses. */
export function parseMaskRules(value: unknown): MaskRule[] {
  if (!Array.isArray(value)) throw new MaskError(`mask: expected a set, got ${typeName(value)}`);
  const rules: MaskRule[] = [];
  for (const item of value) {
    if (typeof item === "string") {
      rules.push(rule(item, "remove", undefined));
    } else if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      const o = item as Record<string, unknown>;
      if ("op" in o && (typeof o.op !== "string" || o.op === "")) {
        throw new MaskError('mask: invalid "op" value');
      }
      if ("path" in o && (typeof o.path !== "string" || o.path === "")) {
        throw new MaskError('mask: invalid "path" value');
      }
      const op = (o.op ?? "") as string;
      if (op !== "remove" && op !== "upsert") throw new MaskError(`mask: op is not supported: ${op}`);
      rules.push(rule((o.path ?? "") as string, op, o.value));
    } else {
      throw new MaskError(`mask: invalid rule format: ${typeName(item)}`);
    }
  }
  return rules;
}

function rule(path: string, op: Op, value: unknown): MaskRule {
  if (path.length === 0) throw new MaskError("mask must be non-empty");
  if (!path.startsWith("/")) throw new MaskError("mask must be slash-prefixed");
  const raw = path.slice(1).split("/");
  if (!ROOTS.has(raw[0])) throw new MaskError(`mask prefix not allowed: ${raw[0]}`);
  const parts = raw.map((p) => {
    if (!validEscapes(p)) throw new MaskError(`mask: invalid escape in ${JSON.stringify(p)}`);
    return goPathEscape(p);
  });
  return { op, shown: "/" + parts.join("/"), parts, value };
}

/** Applies the rules to `event` in place (OPA masks a copy of what the caller got: so does ours). */
export function applyMask(event: Record<string, unknown>, rules: MaskRule[]): void {
  for (const r of rules) {
    const root = r.parts[0];
    if (event[root] === undefined) continue;
    const whole = r.parts.length === 1;
    if (r.op === "remove") {
      if (whole) delete event[root];
      else if (!removeAt(event[root], r.parts.slice(1))) continue;
      pushTo(event, "erased", r.shown);
    } else {
      if (whole) event[root] = r.value;
      else {
        const target = event[root];
        if (!isObject(target)) continue;
        if (!upsertAt(target, r.parts.slice(1), r.value)) continue;
      }
      pushTo(event, "masked", r.shown);
    }
  }
}

function pushTo(event: Record<string, unknown>, field: "erased" | "masked", path: string) {
  const list = event[field];
  if (Array.isArray(list)) list.push(path);
  else event[field] = [path];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function index(segment: string, length: number): number {
  if (!/^[+-]?\d+$/.test(segment)) return -1;
  const i = Number(segment);
  return Number.isSafeInteger(i) && i >= 0 && i < length ? i : -1;
}

/** Removes the value at `path` below `node`; false when there is none (as OPA: nothing happens). */
function removeAt(node: unknown, path: string[]): boolean {
  let parent: unknown = undefined;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (isObject(node)) {
      if (!Object.hasOwn(node, seg)) return false;
      parent = node;
      node = node[seg];
    } else if (Array.isArray(node)) {
      const at = index(seg, node.length);
      if (at < 0) return false;
      parent = node;
      node = node[at];
    } else return false;
  }
  const last = path[path.length - 1];
  if (isObject(node)) {
    if (!Object.hasOwn(node, last)) return false;
    delete node[last];
    return true;
  }
  if (Array.isArray(node)) {
    const at = index(last, node.length);
    // OPA replaces the array in its parent, so an array at the root cannot lose an element.
    if (at < 0 || parent === undefined) return false;
    node.splice(at, 1);
    return true;
  }
  return false;
}

/** Sets `value` at `path` below the object `node`, making the objects missing on the way. */
function upsertAt(node: unknown, path: string[], value: unknown): boolean {
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (isObject(node)) {
      if (!Object.hasOwn(node, seg)) setOwn(node, seg, {});
      node = node[seg];
    } else if (Array.isArray(node)) {
      const at = index(seg, Number.MAX_SAFE_INTEGER);
      if (at < 0 || at >= node.length) return false; // OPA pads a copy: the element stays missing
      node = node[at];
    } else return false;
  }
  const last = path[path.length - 1];
  if (isObject(node)) {
    setOwn(node, last, value);
    return true;
  }
  if (Array.isArray(node)) {
    const at = index(last, node.length);
    if (at < 0) return false;
    node[at] = value;
    return true;
  }
  return false;
}

/** An own property even for "__proto__" (plain assignment would set the prototype). */
function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Whether every "%" starts a two-hex-digit escape (Go's url.PathUnescape accepts it). */
function validEscapes(s: string): boolean {
  for (let i = s.indexOf("%"); i !== -1; i = s.indexOf("%", i + 1)) {
    if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) return false;
  }
  return true;
}

/** Go's url.PathEscape: a path segment with everything but unreserved and `$&+:=@` %-escaped. */
export function goPathEscape(s: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~$&+:=@]/.test(c)) out += c;
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}
