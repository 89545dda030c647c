/**
 * The one error type of the host built-in layer.
 *
 * `message` carries OPA's wording, prefixed with the built-in's name, e.g.
 * "indexof: operand 1 must be string but got number". The engine decides whether a thrown
 * BuiltinError makes the call undefined (default) or aborts the evaluation (strict mode).
 */
export class BuiltinError extends Error {
  constructor(readonly builtin: string, message: string) {
    super(`${builtin}: ${message}`);
    this.name = "BuiltinError";
  }
}
