/**
 * The canonical form of a request path, computed once per request and used for routing, the policy
 * input, the decision cache, the decision log and the upstream URL alike (see target.ts).
 *
 * Normalisation (RFC 3986 §6.2.2, as Envoy's `normalize_path` + `merge_slashes` do):
 * - percent-encoded unreserved characters (ALPHA DIGIT - . _ ~) are decoded, every other escape
 *   is kept with its hex digits upper-cased (`%c3%a9` → `%C3%A9`);
 * - dot segments are removed (§5.2.4; `..` above the root stays at the root), `.` and `..`
 *   spelled with escapes (`%2e%2E`) included, since they are decoded first;
 * - then runs of slashes are merged (`/a//b` → `/a/b`; `/a//../b` → `/a/b`, as RFC 3986 and the
 *   WHATWG URL parser resolve it before merging); a trailing slash is kept;
 * - characters RFC 3986 does not allow raw in a path but Deno's server lets through
 *   (`"<>`{}|^[]`) are percent-encoded, so that no URL parser changes the result again.
 *
 * Refused (the caller gets 400 path_invalid): an encoded slash (`%2F`) or backslash (`%5C`), a raw
 * backslash, a control character raw or encoded (NUL…US, DEL, so TAB, CR and LF too), a raw
 * space, a raw non-ASCII character, a malformed escape (`%` not followed by two hex digits), and
 * the path-parameter delimiter `;` (raw or `%3B`): servlet containers and Spring strip `;…` from
 * each segment before matching, so `/api/admin;x/users` would be routed and decided as a path
 * under `/api` while such an upstream serves `/api/admin/users` (and `/..;/` as `/../`). These
 * are what makes two parsers disagree on a path; Envoy rejects escaped slashes at the edge for
 * the same reason.
 *
 * The result is a fixed point: normalizePath(p) === p for every result p, and the WHATWG URL
 * parser (fetch's) keeps its path as is (tested, with generated paths).
 *
 * Cost: one scan of the path; a path with no `%`, no `.` after a slash, no doubled slash and no
 * character to encode (nearly all of them) is returned as is, without allocating.
 */

/** Why a path was refused; stable, for the log's detail. The instances are shared constants. */
export class PathRefusal {
  constructor(readonly problem: string) {}
}

const ENCODED_SLASH = new PathRefusal("encoded slash (%2F) in the path");
const BACKSLASH = new PathRefusal("backslash (raw or %5C) in the path");
const CONTROL = new PathRefusal("control character (raw or encoded) in the path");
const SPACE = new PathRefusal("raw space in the path");
const NON_ASCII = new PathRefusal("raw non-ASCII character in the path");
const BAD_ESCAPE = new PathRefusal("malformed percent escape in the path");
const PATH_PARAMS = new PathRefusal("path parameter delimiter (; raw or %3B) in the path");
const NOT_ABSOLUTE = new PathRefusal("the path does not start with /");

// Character classes of ASCII codes as they appear raw in a path.
const OK = 0,
  SLASH = 1,
  DOT = 2,
  PERCENT = 3,
  ENCODE = 4,
  REFUSE_CTL = 5,
  REFUSE_BACKSLASH = 6,
  REFUSE_SPACE = 7,
  REFUSE_SEMICOLON = 8;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) CLASS[c] = REFUSE_CTL;
CLASS[0x7f] = REFUSE_CTL;
CLASS[0x20] = REFUSE_SPACE;
CLASS[0x2f] = SLASH;
CLASS[0x2e] = DOT;
CLASS[0x25] = PERCENT;
CLASS[0x5c] = REFUSE_BACKSLASH;
CLASS[0x3b] = REFUSE_SEMICOLON;
for (const ch of '"<>`{}|^[]#?') CLASS[ch.charCodeAt(0)] = ENCODE;

/** Whether a byte is an RFC 3986 unreserved character (decoded when found percent-encoded). */
const UNRESERVED = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) UNRESERVED[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) UNRESERVED[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) UNRESERVED[c] = 1;
for (const ch of "-._~") UNRESERVED[ch.charCodeAt(0)] = 1;

const HEX = "0123456789ABCDEF";

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** The canonical form of `raw` (a path starting with "/", without query or fragment), or why not. */
export function normalizePath(raw: string): string | PathRefusal {
  if (raw.charCodeAt(0) !== 0x2f) return NOT_ABSOLUTE;
  // Fast path: nothing to change unless an escape, a possible dot segment, a doubled slash or a
  // character to encode shows up; refusals are found here too.
  let prev = 0x2f;
  for (let i = 1; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 128) return NON_ASCII;
    switch (CLASS[c]) {
      case OK:
        break;
      case SLASH:
      case DOT:
        if (prev === 0x2f) return slowPath(raw);
        break;
      case PERCENT:
      case ENCODE:
        return slowPath(raw);
      case REFUSE_CTL:
        return CONTROL;
      case REFUSE_BACKSLASH:
        return BACKSLASH;
      case REFUSE_SEMICOLON:
        return PATH_PARAMS;
      default:
        return SPACE;
    }
    prev = c;
  }
  return raw;
}

/** Decodes, encodes and resolves segment by segment (RFC 3986 §5.2.4 on the decoded segments). */
function slowPath(raw: string): string | PathRefusal {
  const out: string[] = [];
  let trailingSlash = false;
  let i = 1;
  const n = raw.length;
  while (i <= n) {
    let seg = "";
    for (; i < n; i++) {
      const c = raw.charCodeAt(i);
      if (c === 0x2f) break;
      if (c >= 128) return NON_ASCII;
      switch (CLASS[c]) {
        case OK:
        case DOT:
          seg += raw[i];
          break;
        case REFUSE_SEMICOLON:
          return PATH_PARAMS;
        case PERCENT: {
          const hi = i + 2 < n ? hexValue(raw.charCodeAt(i + 1)) : -1;
          const lo = hi === -1 ? -1 : hexValue(raw.charCodeAt(i + 2));
          if (lo === -1) return BAD_ESCAPE;
          const byte = hi * 16 + lo;
          if (byte === 0x2f) return ENCODED_SLASH;
          if (byte === 0x5c) return BACKSLASH;
          if (byte < 0x20 || byte === 0x7f) return CONTROL;
          if (byte === 0x3b) return PATH_PARAMS;
          seg += byte < 128 && UNRESERVED[byte] === 1 ? String.fromCharCode(byte) : "%" + HEX[hi] + HEX[lo];
          i += 2;
          break;
        }
        case ENCODE:
          seg += "%" + HEX[c >> 4] + HEX[c & 15];
          break;
        case REFUSE_CTL:
          return CONTROL;
        case REFUSE_BACKSLASH:
          return BACKSLASH;
        default:
          return SPACE;
      }
    }
    i++; // past the slash (or the end)
    const last = i > n;
    if (seg === ".") {
      trailingSlash = last;
    } else if (seg === "..") {
      out.pop();
      trailingSlash = last;
    } else {
      out.push(seg); // empty segments too: dot segments remove them as RFC 3986 does
      trailingSlash = false;
    }
  }
  // Merge slashes: drop the empty segments, keeping a trailing slash.
  let segments = out;
  if (out.includes("")) {
    if (out[out.length - 1] === "") trailingSlash = true;
    segments = out.filter((s) => s !== "");
  }
  if (segments.length === 0) return "/";
  const path = "/" + segments.join("/");
  return trailingSlash ? path + "/" : path;
}
