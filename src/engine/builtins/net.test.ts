import assert from "node:assert/strict";
import { formatIp, parseIp } from "./net.ts";
import { assertFails, call } from "./test_support.ts";

Deno.test("net.cidr_contains with IPs and CIDRs (v4 and v6)", () => {
  assert.equal(call("net.cidr_contains", "127.0.0.0/24", "127.0.0.1"), true);
  assert.equal(call("net.cidr_contains", "127.0.0.0/24", "127.0.1.1"), false);
  assert.equal(call("net.cidr_contains", "127.0.0.0/24", "127.0.0.0/25"), true);
  assert.equal(call("net.cidr_contains", "127.0.0.0/25", "127.0.0.0/24"), false);
  assert.equal(call("net.cidr_contains", "2001:4860:4860::8888/32", "2001:4860:4860:1234::8888"), true);
  assert.equal(call("net.cidr_contains", "2001:4860::/32", "2001:4861::1"), false);
  assert.equal(call("net.cidr_contains", "10.0.0.0/8", "::ffff:10.1.2.3"), true); // v4-mapped
  assert.equal(call("net.cidr_contains", "10.0.0.0/8", "::1"), false);
  assert.equal(call("net.cidr_contains", "0.0.0.0/0", "8.8.8.8"), true);
  assertFails(
    "net.cidr_contains",
    ["10.0.0.0", "10.0.0.1"],
    "net.cidr_contains: invalid CIDR address: 10.0.0.0",
  );
  assertFails(
    "net.cidr_contains",
    ["10.0.0.0/8", "nope"],
    "net.cidr_contains: not a valid textual representation of an IP address or CIDR: nope",
  );
});

Deno.test("net.cidr_intersects and net.cidr_is_valid", () => {
  assert.equal(call("net.cidr_intersects", "192.168.0.0/16", "192.168.1.0/24"), true);
  assert.equal(call("net.cidr_intersects", "192.168.0.0/24", "192.168.1.0/24"), false);
  assert.equal(
    call("net.cidr_intersects", "fd1e:5bfe:8af3:9ddc::/64", "fd1e:5bfe:8af3:9ddc:1111::/72"),
    true,
  );
  assert.equal(call("net.cidr_is_valid", "192.168.1.0/24"), true);
  assert.equal(call("net.cidr_is_valid", "192.168.1.0/33"), false);
  assert.equal(call("net.cidr_is_valid", "192.168.01.0/24"), false); // Go rejects leading zeros
  assert.equal(call("net.cidr_is_valid", "::/0"), true);
  assert.equal(call("net.cidr_is_valid", "192.168.1.0"), false);
  assert.equal(call("net.cidr_is_valid", 5), false);
});

Deno.test("net.cidr_expand", () => {
  assert.deepEqual(call("net.cidr_expand", "192.168.0.0/30"), [
    "192.168.0.0",
    "192.168.0.1",
    "192.168.0.2",
    "192.168.0.3",
  ]);
  assert.deepEqual(call("net.cidr_expand", "192.168.0.5/32"), ["192.168.0.5"]);
  assert.deepEqual(call("net.cidr_expand", "2001:db8::/127"), ["2001:db8::", "2001:db8::1"]);
  assertFails("net.cidr_expand", ["10.0.0.0/8"], /has more than 65536 addresses/);
});

Deno.test("net.cidr_merge", () => {
  assert.deepEqual(call("net.cidr_merge", ["192.0.128.0/24", "192.0.129.0/24"]), ["192.0.128.0/23"]);
  assert.deepEqual(call("net.cidr_merge", ["192.0.128.0/24", "192.0.130.0/24"]), [
    "192.0.128.0/24",
    "192.0.130.0/24",
  ]);
  assert.deepEqual(call("net.cidr_merge", ["10.0.0.0/8", "10.1.0.0/16", "10.0.0.1"]), ["10.0.0.0/8"]);
  // A bare IPv4 address gets its classful mask and keeps its host bits (OPA's generateIPNet).
  assert.deepEqual(call("net.cidr_merge", ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"]), ["10.0.0.0/8"]);
  assert.deepEqual(call("net.cidr_merge", ["2001:db8::/33", "2001:db8:8000::/33", "1.2.3.4"]), [
    "1.2.3.4/8",
    "2001:db8::/32",
  ]);
  assert.deepEqual(
    call("net.cidr_merge", ["192.168.1.0/24", "192.168.0.0/24", "10.0.0.1", "::ffff:1.2.3.4"]),
    [
      "1.2.3.4/8",
      "10.0.0.1/8",
      "192.168.0.0/23",
    ],
  );
  assert.deepEqual(call("net.cidr_merge", ["192.168.1.1", "172.16.0.1"]), [
    "172.16.0.1/16",
    "192.168.1.1/24",
  ]);
  assert.deepEqual(call("net.cidr_merge", ["0.0.0.0/16", "0.0.0.0/8"]), ["0.0.0.0/8"]);
  assertFails("net.cidr_merge", [["2001:db8::1"]], "net.cidr_merge: IPv6 invalid: needs prefix length");
  // 192.0.129.0/24 and 192.0.130.0/24 are adjacent but not siblings.
  assert.deepEqual(call("net.cidr_merge", ["192.0.129.0/24", "192.0.130.0/24"]), [
    "192.0.129.0/24",
    "192.0.130.0/24",
  ]);
  assertFails("net.cidr_merge", [["nope"]], "net.cidr_merge: invalid CIDR address: nope");
});

Deno.test("net.cidr_contains_matches keys matches by collection kind", () => {
  assert.deepEqual(call("net.cidr_contains_matches", "1.1.1.0/24", "1.1.1.128"), [[
    "1.1.1.0/24",
    "1.1.1.128",
  ]]);
  assert.deepEqual(
    call("net.cidr_contains_matches", ["1.1.1.0/24", "1.1.2.0/24"], "1.1.1.128"),
    [[0, "1.1.1.128"]],
  );
  assert.deepEqual(
    call("net.cidr_contains_matches", [["1.1.0.0/16", "foo"], "1.1.2.0/24"], {
      x: "1.1.1.128",
      y: ["1.1.254.254", "bar"],
    }),
    [[0, "x"], [0, "y"]],
  );
  assertFails(
    "net.cidr_contains_matches",
    [["1.1.1.0"], "1.1.1.1"],
    "net.cidr_contains_matches: invalid CIDR address: 1.1.1.0",
  );
});

Deno.test("IP text forms follow Go", () => {
  assert.equal(formatIp(parseIp("2001:0db8:0000:0000:0000:0000:0000:0001")!), "2001:db8::1");
  assert.equal(formatIp(parseIp("1:0:0:1:0:0:0:1")!), "1:0:0:1::1");
  assert.equal(formatIp(parseIp("::")!), "::");
  assert.equal(formatIp(parseIp("1.2.3.4")!), "1.2.3.4");
  assert.equal(parseIp("1.2.3"), undefined);
  assert.equal(parseIp("1::2::3"), undefined);
  assert.equal(parseIp("fe80::1%eth0"), undefined);
});

Deno.test("net.cidr_overlap (Rego v0) is net.cidr_contains", () => {
  assert.equal(call("net.cidr_overlap", "10.0.0.0/8", "10.1.2.3"), true);
  assert.equal(call("net.cidr_overlap", "10.0.0.0/8", "11.0.0.0/16"), false);
});
