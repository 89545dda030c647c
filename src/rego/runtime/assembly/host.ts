// Host imports, aborts and built-in error reporting.
import { heapTop, pushByte, pushStatic, finishText } from "./heap";

@external("env", "opa_abort")
declare function opa_abort(addr: usize): void;

@external("env", "opa_println")
declare function opa_println(addr: usize): void;

let strict: bool = false;

/** Writes a static message as NUL-terminated UTF-8 on the heap and returns its address. */
export function staticCString(s: string): usize {
  const p = heapTop();
  pushStatic(s);
  pushByte(0);
  finishText();
  return p;
}

/** Aborts with a static message. */
export function abortStatic(s: string): void {
  opa_abort(staticCString(s));
  unreachable();
}

/** Replacement for AssemblyScript's abort (`--use abort=`). */
export function asAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  const p = heapTop();
  pushStatic("runtime: ");
  if (message !== null) pushStatic(message);
  if (file !== null) {
    pushStatic(" at ");
    pushStatic(file);
  }
  pushByte(0);
  finishText();
  opa_abort(p);
  unreachable();
}

/** Prints a NUL-terminated message via the host (debugging). */
export function println(addr: usize): void {
  opa_println(addr);
}

export function rt_abort(addr: usize): void {
  opa_abort(addr);
  unreachable();
}

export function rt_set_strict(on: i32): void {
  strict = on != 0;
}

export function rt_builtin_error(addr: usize): usize {
  if (strict) {
    opa_abort(addr);
    unreachable();
  }
  return 0;
}
