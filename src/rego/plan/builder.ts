/**
 * Per-function planning state: the block being filled, local allocation, and which Rego
 * variables are bound to which locals at the current point of the plan.
 */
import type { Location as AstLocation, Term } from "../ast.ts";
import { type Block, DATA, INPUT, type Local, type Location, type Operand, type Stmt } from "../ir/ir.ts";

export class PlanError extends Error {
  constructor(message: string, readonly location: AstLocation) {
    super(message);
    this.name = "PlanError";
  }
}

/** What `with data.x as v` replaced: a data path and the local holding its value. */
export interface DataOverride {
  path: string[];
  value: Local;
}

/** What `with f as g` replaced: a function or built-in, by a function name or a value term. */
export interface FunctionOverride {
  name: string;
  replacement: { kind: "function"; name: string[] } | { kind: "value"; local: Local };
}

export class FuncBuilder {
  private stack: Block[];
  private next: number;
  /** Rego variable name → local. Copied on entry to every nested scope, restored on exit. */
  vars = new Map<string, Local>();
  input: Local = INPUT;
  data: Local = DATA;
  dataOverrides: DataOverride[] = [];
  functionOverrides: FunctionOverride[] = [];

  constructor(readonly root: Block, firstFree: Local, private fileIndex: (file: string) => number) {
    this.stack = [root];
    this.next = firstFree;
  }

  newLocal(): Local {
    return this.next++;
  }

  emit(stmt: Stmt, loc?: AstLocation): void {
    if (loc) stmt.loc = this.location(loc);
    this.stack[this.stack.length - 1].stmts.push(stmt);
  }

  /** How many blocks enclose the current point (for a BreakStmt leaving up to a known block). */
  get depth(): number {
    return this.stack.length;
  }

  location(loc: AstLocation): Location {
    return { file: this.fileIndex(loc.file), row: loc.row, col: loc.col };
  }

  /** Plans `fn` into `block` (which the caller places in a statement), in a nested variable scope. */
  into(block: Block, fn: () => void): void {
    const saved = this.save();
    this.stack.push(block);
    try {
      fn();
    } finally {
      this.stack.pop();
      this.restore(saved);
    }
  }

  /** Runs fn with the variable scope restored afterwards (bindings made inside do not leak). */
  scoped(fn: () => void): void {
    const saved = this.save();
    try {
      fn();
    } finally {
      this.restore(saved);
    }
  }

  private save() {
    return {
      vars: new Map(this.vars),
      input: this.input,
      data: this.data,
      dataOverrides: this.dataOverrides,
      functionOverrides: this.functionOverrides,
    };
  }

  private restore(s: ReturnType<FuncBuilder["save"]>): void {
    this.vars = s.vars;
    this.input = s.input;
    this.data = s.data;
    this.dataOverrides = s.dataOverrides;
    this.functionOverrides = s.functionOverrides;
  }

  isBound(name: string): boolean {
    return name === "input" || name === "data" || this.vars.has(name);
  }

  /** True when the term contains a variable that is not bound yet (outside refs' own iteration). */
  hasUnboundVars(t: Term): boolean {
    switch (t.type) {
      case "var":
        return !this.isBound(t.name);
      case "array":
      case "set":
        return t.items.some((i) => this.hasUnboundVars(i));
      case "object":
        return t.items.some(([k, v]) => this.hasUnboundVars(k) || this.hasUnboundVars(v));
      default:
        return false;
    }
  }
}

export function local(l: Local): Operand {
  return { local: l };
}
