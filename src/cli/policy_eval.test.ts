import assert from "node:assert/strict";
import { UsageError } from "./cli_args.ts";
import { type EvalConfig, evaluateQuery, main, parseEvalArgs, render } from "./policy_eval.ts";

function config(query: string, over: Partial<EvalConfig> = {}): EvalConfig {
  return {
    query,
    paths: [],
    format: "json",
    fail: false,
    failDefined: false,
    strict: false,
    regoVersion: 1,
    ...over,
  };
}

async function withDir(files: Record<string, string>, fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(`${dir}/${name}`.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("policy:eval args: opa eval's flags, usage errors", () => {
  const c = parseEvalArgs([
    "-d",
    "a",
    "--data",
    "b.json",
    "-b",
    "c.tar.gz",
    "-i",
    "in.json",
    "-f",
    "values",
    "--fail",
    "q",
  ]);
  assert.deepEqual(c.paths, ["a", "b.json", "c.tar.gz"]);
  assert.deepEqual(c.input, { file: "in.json" });
  assert.equal(c.format, "values");
  assert.equal(c.fail, true);
  assert.equal(c.query, "q");
  assert.throws(() => parseEvalArgs([]), UsageError);
  assert.throws(() => parseEvalArgs(["q", "--format", "xml"]), UsageError);
  assert.throws(() => parseEvalArgs(["q", "--fail", "--fail-defined"]), UsageError);
  assert.throws(() => parseEvalArgs(["q", "--unknown"]), UsageError);
});

Deno.test("policy:eval: opa eval's result shape, expression values and bindings", async () => {
  await withDir({
    "p.rego": 'package p\n\nallow if input.user == "alice"\nnums := [1, 2, 3]\n',
    "sub/data.json": '{"limit": 7}',
    "in.json": '{"user": "alice"}',
  }, async (dir) => {
    const paths = [`${dir}/p.rego`, `${dir}/sub`];
    const out = await evaluateQuery(config("data.p.allow", { paths, input: { file: `${dir}/in.json` } }));
    assert.deepEqual(out, {
      result: [{ expressions: [{ value: true, text: "data.p.allow", location: { row: 1, col: 1 } }] }],
    });
    assert.deepEqual(await evaluateQuery(config("data.p.allow", { paths })), {}, "undefined: {}");
    const many = await evaluateQuery(config("x := data.p.nums[i]; x > 1; data.limit", { paths }));
    assert.deepEqual(many.result!.map((r) => r.bindings), [{ x: 2, i: 1 }, { x: 3, i: 2 }]);
    assert.deepEqual(many.result![0].expressions.map((e) => [e.value, e.text, e.location.col]), [
      [true, "x := data.p.nums[i]", 1],
      [true, "x > 1", 22],
      [7, "data.limit", 29],
    ]);
    // A term is its value, even false; a call must not be false.
    assert.equal((await evaluateQuery(config("false"))).result![0].expressions[0].value, false);
    assert.deepEqual(await evaluateQuery(config("1 > 2")), {});
    assert.equal((await evaluateQuery(config("count([1, 2])"))).result![0].expressions[0].value, 2);
    assert.equal(render(many, "values"), JSON.stringify([[true, true, 7], [true, true, 7]], null, 2));
    assert.equal(
      render(await evaluateQuery(config("data.p.nums", { paths })), "pretty"),
      "[\n  1,\n  2,\n  3\n]",
    );
    const bad = await evaluateQuery(config("x :="));
    assert.equal(bad.errors![0].code, "rego_parse_error");
  });
});

Deno.test("policy:eval exits: --fail on undefined, --fail-defined on defined, 2 on usage, 0 on --help", async () => {
  assert.equal(await main(["--help"]), 0);
  assert.equal(await main(["--nope", "q"]), 2);
  assert.equal(await main(["--fail", "1 > 2"]), 1);
  assert.equal(await main(["--fail", "1 < 2"]), 0);
  assert.equal(await main(["--fail-defined", "1 < 2"]), 1);
  assert.equal(await main(["--fail-defined", "1 > 2"]), 0);
});
