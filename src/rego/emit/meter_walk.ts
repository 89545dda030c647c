/**
 * What the metering pass (meter.ts) needs to know of a function body: its size, its loops, the
 * functions it calls, whether it calls indirectly, and where it grows memory (with a way to
 * replace each of those expressions in its parent).
 *
 * binaryen.js has no generic visitor, so the children of each kind of expression are listed here,
 * for the instruction set the compiler's modules and OPA's use (MVP, sign extension, non-trapping
 * conversions, bulk memory). Any other kind of expression makes the walk fail with a
 * MeterUnsupported error: the pass then refuses the module rather than meter it partly.
 */
import binaryen from "binaryen";

export class MeterUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeterUnsupported";
  }
}

export interface BodyFacts {
  /** Expressions in the body (a static estimate of the work of one pass through it). */
  size: number;
  /**
   * Every `loop` (inner ones first), with the size of its body, the functions called in it,
   * whether it calls indirectly, and whether a loop is nested in it.
   */
  loops: { expr: number; size: number; calls: string[]; indirect: boolean; nested: boolean }[];
  /** Direct calls: the callee's internal name, with a setter that replaces the call in its parent. */
  calls: { target: string; expr: number; replace: (e: number) => void }[];
  callsIndirectly: boolean;
  /** Each `memory.grow`, with a setter that replaces it in its parent. */
  grows: { expr: number; replace: (e: number) => void }[];
}

type Child = { get: () => number; set: (e: number) => void };

/**
 * binaryen.js's per-expression classes (`binaryen.Loop.getBody`, `binaryen.Block.setChildAt`, …)
 * exist at run time; its type declarations lack them.
 */
// deno-lint-ignore no-explicit-any
type Accessors = Record<string, (...args: any[]) => any>;
export const EXPR = binaryen as unknown as Record<string, Accessors>;

/** Walks a function body (iteratively: generated bodies can nest deeply). */
export function walkBody(body: number, replaceBody: (e: number) => void): BodyFacts {
  const facts: BodyFacts = { size: 0, loops: [], calls: [], callsIndirectly: false, grows: [] };
  // Depth-first; a loop's facts are what was seen between its visit and the marker pushed below
  // its children, which pops once they are all walked.
  type Item = { expr: number; set: (e: number) => void } | {
    loopEnd: number;
    size: number;
    calls: number;
    indirect: number;
    loops: number;
  };
  let indirect = 0;
  const work: Item[] = [{ expr: body, set: replaceBody }];
  while (work.length > 0) {
    const item = work.pop()!;
    if ("loopEnd" in item) {
      facts.loops.push({
        expr: item.loopEnd,
        size: facts.size - item.size,
        calls: facts.calls.slice(item.calls).map((c) => c.target),
        indirect: indirect > item.indirect,
        nested: facts.loops.length > item.loops,
      });
      continue;
    }
    const { expr, set } = item;
    facts.size++;
    const id = binaryen.getExpressionId(expr);
    if (id === binaryen.LoopId) {
      work.push({
        loopEnd: expr,
        size: facts.size,
        calls: facts.calls.length,
        indirect,
        loops: facts.loops.length,
      });
    } else if (id === binaryen.CallId) {
      facts.calls.push({ target: EXPR.Call.getTarget(expr), expr, replace: set });
    } else if (id === binaryen.CallIndirectId) {
      facts.callsIndirectly = true;
      indirect++;
    } else if (id === binaryen.MemoryGrowId) facts.grows.push({ expr, replace: set });
    for (const child of children(expr, id)) {
      const e = child.get();
      if (e !== 0) work.push({ expr: e, set: child.set });
    }
  }
  return facts;
}

const B = binaryen;
const X = EXPR;

