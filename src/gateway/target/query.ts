/**
 * Credentials in the query string are removed before anything else sees the request: neither the
 * policy, the decision cache, the decision log nor the upstream gets them. Removed: a parameter
 * whose name (percent-decoded, case-insensitive) is one of the configured names (`api_key`,
 * `access_token`, … : config `upstream.stripQueryParams`), and any parameter whose name or value
 * holds something shaped like one of the gateway's own API keys (`gw_<env>_<random>_<checksum>`,
 * plain or percent-encoded). The parameters kept are kept byte for byte, in order.
 *
 * The gateway never takes its API key from the query (keys/verifier.ts reads headers only): a
 * URL is logged and cached by every hop it passes through.
 */
import { KEY_PATTERN } from "../../keys/format.ts";

// The key pattern without its word boundaries (a key glued to other text counts too) and without
// the /g flag (no lastIndex state). Bounded quantifiers only: linear in the text.
const KEY_SHAPE = new RegExp(KEY_PATTERN.source.replaceAll("\\b", ""));

export const DEFAULT_CREDENTIAL_PARAMS = ["api_key", "apikey", "api-key", "x-api-key", "access_token"];

/** `search` ("" or "?…") without credential parameters; the same string when there are none. */
export function stripCredentialParams(search: string, names: ReadonlySet<string>): string {
  if (search.length <= 1) return search;
  const parts = search.slice(1).split("&");
  let kept: string[] | null = null;
  for (let i = 0; i < parts.length; i++) {
    if (isCredential(parts[i], names)) {
      kept ??= parts.slice(0, i);
    } else if (kept !== null) {
      kept.push(parts[i]);
    }
  }
  if (kept === null) return search;
  return kept.length === 0 ? "" : "?" + kept.join("&");
}

function isCredential(part: string, names: ReadonlySet<string>): boolean {
  if (part === "") return false;
  const eq = part.indexOf("=");
  const name = decode(eq === -1 ? part : part.slice(0, eq));
  if (names.has(name.toLowerCase())) return true;
  // A key needs "gw_" (or an escaped "_" / "g" / "w") somewhere: only then run the pattern.
  if (part.indexOf("gw_") === -1 && part.indexOf("%") === -1) return false;
  return KEY_SHAPE.test(name) || (eq !== -1 && KEY_SHAPE.test(decode(part.slice(eq + 1))));
}

/** application/x-www-form-urlencoded decoding, as URLSearchParams does; malformed escapes kept. */
function decode(s: string): string {
  if (s.indexOf("%") === -1 && s.indexOf("+") === -1) return s;
  const plus = s.replaceAll("+", " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/%([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
}
