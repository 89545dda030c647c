/**
 * net.cidr_contains / net.cidr_intersects natively agree with the host (src/engine/builtins/net.ts)
 * on generated addresses and networks. Outside the generator, the native side follows OPA (Go's
 * net package; confirmed with ../shared/opa-oracle) where the host does not: an IPv4-mapped IPv6
 * network (`::ffff:10.0.0.0/104`) acts on IPv4 addresses, a prefix may have leading zeros
 * (`/08`), and a non-string second operand is reported as "operand 1", as OPA words it.
 */
import { deepEqual } from "node:assert/strict";
import fc from "npm:fast-check@^4";
import { host, Parity } from "./parity.ts";

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom("256", "01", "00", ""));
const v4 = fc.array(octet, { minLength: 3, maxLength: 5 }).map((o) => o.join("."));
const group = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((x) => x.toString(16)),
  fc.constantFrom("0", "ffff", "FFFF", "12345", "g"),
);
const v6 = fc.oneof(
  fc.array(group, { minLength: 1, maxLength: 9 }).map((g) => g.join(":")),
  fc.tuple(fc.array(group, { maxLength: 4 }), fc.array(group, { maxLength: 4 })).map(([a, b]) =>
    `${a.join(":")}::${b.join(":")}`
  ),
  fc.tuple(fc.array(group, { maxLength: 6 }), v4).map(([a, b]) => `${a.join(":")}:${b}`),
  fc.constantFrom("::", "::1", "fe80::1%eth0", ":::", "1::2::3"),
);
const address = fc.oneof(v4, v6);
const prefix = fc.oneof(fc.integer({ min: 0, max: 130 }).map(String), fc.constantFrom("", "x", "-1", "8/9"));
/** Networks, without the two forms the host reads differently (see the header). */
const cidr = fc.tuple(address, prefix).map(([a, p]) => `${a}/${p}`)
  .filter((c) => !/ffff:[^/]*\//i.test(c) && !/\/0\d/.test(c));
const target = fc.oneof(address.filter((a) => !/^::ffff:[\d.]+$/i.test(a) || true), cidr);

const parity = new Parity();

Deno.test("net natives agree with the host on generated networks and addresses", () => {
  fc.assert(
    fc.property(cidr, target, cidr, (a, t, b) => {
      deepEqual(
        parity.native("net.cidr_contains", a, t),
        host("net.cidr_contains", a, t),
        `contains ${a} ${t}`,
      );
      deepEqual(
        parity.native("net.cidr_intersects", a, b),
        host("net.cidr_intersects", a, b),
        `intersects ${a} ${b}`,
      );
    }),
    { numRuns: 3000 },
  );
});

// OPA's answers (Go's net package), checked with ../shared/opa-oracle where the host differs.
const OPA: [string, string, string, unknown][] = [
  ["net.cidr_contains", "::ffff:10.0.0.0/104", "10.1.2.3", { value: true }],
  ["net.cidr_contains", "10.0.0.0/08", "10.1.2.3", { value: true }],
  ["net.cidr_intersects", "::ffff:0:0/96", "1.2.3.0/24", { value: true }],
  ["net.cidr_contains", "10.0.0.0/8", "::ffff:10.1.2.3", { value: true }],
  ["net.cidr_contains", "10.0.0.0/8", "fe80::1%eth0", {
    error: "net.cidr_contains: not a valid textual representation of an IP address or CIDR: fe80::1%eth0",
  }],
  ["net.cidr_overlap", "10.0.0.0/8", "10.1.0.0/16", { value: true }],
];

Deno.test("net natives: OPA's answers where the host differs", () => {
  for (const [name, a, b, want] of OPA) deepEqual(parity.native(name, a, b), want, `${name}(${a}, ${b})`);
  deepEqual(parity.native("net.cidr_contains", "10.0.0.0/8", 1), {
    error: "net.cidr_contains: operand 1 must be string but got number",
  });
  deepEqual(parity.native("net.cidr_intersects", 1, "10.0.0.0/8"), {
    error: "net.cidr_intersects: operand 1 must be string but got number",
  });
});
