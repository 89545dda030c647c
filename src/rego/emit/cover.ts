/**
 * Line coverage for tests (`policy:test --coverage`): an instrumented compile, never the serving
 * one. Before the first statement of each source row in a block, the module calls the host
 * built-in COVER_BUILTIN with "file:row"; the host records the row as covered and answers true
 * (so the call never ends a block). A row is reached when the expression written there is
 * evaluated, or, for a rule head, when the rule produced a value (the statement that stores it
 * carries the head's location), which is what OPA's coverage counts (its tracer's Eval and Exit
 * events). Statements carry locations where the planner gives them one (plan/): a row whose
 * statements have none is never reported covered.
 */
import type { Block, Func, Plan, Policy, Stmt } from "../ir/ir.ts";
import { maxLocal } from "./lower.ts";

/** The host built-in the instrumented module calls; not in the registry: no policy can name it. */
export const COVER_BUILTIN = "internal.test_cover";

/** Adds the coverage calls to `policy` (in place). */
export function instrumentCoverage(policy: Policy): void {
  if (policy.static.builtinFuncs.some((b) => b.name === COVER_BUILTIN)) return;
  policy.static.builtinFuncs.push({ name: COVER_BUILTIN, arity: 1 });
  const strings = new Map<string, number>();
  const str = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) {
      i = policy.static.strings.length;
      policy.static.strings.push(s);
      strings.set(s, i);
    }
    return i;
  };
  const files = policy.static.files;
  const instrument = (blocks: Block[], params: number[]) => {
    const scratch = maxLocal(blocks, params) + 1;
    const visit = (b: Block) => {
      const out: Stmt[] = [];
      let last = "";
      for (const s of b.stmts) {
        if (s.type === "ScanStmt" || s.type === "NotStmt") visit(s.block);
        else if (s.type === "BlockStmt") s.blocks.forEach(visit);
        const loc = s.loc;
        const file = loc === undefined ? undefined : files[loc.file];
        if (loc !== undefined && file) {
          const key = `${file}:${loc.row}`;
          if (key !== last) {
            out.push({
              type: "CallStmt",
              func: COVER_BUILTIN,
              args: [{ string: str(key) }],
              result: scratch,
            });
            last = key;
          }
        }
        out.push(s);
      }
      b.stmts = out;
    };
    blocks.forEach(visit);
  };
  for (const f of policy.funcs as Func[]) instrument(f.blocks, f.params);
  for (const p of policy.plans as Plan[]) instrument(p.blocks, [0, 1]);
}

/** "file:row" as the module reports it → [file, row]. */
export function coverKey(key: string): [string, number] {
  const i = key.lastIndexOf(":");
  return [key.slice(0, i), Number(key.slice(i + 1))];
}
