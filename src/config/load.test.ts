import assert from "node:assert/strict";
import { ConfigError } from "./errors.ts";
import { loadConfig, parseConfig } from "./load.ts";

Deno.test("no file: the embedded defaults", async () => {
  const { config, file } = await loadConfig({ env: () => undefined, path: "" });
  assert.equal(file, null);
  assert.equal(config.server.port, 8080);
  assert.equal(config.policy.entrypoint, "gateway/decision");
  assert.deepEqual(config.routes, []);
  assert.equal(config.jwt.alg, "EdDSA");
});

Deno.test("a YAML file is read and validated", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/gw.yaml`;
    await Deno.writeTextFile(
      path,
      "server:\n  port: 9000\nroutes:\n  - id: orders\n    prefix: /orders\n    upstream: http://127.0.0.1:7000\n",
    );
    const { config, file } = await loadConfig({ path });
    assert.equal(file, path);
    assert.equal(config.server.port, 9000);
    assert.equal(config.routes[0].upstream, "http://127.0.0.1:7000");
    const viaEnv = await loadConfig({ env: (n) => (n === "GATEWAY_CONFIG" ? path : undefined) });
    assert.equal(viaEnv.config.server.port, 9000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every problem is reported with its path", () => {
  try {
    parseConfig({
      server: { port: "80" },
      routes: [{ id: "a", prefix: "x", upstream: "ftp://h" }, { id: "a", prefix: "/", upstream: "http://h" }],
      input: { headers: ["X-API-Key"] },
      typo: true,
    }, "gw.yaml");
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.message;
    for (
      const expected of [
        "gw.yaml",
        "server.port:",
        "routes.0.prefix:",
        "routes.0.upstream:",
        "routes: route ids must be unique",
        "input.headers.0: credentials never go into the policy input",
        'unknown field "typo"',
      ]
    ) assert.ok(text.includes(expected), `${expected} in ${text}`);
  }
});

Deno.test("unreadable or unparsable files are ConfigErrors", async () => {
  await assert.rejects(loadConfig({ path: "/nonexistent/gw.yaml" }), ConfigError);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, "{ nope");
    await assert.rejects(loadConfig({ path: `${dir}/bad.json` }), /not valid JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("edge options: defaults, and what is refused", () => {
  const d = parseConfig({});
  assert.equal(d.server.trustRequestId, false);
  assert.equal(d.server.admin, undefined);
  assert.deepEqual(d.upstream.stripQueryParams, []);
  const c = parseConfig({
    server: { port: 8080, trustRequestId: true, admin: { port: 9090 } },
    upstream: { stripQueryParams: ["Sig"] },
  });
  assert.deepEqual(c.server.admin, { hostname: "127.0.0.1", port: 9090 });
  assert.deepEqual(c.upstream.stripQueryParams, ["sig"]);
  const problems = (doc: unknown) => {
    try {
      parseConfig(doc, "gw.yaml");
      return "";
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
  };
  assert.match(
    problems({ server: { port: 8080, admin: { port: 8080 } } }),
    /server\.admin\.port: must differ/,
  );
  for (const header of ["X-Forwarded-For", "x-forwarded-prefix", "x-real-ip", "forwarded", "host"]) {
    assert.match(
      problems({ input: { headers: [header] } }),
      /input\.headers\.0: a caller sets this field/,
      header,
    );
  }
});

Deno.test("config: a misspelt field names the one meant; a missing one says required", () => {
  assert.throws(
    () => parseConfig({ routes: [{ id: "a", prefix: "/a", upstrem: "http://x" }], servr: {} }),
    (e: Error) => {
      assert.match(e.message, /routes\.0: unknown field "upstrem" \(did you mean "upstream"\?\)/);
      assert.match(e.message, /routes\.0\.upstream: required/);
      assert.match(e.message, /\(root\): unknown field "servr" \(did you mean "server"\?\)/);
      return true;
    },
  );
  assert.throws(() => parseConfig({ zzzzzz: 1 }), /unknown field "zzzzzz"$/m);
  assert.throws(
    () => parseConfig({ routes: [{ id: "a", prefix: "/a", upstream: "ftp://x" }] }),
    /routes\.0\.upstream: an http/,
  );
});

Deno.test("decisionLog / status / labels: OPA's formats, refused where they could leak or mislead", () => {
  const ok = parseConfig({
    decisionLog: { format: "opa", upload: { url: "https://logs.example.com" } },
    status: { url: "https://status.example.com" },
    labels: { app: "shop" },
  });
  assert.equal(ok.decisionLog.upload?.resource, "/logs");
  assert.equal(ok.decisionLog.upload?.bufferSizeLimitEvents, 10_000);
  assert.equal(ok.status?.resource, "/status");
  assert.equal(ok.bundleName, "gateway");
  assert.equal(parseConfig({}).decisionLog.format, "gateway");
  const problems = (doc: unknown) => {
    try {
      parseConfig(doc, "gw.yaml");
      return "";
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
  };
  assert.match(
    problems({ decisionLog: { upload: { url: "https://l.example" } } }),
    /decisionLog.format: .*opa/,
  );
  assert.match(
    problems({ decisionLog: { format: "opa", upload: { url: "https://u:p@l.example" } } }),
    /GATEWAY_DECISION_LOG_TOKEN/,
  );
  assert.match(problems({ status: { url: "https://u:p@s.example" } }), /GATEWAY_STATUS_TOKEN/);
  assert.match(problems({ labels: { id: "x" } }), /labels: id and version are set by the gateway/);
  assert.match(problems({ decisionLog: { format: "json" } }), /decisionLog.format/);
});
