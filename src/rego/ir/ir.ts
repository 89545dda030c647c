/**
 * The intermediate representation between the planner and the Wasm emitter.
 *
 * It follows the IR that OPA documents for third-party compilers (docs "IR", package v1/ir): a
 * policy is static strings, plans (one per entrypoint) and funcs (one per rule set or function);
 * code is nested blocks of statements over numbered locals holding value pointers.
 *
 * The one rule that gives Rego its semantics: a statement whose result is undefined (a missing
 * key, a failed comparison, a built-in returning undefined) BREAKS OUT OF THE BLOCK that contains
 * it; execution continues after that block. Iteration is a ScanStmt whose body block runs once per
 * element. Everything is plain, JSON-serialisable data; print.ts renders it for golden tests.
 */

/** A local variable: an index into the function's locals. Holds a value pointer or "undefined". */
export type Local = number;

/** Locals 0 and 1 hold `input` and `data` in every plan and func. */
export const INPUT: Local = 0;
export const DATA: Local = 1;

/** An operand: a local, a boolean constant, or a static string (index into `static.strings`). */
export type Operand = { local: Local } | { bool: boolean } | { string: number };

export interface Location {
  file: number;
  row: number;
  col: number;
}

export interface Policy {
  static: {
    strings: string[];
    files: string[];
    /** Built-ins dispatched to the host through opa_builtinN, in id order. */
    builtinFuncs: { name: string; arity: number }[];
  };
  plans: Plan[];
  funcs: Func[];
}

/** An entrypoint: its blocks add results to the result set. Locals 0/1 are input/data. */
export interface Plan {
  name: string;
  blocks: Block[];
}

/** A rule set or function. Params start with input and data; then the function's arguments. */
export interface Func {
  name: string;
  /** The document path it computes, e.g. ["data", "pkg", "p"]. */
  path: string[];
  params: Local[];
  /** The local returned; undefined when it holds no value. */
  return: Local;
  blocks: Block[];
  /**
   * The result depends on input and data only: it may be computed once per evaluation and reused
   * while the func is called with the evaluation's own input and data (not under `with`).
   */
  memo?: boolean;
}

export interface Block {
  stmts: Stmt[];
}

interface StmtBase {
  loc?: Location;
}

