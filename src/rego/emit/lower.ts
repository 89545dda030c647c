/**
 * IR statements → Wasm expressions, for one func or plan.
 *
 * Every IR block is a Wasm `block`; a statement that is undefined branches to the end of its
 * innermost block. A ScanStmt is a loop over `rt_iter`; a NotStmt's block ends with a branch out of
 * the enclosing block, taken only when the inner block ran to its end. What the lowering needs of
 * the module (runtime calls, static strings, callees) comes through LoweringHost.
 */
import binaryen from "binaryen";
import type { Block, Operand, Stmt } from "../ir/ir.ts";
import type { RuntimeFunctionName } from "./runtime_abi.ts";

const i32 = binaryen.i32;
const TAG = { array: 5, object: 6, set: 7 } as const;

/** What the module emitter provides to the lowering of one function. */
export interface LoweringHost {
  module(): binaryen.Module;
  rtCall(name: RuntimeFunctionName, args: number[]): number;
  stringValue(idx: number): number;
  numberRef(idx: number): number;
  abort(message: string): number;
  fileName(index: number): string;
  callFunction(name: string, args: number[]): number;
}

export class FunctionLowering {
  private labels: string[] = [];
  private nextLabel = 0;
  /** Set for a memoised func: its slot, and the local saying it runs on the evaluation's own input and data. */
  memo: { slot: number; own: number } | null = null;
  private locals: number;
  resultSet = -1;

  constructor(private e: LoweringHost, numLocals: number, private numParams: number) {
    this.locals = numLocals;
  }

  temp(): number {
    return this.locals++;
  }

  varTypes(): number[] {
    return new Array(this.locals - this.numParams).fill(i32);
  }

  /** An IR block; with `failTo`, completing it branches there (a NotStmt's block). */
  block(b: Block, failTo?: string): number {
    const m = this.e.module();
    const label = `L${this.nextLabel++}`;
    this.labels.push(label);
    const stmts = b.stmts.map((s) => this.stmt(s));
    this.labels.pop();
    if (failTo !== undefined) stmts.push(m.br(failTo));
    return m.block(label, stmts.length ? stmts : [m.nop()]);
  }

  private get current(): string {
    return this.labels[this.labels.length - 1];
  }

  private undefinedIf(cond: number): number {
    return this.e.module().br(this.current, cond);
  }

  private get(l: number): number {
    return this.e.module().local.get(l, i32);
  }

  private operand(o: Operand): number {
    const m = this.e.module();
    if ("local" in o) return this.get(o.local);
    if ("bool" in o) return this.e.rtCall("rt_boolean", [m.i32.const(o.bool ? 1 : 0)]);
    return this.e.stringValue(o.string);
  }

  private setChecked(target: number, value: number): number {
    const m = this.e.module();
    return m.block(null, [m.local.set(target, value), this.undefinedIf(m.i32.eqz(this.get(target)))]);
  }

