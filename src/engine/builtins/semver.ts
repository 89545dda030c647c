/** semver.is_valid and semver.compare, per Semantic Versioning 2.0.0 (no leading "v"). */
import type { HostBuiltin } from "./host_builtin.ts";
import { fail, str } from "./operands.ts";

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

interface Version {
  core: [bigint, bigint, bigint];
  pre: string[];
}

function parse(s: string): Version | undefined {
  const m = SEMVER.exec(s);
  if (!m) return undefined;
  return { core: [BigInt(m[1]), BigInt(m[2]), BigInt(m[3])], pre: m[4] ? m[4].split(".") : [] };
}

const sign = <T extends bigint | string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const c = sign(a.core[i], b.core[i]);
    if (c !== 0) return c;
  }
  if (a.pre.length === 0 || b.pre.length === 0) return sign(b.pre.length, a.pre.length);
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i], y = b.pre[i];
    const xn = /^\d+$/.test(x), yn = /^\d+$/.test(y);
    const c = xn && yn ? sign(BigInt(x), BigInt(y)) : xn ? -1 : yn ? 1 : sign(x, y);
    if (c !== 0) return c;
  }
  return sign(a.pre.length, b.pre.length);
}

function version(v: unknown, pos: number): Version {
  const s = str("semver.compare", v, pos);
  const parsed = parse(s);
  if (!parsed) fail("semver.compare", `operand ${pos}: string ${JSON.stringify(s)} is not a valid SemVer`);
  return parsed!;
}

export const SEMVER_BUILTINS: Record<string, HostBuiltin> = {
  "semver.is_valid": (v) => typeof v === "string" && parse(v) !== undefined,
  "semver.compare": (a, b) => compareVersions(version(a, 1), version(b, 2)),
};
