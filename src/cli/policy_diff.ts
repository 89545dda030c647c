/**
 * `deno task policy:diff --bundle CANDIDATE --inputs FILE` — offline replay (issue 13, part 4):
 * each input (an input document per line, or the decision log's events that carry one) is decided
 * by the base policy and by the candidate, both loaded as the gateway loads a bundle (limits,
 * signature-free, compiled when they carry only sources, smoke-tested), and every disagreement is
 * printed with its kinds (diff/compare.ts) and a count per kind. For CI on a pull request: exit 1
 * when any input is decided differently.
 */
import { loadConfig } from "../config/load.ts";
import { HOST_BUILTINS } from "../engine/builtins/index.ts";
import { bundleHeadersFromEnv, bundleSource, loadBundle, PolicyEngine } from "../engine/mod.ts";
import { redactUrl } from "../gateway/observe/redact.ts";
import { cliMain, parseCliArgs, UsageError } from "./cli_args.ts";
import {
  canonical,
  DISAGREEMENT_KINDS,
  type DisagreementKind,
  disagreements,
  type Outcome,
} from "./diff/compare.ts";
import { parseInputs } from "./diff/inputs.ts";

export const USAGE = `usage: deno task policy:diff --bundle CANDIDATE [--base BUNDLE] --inputs FILE [options]

Replays inputs against a base policy and a candidate and prints where they decide differently.

  --bundle PATH|URL     the candidate: a bundle (.tar.gz), a directory of .rego/data files, or an http(s) URL
  --base PATH|URL       the policy to compare with (default: the configured policy.bundle, else
                        build/bundle.tar.gz when it exists, else policies/)
  --inputs FILE         JSON Lines: one input document per line, or decision-log events carrying \`input\`
                        (OPA's decision-log format); "-" reads stdin
  --entrypoint PATH     the entrypoint decided (default: the configured policy.entrypoint, gateway/decision)
  --config FILE         the gateway configuration the defaults come from (default: as the gateway finds it)
  --format FORMAT       text (default) or json
  -h, --help            this text

Kinds of disagreement: ${DISAGREEMENT_KINDS.join(", ")}.
Exit codes: 0 no disagreement, 1 disagreements (or an error), 2 usage error.`;

const DEFAULT_BUNDLE = "build/bundle.tar.gz";
const DEFAULT_POLICY_DIR = "policies";

export interface DiffConfig {
  candidate: string;
  base?: string;
  inputs: string;
  entrypoint?: string;
  config?: string;
  format: "text" | "json";
}

