/**
 * A human-readable rendering of the IR, for golden tests and `--dump-ir`.
 */
import type { Block, Func, Operand, Plan, Policy, Stmt } from "./ir.ts";

export function printPolicy(p: Policy): string {
  const out: string[] = [];
  out.push("static:");
  p.static.strings.forEach((s, i) => out.push(`  string ${i} ${JSON.stringify(s)}`));
  p.static.builtinFuncs.forEach((b, i) => out.push(`  builtin ${i} ${b.name}/${b.arity}`));
  for (const plan of p.plans) printPlan(plan, out);
  for (const fn of p.funcs) printFunc(fn, out);
  return out.join("\n") + "\n";
}

function printPlan(plan: Plan, out: string[]): void {
  out.push(`plan ${plan.name}`);
  plan.blocks.forEach((b) => printBlock(b, 1, out));
}

function printFunc(fn: Func, out: string[]): void {
  out.push(`func ${fn.name}(${fn.params.map((l) => `l${l}`).join(", ")}) -> l${fn.return}`);
  fn.blocks.forEach((b) => printBlock(b, 1, out));
}

function printBlock(b: Block, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  out.push(`${pad}block`);
  for (const s of b.stmts) printStmt(s, depth + 1, out);
}

function op(o: Operand): string {
  if ("local" in o) return `l${o.local}`;
  if ("bool" in o) return String(o.bool);
  return `s${o.string}`;
}

function printStmt(s: Stmt, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  switch (s.type) {
    case "ScanStmt":
      out.push(`${pad}Scan l${s.source} key=l${s.key} value=l${s.value}`);
      printBlock(s.block, depth + 1, out);
      return;
    case "NotStmt":
      out.push(`${pad}Not`);
      printBlock(s.block, depth + 1, out);
      return;
    case "BlockStmt":
      out.push(`${pad}Blocks`);
      s.blocks.forEach((b) => printBlock(b, depth + 1, out));
      return;
    default: {
      const fields = Object.entries(s)
        .filter(([k, v]) => k !== "type" && k !== "loc" && v !== undefined)
        .map(([k, v]) => `${k}=${render(v)}`);
      out.push(`${pad}${s.type.replace(/Stmt$/, "")} ${fields.join(" ")}`.trimEnd());
    }
  }
}

function render(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(render).join(", ")}]`;
  if (v !== null && typeof v === "object") return op(v as Operand);
  return typeof v === "string" ? v : String(v);
}