  private stmt(s: Stmt): number {
    const m = this.e.module();
    const e = this.e;
    switch (s.type) {
      case "CallStmt":
        return this.setChecked(s.result, e.callFunction(s.func, s.args.map((a) => this.operand(a))));
      case "DotStmt":
        return this.setChecked(s.target, e.rtCall("rt_get", [this.operand(s.source), this.operand(s.key)]));
      case "LenStmt":
        return m.local.set(
          s.target,
          e.rtCall("rt_number_int", [m.i64.extend_u(e.rtCall("rt_length", [this.operand(s.source)]))]),
        );
      case "ScanStmt":
        return this.scan(s.source, s.key, s.value, s.block);
      case "NotStmt":
        // Undefined inside jumps past the trailing branch: the NotStmt holds. Completing the
        // block reaches the branch out of the enclosing block: the NotStmt is undefined.
        return this.block(s.block, this.current);
      case "BlockStmt":
        return m.block(null, s.blocks.map((b) => this.block(b)));
      case "BreakStmt":
        return m.br(this.labels[this.labels.length - 1 - s.index]);
      case "AssignVarStmt":
        return m.local.set(s.target, this.operand(s.source));
      case "AssignVarOnceStmt": {
        const tmp = this.temp();
        return m.block(null, [
          m.local.set(tmp, this.operand(s.source)),
          m.if(
            m.i32.eqz(this.get(s.target)),
            m.local.set(s.target, this.get(tmp)),
            m.if(
              m.i32.eqz(e.rtCall("rt_equal", [this.get(s.target), this.get(tmp)])),
              e.abort(this.message(s.message ?? "var assignment conflict", s.loc)),
            ),
          ),
        ]);
      }
      case "ResetLocalStmt":
        return m.local.set(s.target, m.i32.const(0));
      case "MakeNullStmt":
        return m.local.set(s.target, e.rtCall("rt_null", []));
      case "MakeNumberIntStmt":
        return m.local.set(s.target, e.rtCall("rt_number_int", [m.i64.const(BigInt(s.value))]));
      case "MakeNumberRefStmt":
        return m.local.set(s.target, e.numberRef(s.index));
      case "MakeArrayStmt":
        return m.local.set(s.target, e.rtCall("rt_array", [m.i32.const(s.capacity)]));
      case "MakeObjectStmt":
        return m.local.set(s.target, e.rtCall("rt_object", []));
      case "MakeSetStmt":
        return m.local.set(s.target, e.rtCall("rt_set", []));
      case "ArrayAppendStmt":
        return e.rtCall("rt_array_append", [this.get(s.array), this.operand(s.value)]);
      case "ObjectInsertStmt":
        return e.rtCall("rt_object_insert", [this.get(s.object), this.operand(s.key), this.operand(s.value)]);
      case "ObjectInsertOnceStmt":
        return m.if(
          m.i32.eqz(
            e.rtCall("rt_object_insert_once", [
              this.get(s.object),
              this.operand(s.key),
              this.operand(s.value),
            ]),
          ),
          e.abort(this.message("object insert conflict", s.loc)),
        );
      case "ObjectMergeStmt":
        return this.setChecked(s.target, e.rtCall("rt_object_merge", [this.get(s.a), this.get(s.b)]));
      case "SetAddStmt":
        return e.rtCall("rt_set_add", [this.get(s.set), this.operand(s.value)]);
      case "EqualStmt":
        return this.undefinedIf(m.i32.eqz(e.rtCall("rt_equal", [this.operand(s.a), this.operand(s.b)])));
      case "NotEqualStmt":
        if ("bool" in s.b && s.b.bool === false) {
          return this.undefinedIf(e.rtCall("rt_is_false", [this.operand(s.a)]));
        }
        return this.undefinedIf(e.rtCall("rt_equal", [this.operand(s.a), this.operand(s.b)]));
      case "IsArrayStmt":
        return this.typeIs(s.source, TAG.array);
      case "IsObjectStmt":
        return this.typeIs(s.source, TAG.object);
      case "IsSetStmt":
        return this.typeIs(s.source, TAG.set);
      case "IsDefinedStmt":
        return this.undefinedIf(m.i32.eqz(this.get(s.source)));
      case "IsUndefinedStmt":
        return this.undefinedIf(m.i32.ne(this.get(s.source), m.i32.const(0)));
      case "ResultSetAddStmt":
        if (this.resultSet < 0) throw new Error("internal error: ResultSetAddStmt outside a plan");
        return e.rtCall("rt_set_add", [this.get(this.resultSet), this.get(s.value)]);
      case "ReturnLocalStmt":
        if (this.memo) {
          const { slot, own } = this.memo;
          return m.block(null, [
            m.if(
              m.local.get(own, i32),
              m.block(null, [
                m.global.set(`$memo_val_${slot}`, this.get(s.source)),
                m.global.set(`$memo_set_${slot}`, m.i32.const(1)),
              ]),
            ),
            m.return(this.get(s.source)),
          ]);
        }
        return m.return(this.get(s.source));
      case "NopStmt":
        return m.nop();
    }
  }

  private typeIs(source: Operand, tag: number): number {
    const m = this.e.module();
    return this.undefinedIf(m.i32.ne(this.e.rtCall("rt_type", [this.operand(source)]), m.i32.const(tag)));
  }

  private message(text: string, loc: Stmt["loc"]): string {
    return loc ? `${this.e.fileName(loc.file)}:${loc.row}:${loc.col}: ${text}` : text;
  }

  private scan(source: number, key: number, value: number, body: Block): number {
    const m = this.e.module();
    const done = `S${this.nextLabel++}`;
    const loop = `S${this.nextLabel++}`;
    return m.block(done, [
      m.local.set(key, m.i32.const(0)),
      m.loop(
        loop,
        m.block(null, [
          m.local.set(key, this.e.rtCall("rt_iter", [this.get(source), this.get(key)])),
          m.br(done, m.i32.eqz(this.get(key))),
          m.local.set(value, this.e.rtCall("rt_get", [this.get(source), this.get(key)])),
          this.block(body),
          m.br(loop),
        ]),
      ),
    ]);
  }
}

export function maxLocal(blocks: Block[], params: number[]): number {
  let max = params.length ? Math.max(...params) : -1;
  const visitOperand = (o: Operand) => {
    if ("local" in o) max = Math.max(max, o.local);
  };
  const visit = (b: Block) => {
    for (const s of b.stmts) {
      for (const [k, v] of Object.entries(s)) {
        if (k === "block") visit(v as Block);
        else if (k === "blocks") (v as Block[]).forEach(visit);
        else if (k === "args") (v as Operand[]).forEach(visitOperand);
        // MakeNumberInt's `value` is the number itself; its `target` is a local like any other (a
        // dead one can be the highest: `f(0) with f as 2` makes the 0 and never reads it).
        else if (
          typeof v === "number" && LOCAL_FIELDS.has(k) && !(k === "value" && s.type === "MakeNumberIntStmt")
        ) {
          max = Math.max(max, v);
        } else if (v && typeof v === "object" && !Array.isArray(v) && k !== "loc") visitOperand(v as Operand);
      }
    }
  };
  blocks.forEach(visit);
  return max;
}

const LOCAL_FIELDS = new Set([
  "result",
  "target",
  "source",
  "key",
  "value",
  "array",
  "object",
  "set",
  "a",
  "b",
]);
