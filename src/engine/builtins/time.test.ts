import assert from "node:assert/strict";
import { beginEvaluation } from "./index.ts";
import { parseDuration } from "./time.ts";
import { assertFails, call } from "./test_support.ts";

const T = 1703444325734390000; // 2023-12-24T18:58:45.73439Z (a Sunday)
const GO_BIRTHDAY = 1257894000000000000; // 2009-11-10T23:00:00Z

Deno.test("time.now_ns is fixed within an evaluation and renewed by beginEvaluation", () => {
  const realNow = Date.now;
  let clock = 1_700_000_000_000;
  Date.now = () => clock;
  try {
    beginEvaluation();
    assert.equal(call("time.now_ns"), 1_700_000_000_000 * 1e6);
    clock += 5;
    assert.equal(call("time.now_ns"), 1_700_000_000_000 * 1e6);
    beginEvaluation();
    assert.equal(call("time.now_ns"), 1_700_000_000_005 * 1e6);
  } finally {
    Date.now = realNow;
  }
});

Deno.test("time.parse_ns with Go layouts and named layouts", () => {
  assert.equal(call("time.parse_ns", "2006-01-02T15:04:05", "2016-05-10T19:06:42"), 1462907202000000000);
  assert.equal(call("time.parse_ns", "2006-01-02 15:04:05", "2015-09-05 23:56:04"), 1441497364000000000);
  assert.equal(call("time.parse_ns", "2006-01-02", "2020-02-02"), 1580601600000000000);
  assert.equal(call("time.parse_ns", "RFC822Z", "10 Nov 09 23:00 +0000"), GO_BIRTHDAY);
  assert.equal(call("time.parse_ns", "Jan _2 2006 3:04PM", "Nov 10 2009 11:00PM"), GO_BIRTHDAY);
  assert.equal(call("time.parse_ns", "02 Jan 06 15:04 MST", "10 Nov 09 23:00 UTC"), GO_BIRTHDAY);
  assert.equal(
    call("time.parse_ns", "2006-01-02T15:04:05.000Z07:00", "2009-11-10T23:00:00.250Z"),
    GO_BIRTHDAY + 250e6,
  );
  assertFails(
    "time.parse_ns",
    ["2006-01-02", "2020-13-01"],
    'time.parse_ns: parsing time "2020-13-01": month out of range',
  );
  assertFails(
    "time.parse_ns",
    ["2006-01-02", "2021-02-29"],
    'time.parse_ns: parsing time "2021-02-29": day out of range',
  );
  assertFails(
    "time.parse_ns",
    ["2006-01-02", "20-01-01"],
    'time.parse_ns: parsing time "20-01-01" as "2006-01-02": cannot parse "20-01-01" as "2006"',
  );
  assertFails(
    "time.parse_ns",
    ["2006-01-02", "2020-01-01x"],
    'time.parse_ns: parsing time "2020-01-01x": extra text: "x"',
  );
  assertFails("time.parse_ns", ["2006", 1], "time.parse_ns: operand 2 must be string but got number");
});

Deno.test("time.parse_rfc3339_ns accepts fractions and offsets", () => {
  assert.equal(call("time.parse_rfc3339_ns", "1985-04-12T23:20:50.52Z"), 482196050520000000);
  assert.equal(call("time.parse_rfc3339_ns", "1996-12-19T16:39:57-08:00"), 851042397000000000);
  assertFails("time.parse_rfc3339_ns", ["1996-12-19"], /cannot parse "" as "T"/);
});

Deno.test("time.parse_duration_ns follows Go's ParseDuration", () => {
  assert.equal(call("time.parse_duration_ns", "1h"), 3600e9);
  assert.equal(call("time.parse_duration_ns", "1h6m13.3s20ms15µs1ns"), 3973320015001);
  assert.equal(call("time.parse_duration_ns", "1.2h20.2ms15µs56ns"), 4320020215056);
  assert.equal(call("time.parse_duration_ns", "15.000001ms"), 15000001);
  assert.equal(call("time.parse_duration_ns", "-1.5h"), -5400e9);
  assert.equal(call("time.parse_duration_ns", "0"), 0);
  assert.equal(call("time.parse_duration_ns", "1us"), 1000);
  assertFails(
    "time.parse_duration_ns",
    ["1d"],
    'time.parse_duration_ns: time: unknown unit "d" in duration "1d"',
  );
  assertFails(
    "time.parse_duration_ns",
    ["10"],
    'time.parse_duration_ns: time: missing unit in duration "10"',
  );
  assertFails("time.parse_duration_ns", [""], 'time.parse_duration_ns: time: invalid duration ""');
  assert.equal(typeof parseDuration("9999999999h"), "string"); // overflows int64
});

