/**
 * Go's encoding/pem Decode and encoding/base64 StdEncoding decoding, as OPA's crypto built-ins
 * use them: PEM blocks are found the way pem.Decode finds them (a BEGIN line at the start of a
 * line, optional headers, the END line of the same type, base64 that may be wrapped), and a
 * block that does not decode is skipped, not an error.
 */

export interface PemBlock {
  type: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** The bytes of a string (Rego strings are UTF-8). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Go's base64.StdEncoding.DecodeString: padding required, `\r` and `\n` ignored. */
export function decodeStdBase64(input: string | Uint8Array): Uint8Array | undefined {
  const text = typeof input === "string" ? input : latin1(input);
  const s = text.replace(/[\r\n]/g, "");
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
    return undefined;
  }
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function encodeStdBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return s;
}

function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Go's getLine: up to the next newline, trailing spaces, tabs and CRs trimmed. */
function getLine(data: string): [string, string] {
  const i = data.indexOf("\n");
  const [line, rest] = i < 0 ? [data, ""] : [data.slice(0, i), data.slice(i + 1)];
  return [line.replace(/[ \t\r]+$/, ""), rest];
}

/**
 * The first PEM block in data and what follows it, or undefined when there is none (pem.Decode's
 * nil block).
 */
export function pemDecode(data: Uint8Array): { block: PemBlock; rest: Uint8Array } | undefined {
  const all = latin1(data);
  let rest = all;
  for (;;) {
    if (rest.startsWith("-----BEGIN ")) rest = rest.slice("-----BEGIN ".length);
    else {
      const i = rest.indexOf("\n-----BEGIN ");
      if (i < 0) return undefined;
      rest = rest.slice(i + "\n-----BEGIN ".length);
    }
    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith("-----")) continue;
    typeLine = typeLine.slice(0, -5);
    let headers = 0;
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next] = getLine(rest);
      if (!line.includes(":")) break;
      headers++;
      rest = next;
    }
    if (truncated) return undefined;
    let endIndex: number, endTrailerIndex: number;
    if (headers === 0 && rest.startsWith("-----END ")) {
      endIndex = 0;
      endTrailerIndex = "-----END ".length;
    } else {
      endIndex = rest.indexOf("\n-----END ");
      endTrailerIndex = endIndex + "\n-----END ".length;
    }
    if (endIndex < 0) continue;
    let endTrailer = rest.slice(endTrailerIndex);
    const trailerLen = typeLine.length + 5;
    if (endTrailer.length < trailerLen) continue;
    const restOfEndLine = endTrailer.slice(trailerLen);
    endTrailer = endTrailer.slice(0, trailerLen);
    if (!endTrailer.startsWith(typeLine) || !endTrailer.endsWith("-----")) continue;
    if (getLine(restOfEndLine)[0].length !== 0) continue;
    const bytes = decodeStdBase64(rest.slice(0, endIndex).replace(/[ \t]/g, ""));
    if (bytes === undefined) continue;
    const after = getLine(rest.slice(endIndex + "\n-----END ".length - 1))[1];
    return { block: { type: decodeUtf8Lossy(typeLine), bytes }, rest: fromLatin1(after) };
  }
}

function decodeUtf8Lossy(latin: string): string {
  return new TextDecoder().decode(fromLatin1(latin));
}

/** Whether bytes start with the given ASCII text. */
export function startsWith(b: Uint8Array, prefix: string): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix.charCodeAt(i)) return false;
  return true;
}