/** result = func(args…). `func` is a Func name, a native built-in, or a host built-in. */
export interface CallStmt extends StmtBase {
  type: "CallStmt";
  func: string;
  args: Operand[];
  result: Local;
}
/** target = source[key]; undefined if missing. */
export interface DotStmt extends StmtBase {
  type: "DotStmt";
  source: Operand;
  key: Operand;
  target: Local;
}
export interface LenStmt extends StmtBase {
  type: "LenStmt";
  source: Operand;
  target: Local;
}
/** For each key/value of source (array, object or set), run block. Undefined if not a collection. */
export interface ScanStmt extends StmtBase {
  type: "ScanStmt";
  source: Local;
  key: Local;
  value: Local;
  block: Block;
}
/** Succeeds when block is undefined (breaks out); is undefined when block completes. */
export interface NotStmt extends StmtBase {
  type: "NotStmt";
  block: Block;
}
/** Runs each block in turn; an undefined statement in one ends that block only. */
export interface BlockStmt extends StmtBase {
  type: "BlockStmt";
  blocks: Block[];
}
/** Leaves `index + 1` enclosing blocks (0: the current one). */
export interface BreakStmt extends StmtBase {
  type: "BreakStmt";
  index: number;
}
export interface AssignVarStmt extends StmtBase {
  type: "AssignVarStmt";
  source: Operand;
  target: Local;
}
/** Assigns if target is undefined; aborts with "var assignment conflict" on a different value. */
export interface AssignVarOnceStmt extends StmtBase {
  type: "AssignVarOnceStmt";
  source: Operand;
  target: Local;
  /** The abort message, e.g. "functions must not produce multiple outputs for same inputs". */
  message?: string;
}
export interface ResetLocalStmt extends StmtBase {
  type: "ResetLocalStmt";
  target: Local;
}
export interface MakeNullStmt extends StmtBase {
  type: "MakeNullStmt";
  target: Local;
}
export interface MakeNumberIntStmt extends StmtBase {
  type: "MakeNumberIntStmt";
  value: number;
  target: Local;
}
/** A number from its source text (index into static strings), kept verbatim. */
export interface MakeNumberRefStmt extends StmtBase {
  type: "MakeNumberRefStmt";
  index: number;
  target: Local;
}
export interface MakeArrayStmt extends StmtBase {
  type: "MakeArrayStmt";
  capacity: number;
  target: Local;
}
export interface MakeObjectStmt extends StmtBase {
  type: "MakeObjectStmt";
  target: Local;
}
export interface MakeSetStmt extends StmtBase {
  type: "MakeSetStmt";
  target: Local;
}
export interface ArrayAppendStmt extends StmtBase {
  type: "ArrayAppendStmt";
  value: Operand;
  array: Local;
}
export interface ObjectInsertStmt extends StmtBase {
  type: "ObjectInsertStmt";
  key: Operand;
  value: Operand;
  object: Local;
}
/** Inserts; aborts with "object insert conflict" if the key holds a different value. */
export interface ObjectInsertOnceStmt extends StmtBase {
  type: "ObjectInsertOnceStmt";
  key: Operand;
  value: Operand;
  object: Local;
}
/** target = deep merge of a and b (a wins); undefined unless both are objects. */
export interface ObjectMergeStmt extends StmtBase {
  type: "ObjectMergeStmt";
  a: Local;
  b: Local;
  target: Local;
}
export interface SetAddStmt extends StmtBase {
  type: "SetAddStmt";
  value: Operand;
  set: Local;
}
export interface EqualStmt extends StmtBase {
  type: "EqualStmt";
  a: Operand;
  b: Operand;
}
export interface NotEqualStmt extends StmtBase {
  type: "NotEqualStmt";
  a: Operand;
  b: Operand;
}
export interface IsArrayStmt extends StmtBase {
  type: "IsArrayStmt";
  source: Operand;
}
export interface IsObjectStmt extends StmtBase {
  type: "IsObjectStmt";
  source: Operand;
}
export interface IsSetStmt extends StmtBase {
  type: "IsSetStmt";
  source: Operand;
}
export interface IsDefinedStmt extends StmtBase {
  type: "IsDefinedStmt";
  source: Local;
}
export interface IsUndefinedStmt extends StmtBase {
  type: "IsUndefinedStmt";
  source: Local;
}
export interface ResultSetAddStmt extends StmtBase {
  type: "ResultSetAddStmt";
  value: Local;
}
export interface ReturnLocalStmt extends StmtBase {
  type: "ReturnLocalStmt";
  source: Local;
}
export interface NopStmt extends StmtBase {
  type: "NopStmt";
}

export type Stmt =
  | CallStmt
  | DotStmt
  | LenStmt
  | ScanStmt
  | NotStmt
  | BlockStmt
  | BreakStmt
  | AssignVarStmt
  | AssignVarOnceStmt
  | ResetLocalStmt
  | MakeNullStmt
  | MakeNumberIntStmt
  | MakeNumberRefStmt
  | MakeArrayStmt
  | MakeObjectStmt
  | MakeSetStmt
  | ArrayAppendStmt
  | ObjectInsertStmt
  | ObjectInsertOnceStmt
  | ObjectMergeStmt
  | SetAddStmt
  | EqualStmt
  | NotEqualStmt
  | IsArrayStmt
  | IsObjectStmt
  | IsSetStmt
  | IsDefinedStmt
  | IsUndefinedStmt
  | ResultSetAddStmt
  | ReturnLocalStmt
  | NopStmt;