function children(e: number, id: number): Child[] {
  const c = (get: (x: number) => number, set: (x: number, v: number) => void): Child => ({
    get: () => get(e),
    set: (v) => set(e, v),
  });
  switch (id) {
    case B.NopId:
    case B.UnreachableId:
    case B.ConstId:
    case B.LocalGetId:
    case B.GlobalGetId:
    case B.MemorySizeId:
    case B.DataDropId:
      return [];
    case B.BlockId:
      return Array.from(
        { length: X.Block.getNumChildren(e) },
        (_, i) => c((x) => X.Block.getChildAt(x, i), (x, v) => X.Block.setChildAt(x, i, v)),
      );
    case B.IfId:
      return [
        c(X.If.getCondition, X.If.setCondition),
        c(X.If.getIfTrue, X.If.setIfTrue),
        c(X.If.getIfFalse, X.If.setIfFalse),
      ];
    case B.LoopId:
      return [c(X.Loop.getBody, X.Loop.setBody)];
    case B.BreakId:
      return [c(X.Break.getCondition, X.Break.setCondition), c(X.Break.getValue, X.Break.setValue)];
    case B.SwitchId:
      return [c(X.Switch.getCondition, X.Switch.setCondition), c(X.Switch.getValue, X.Switch.setValue)];
    case B.CallId:
      return Array.from(
        { length: X.Call.getNumOperands(e) },
        (_, i) => c((x) => X.Call.getOperandAt(x, i), (x, v) => X.Call.setOperandAt(x, i, v)),
      );
    case B.CallIndirectId:
      return [
        c(X.CallIndirect.getTarget, X.CallIndirect.setTarget),
        ...Array.from(
          { length: X.CallIndirect.getNumOperands(e) },
          (_, i) =>
            c((x) => X.CallIndirect.getOperandAt(x, i), (x, v) => X.CallIndirect.setOperandAt(x, i, v)),
        ),
      ];
    case B.LocalSetId:
      return [c(X.LocalSet.getValue, X.LocalSet.setValue)];
    case B.GlobalSetId:
      return [c(X.GlobalSet.getValue, X.GlobalSet.setValue)];
    case B.LoadId:
      return [c(X.Load.getPtr, X.Load.setPtr)];
    case B.StoreId:
      return [c(X.Store.getPtr, X.Store.setPtr), c(X.Store.getValue, X.Store.setValue)];
    case B.UnaryId:
      return [c(X.Unary.getValue, X.Unary.setValue)];
    case B.BinaryId:
      return [c(X.Binary.getLeft, X.Binary.setLeft), c(X.Binary.getRight, X.Binary.setRight)];
    case B.SelectId:
      return [
        c(X.Select.getIfTrue, X.Select.setIfTrue),
        c(X.Select.getIfFalse, X.Select.setIfFalse),
        c(X.Select.getCondition, X.Select.setCondition),
      ];
    case B.DropId:
      return [c(X.Drop.getValue, X.Drop.setValue)];
    case B.ReturnId:
      return [c(X.Return.getValue, X.Return.setValue)];
    case B.MemoryGrowId:
      return [c(X.MemoryGrow.getDelta, X.MemoryGrow.setDelta)];
    case B.MemoryInitId:
      return [
        c(X.MemoryInit.getDest, X.MemoryInit.setDest),
        c(X.MemoryInit.getOffset, X.MemoryInit.setOffset),
        c(X.MemoryInit.getSize, X.MemoryInit.setSize),
      ];
    case B.MemoryCopyId:
      return [
        c(X.MemoryCopy.getDest, X.MemoryCopy.setDest),
        c(X.MemoryCopy.getSource, X.MemoryCopy.setSource),
        c(X.MemoryCopy.getSize, X.MemoryCopy.setSize),
      ];
    case B.MemoryFillId:
      return [
        c(X.MemoryFill.getDest, X.MemoryFill.setDest),
        c(X.MemoryFill.getValue, X.MemoryFill.setValue),
        c(X.MemoryFill.getSize, X.MemoryFill.setSize),
      ];
    default:
      throw new MeterUnsupported(
        `an instruction the metering pass does not know (binaryen expression id ${id})`,
      );
  }
}