export function parseDiffArgs(args: string[]): DiffConfig {
  const { values, positionals } = parseCliArgs(args, {
    bundle: { type: "string" },
    base: { type: "string" },
    inputs: { type: "string" },
    entrypoint: { type: "string" },
    config: { type: "string" },
    format: { type: "string" },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (values.bundle === undefined) throw new UsageError("--bundle is required (the candidate)");
  if (values.inputs === undefined) throw new UsageError("--inputs is required");
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError("--format must be text or json");
  return {
    candidate: values.bundle,
    base: values.base,
    inputs: values.inputs,
    entrypoint: values.entrypoint,
    config: values.config,
    format,
  };
}

export interface Disagreement {
  line: number;
  kinds: DisagreementKind[];
  /** What identifies the request, when the input is the gateway's: route id, method, path. */
  request?: { route?: unknown; method?: unknown; path?: unknown };
  base: Outcome;
  candidate: Outcome;
}

export interface DiffReport {
  base: string;
  candidate: string;
  entrypoint: string;
  inputs: number;
  /** Decision-log events logged without their input: not replayed. */
  skipped: number;
  disagreeing: number;
  counts: Record<DisagreementKind, number>;
  disagreements: Disagreement[];
}

async function loadEngine(location: string, entrypoint: string): Promise<PolicyEngine> {
  const source = bundleSource(location, { headers: bundleHeadersFromEnv((n) => Deno.env.get(n)) });
  const snapshot = await source.fetch();
  if (snapshot === null) throw new Error(`${source.location}: no bundle`);
  const loaded = await loadBundle(snapshot, {
    entrypoints: [entrypoint],
    builtins: HOST_BUILTINS,
    source: source.location,
  });
  const engine = new PolicyEngine();
  engine.activate(loaded);
  return engine;
}

function decide(engine: PolicyEngine, entrypoint: string, input: unknown): Outcome {
  const r = engine.evaluate(entrypoint, input);
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error.code };
}

function requestOf(input: unknown): Disagreement["request"] {
  if (typeof input !== "object" || input === null) return undefined;
  const i = input as Record<string, any>;
  const request = typeof i.request === "object" && i.request !== null ? i.request : {};
  const route = typeof i.route === "object" && i.route !== null ? i.route.id : undefined;
  if (route === undefined && request.method === undefined && request.path === undefined) return undefined;
  return { route, method: request.method, path: request.path };
}

export async function runDiff(config: DiffConfig, stdin?: () => Promise<string>): Promise<DiffReport> {
  const { config: gateway } = await loadConfig({ path: config.config });
  const entrypoint = config.entrypoint ?? gateway.policy.entrypoint;
  const base = config.base ?? gateway.policy.bundle ??
    (await exists(DEFAULT_BUNDLE) ? DEFAULT_BUNDLE : DEFAULT_POLICY_DIR);
  const text = config.inputs === "-"
    ? await (stdin ?? (() => new Response(Deno.stdin.readable).text()))()
    : await Deno.readTextFile(config.inputs);
  const { inputs, withoutInput } = parseInputs(text);
  const [baseEngine, candidateEngine] = [
    await loadEngine(base, entrypoint),
    await loadEngine(config.candidate, entrypoint),
  ];
  const counts = Object.fromEntries(DISAGREEMENT_KINDS.map((k) => [k, 0])) as Record<
    DisagreementKind,
    number
  >;
  const found: Disagreement[] = [];
  for (const { line, input } of inputs) {
    const a = decide(baseEngine, entrypoint, input);
    const b = decide(candidateEngine, entrypoint, input);
    const kinds = disagreements(a, b);
    if (kinds.length === 0) continue;
    for (const k of kinds) counts[k]++;
    found.push({ line, kinds, request: requestOf(input), base: a, candidate: b });
  }
  return {
    base: redactUrl(base),
    candidate: redactUrl(config.candidate),
    entrypoint,
    inputs: inputs.length,
    skipped: withoutInput,
    disagreeing: found.length,
    counts,
    disagreements: found,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

const shown = (o: Outcome) => o.ok ? canonical(o.value) : `error ${o.error}`;

export function formatText(report: DiffReport): string {
  const out: string[] = [];
  for (const d of report.disagreements) {
    const r = d.request;
    const where = r === undefined
      ? ""
      : " " + [r.route === undefined ? "" : `route ${r.route}`, r.method ?? "", r.path ?? ""].filter((s) =>
        s !== ""
      )
        .join(" ");
    out.push(`line ${d.line}${where}: ${d.kinds.join(", ")}`);
    if (d.kinds.includes("allow") && d.base.ok && d.candidate.ok) {
      const verdict = (v: any) => v?.allow === true ? "allow" : "deny";
      out.push(`  ${verdict(d.base.value)} → ${verdict(d.candidate.value)}`);
    }
    out.push(`  base:      ${shown(d.base)}`, `  candidate: ${shown(d.candidate)}`);
  }
  const kinds = DISAGREEMENT_KINDS.filter((k) => report.counts[k] > 0).map((k) =>
    `${k}: ${report.counts[k]}`
  );
  out.push(
    `${report.disagreeing} of ${report.inputs} inputs decided differently (base ${report.base}, candidate ${report.candidate}, ${report.entrypoint})` +
      (kinds.length > 0 ? `; ${kinds.join(", ")}` : "") +
      (report.skipped > 0 ? `; ${report.skipped} logged decisions without an input skipped` : ""),
  );
  return out.join("\n");
}

if (import.meta.main) {
  Deno.exit(
    await cliMain("policy:diff", USAGE, Deno.args, async (args) => {
      const config = parseDiffArgs(args);
      const report = await runDiff(config);
      console.log(config.format === "json" ? JSON.stringify(report, null, 2) : formatText(report));
      return report.disagreeing > 0 ? 1 : 0;
    }),
  );
}
