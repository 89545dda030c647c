/**
 * uuid.rfc4122 (a random version-4 UUID, the same for the same seed string within one
 * evaluation, as OPA caches it) and uuid.parse (the fields OPA reports for each version).
 */
import type { HostBuiltin } from "./host_builtin.ts";
import { str } from "./operands.ts";

const generated = new Map<string, string>();

/** Start of an evaluation: forget the UUIDs generated so far. */
export function resetUuids(): void {
  generated.clear();
}

const UUID_FORMS = [
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^urn:uuid:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i,
];

function bytesOf(s: string): Uint8Array | undefined {
  for (const re of UUID_FORMS) {
    const m = re.exec(s);
    if (m) {
      const hex = m.slice(1).join("");
      return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    }
  }
  return undefined;
}

/** 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch. */
const GREGORIAN_OFFSET = 122192928000000000n;

function variantName(b: number): string {
  if ((b & 0x80) === 0) return "Reserved";
  if ((b & 0xc0) === 0x80) return "RFC4122";
  if ((b & 0xe0) === 0xc0) return "Microsoft";
  return "Future";
}

function nodeFields(bytes: Uint8Array): Record<string, unknown> {
  const node = [...bytes.slice(10)].map((b) => b.toString(16).padStart(2, "0")).join("-");
  const first = bytes[10];
  const mac = `${first & 0x02 ? "local" : "global"}:${first & 0x01 ? "multicast" : "unicast"}`;
  return { nodeid: node, macvariables: mac };
}

function parseUuid(s: string): Record<string, unknown> | undefined {
  const b = bytesOf(s);
  if (!b) return undefined;
  const version = b[6] >> 4;
  const out: Record<string, unknown> = { version, variant: variantName(b[8]) };
  const word = (from: number, to: number) =>
    b.slice(from, to).reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  if (version === 1 || version === 2) {
    const low = word(0, 4), mid = word(4, 6), high = word(6, 8) & 0x0fffn;
    const ticks = (high << 48n) | (mid << 32n) | low;
    out.time = Number((ticks - GREGORIAN_OFFSET) * 100n);
    out.clocksequence = Number(word(8, 10) & 0x3fffn);
    Object.assign(out, nodeFields(b));
    if (version === 2) {
      out.id = Number(low);
      out.domain = ["Person", "Group", "Org"][b[9]] ?? `Domain${b[9]}`;
    }
  } else if (version === 6) {
    const ticks = (word(0, 4) << 28n) | (word(4, 6) << 12n) | (word(6, 8) & 0x0fffn);
    out.time = Number((ticks - GREGORIAN_OFFSET) * 100n);
  } else if (version === 7) {
    out.time = Number(word(0, 6) * 1_000_000n);
  }
  return out;
}

export const UUID_BUILTINS: Record<string, HostBuiltin> = {
  "uuid.rfc4122": (seed) => {
    const key = str("uuid.rfc4122", seed, 1);
    let id = generated.get(key);
    if (!id) {
      id = crypto.randomUUID();
      generated.set(key, id);
    }
    return id;
  },
  "uuid.parse": (s) => parseUuid(str("uuid.parse", s, 1)),
};