Deno.test("time.format: RFC3339Nano by default, zones and layouts", () => {
  assert.equal(call("time.format", T), "2023-12-24T18:58:45.73439Z");
  assert.equal(call("time.format", GO_BIRTHDAY), "2009-11-10T23:00:00Z");
  assert.equal(call("time.format", [T, "UTC", "2006-01-02T15:04:05"]), "2023-12-24T18:58:45");
  assert.equal(call("time.format", [GO_BIRTHDAY, "", "02/01/2006 15:04"]), "10/11/2009 23:00");
  assert.equal(call("time.format", [GO_BIRTHDAY, "Europe/Paris", "RFC3339"]), "2009-11-11T00:00:00+01:00");
  assert.equal(
    call("time.format", [GO_BIRTHDAY, "America/New_York", "Mon Jan _2 3:04PM MST 2006 -07:00"]),
    "Tue Nov 10 6:00PM EST 2009 -05:00",
  );
  assert.equal(
    call("time.format", [T, "UTC", "Monday January 2 .000 ,999 __2 002 pm"]),
    "Sunday December 24 .734 ,734 358 358 pm",
  );
  assertFails("time.format", [[T, "UTC", 42]], "time.format: operand 1 must be string but got number");
  assertFails("time.format", [[T, "Mars/Base"]], "time.format: unknown time zone Mars/Base");
  assertFails(
    "time.format",
    ["x"],
    "time.format: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string",
  );
});

Deno.test("format and parse round-trip a nanosecond timestamp", () => {
  const layout = "2006-01-02T15:04:05.999999999";
  const text = call("time.format", [T, "UTC", layout]) as string;
  assert.equal(text, "2023-12-24T18:58:45.73439");
  assert.equal(call("time.parse_ns", layout, text), T);
});

Deno.test("time.date, time.clock, time.weekday", () => {
  assert.deepEqual(call("time.date", T), [2023, 12, 24]);
  assert.deepEqual(call("time.date", [GO_BIRTHDAY, "UTC"]), [2009, 11, 10]);
  assert.deepEqual(call("time.clock", T), [18, 58, 45]);
  assert.deepEqual(call("time.clock", [T, "CET"]), [19, 58, 45]);
  assert.equal(call("time.weekday", T), "Sunday");
  assert.equal(call("time.weekday", [GO_BIRTHDAY, ""]), "Tuesday");
  assert.deepEqual(call("time.date", -1), [1969, 12, 31]);
  assert.ok(Array.isArray(call("time.clock", [T, "Local"])));
});

Deno.test("time.add_date normalises like Go's AddDate", () => {
  assert.equal(call("time.add_date", T, 0, 0, 0), T);
  assert.equal(call("time.add_date", T, 1, 0, 0), 1735066725734390000);
  assert.equal(call("time.add_date", T, -60, 0, 0), -190011674265610000);
  assert.equal(call("time.add_date", T, 0, 15, 0), 1742842725734390000);
  assert.equal(call("time.add_date", T, 0, 0, -37), 1700247525734390000);
  assert.equal(call("time.add_date", T, 10, 14, 75), 2062436325734390000);
  // 2024-01-31 + 1 month = 2024-03-02 (February has 29 days).
  const jan31 = call("time.parse_ns", "2006-01-02", "2024-01-31") as number;
  assert.deepEqual(call("time.date", call("time.add_date", jan31, 0, 1, 0)), [2024, 3, 2]);
  assertFails("time.add_date", [T, 2147483647, 0, 0], "time.add_date: time outside of valid range");
  assertFails(
    "time.add_date",
    [T, 1.5, 0, 0],
    "time.add_date: operand 2 must be integer number but got floating-point number",
  );
});

Deno.test("time.diff", () => {
  assert.deepEqual(call("time.diff", T, GO_BIRTHDAY), [14, 1, 13, 19, 58, 45]);
  assert.deepEqual(call("time.diff", GO_BIRTHDAY, T), [14, 1, 13, 19, 58, 45]);
  const a = call("time.parse_ns", "2006-01-02", "2020-02-02"),
    b = call("time.parse_ns", "2006-01-02", "2020-03-01");
  assert.deepEqual(call("time.diff", a, b), [0, 0, 28, 0, 0, 0]);
});
