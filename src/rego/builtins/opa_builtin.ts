/**
 * A built-in as OPA's capabilities file declares it. Types are in OPA's notation
 * (types.Type.String()): `array[T]`, `array<T1, T2>`, `set[T]`, `object<k: T>[K: V]`, `any<T1, T2>`.
 */
export interface OpaBuiltin {
  name: string;
  /** Declared argument types. */
  args: readonly string[];
  /** Declared result type; absent for a function that returns nothing (print, internal.print). */
  result?: string;
  /** Type of every argument of a variadic function (print). */
  variadic?: string;
  /** The operator the parser turns into a call to this function (`+` for plus). */
  infix?: string;
  /** Removed from Rego v1; still available to v0 modules. */
  deprecated?: boolean;
  /** May return different results for the same arguments (time, randomness, network). */
  nondeterministic?: boolean;
  /** Yields several results (walk). */
  relation?: boolean;
}
