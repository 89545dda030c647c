/**
 * Stage: imports. Works out which names each module's imports bind.
 *
 * `import data.lib.x` binds `x` to data.lib.x, `import input.user as u` binds `u` to input.user.
 * `future.keywords…` and `rego.v1` only concern the parser and are skipped. Any other root is an
 * error, as are non-string path elements and (in v1 modules, as OPA does) two imports binding
 * one name, `future` and `rego` imports included. The qualify stage then rewrites uses of the
 * bound names into full refs.
 */
import type { Import, Module } from "../ast.ts";
import { type CheckState, type ImportBinding, report, type Stage } from "./stage.ts";
import { ROOT_VARS } from "./terms.ts";

export function importText(imp: Import): string {
  const head = imp.path.head.type === "var" ? imp.path.head.name : "?";
  return [head, ...imp.path.path.map((p) => (p.type === "string" ? p.value : "?"))].join(".");
}

function importPath(state: CheckState, imp: Import): string[] | undefined {
  const { head, path } = imp.path;
  const root = head.type === "var" ? head.name : undefined;
  const strings = path.every((p) => p.type === "string")
    ? path.map((p) => (p as { value: string }).value)
    : undefined;
  if (root === "future" && strings?.[0] === "keywords") return undefined;
  if (root === "rego" && strings?.length === 1 && strings[0] === "v1") return undefined;
  if (root === undefined || !ROOT_VARS.has(root)) {
    report(
      state,
      "rego_compile_error",
      `invalid import ${importText(imp)}: path must begin with input or data`,
      imp.loc,
    );
    return undefined;
  }
  if (!strings) {
    report(
      state,
      "rego_compile_error",
      `invalid import ${importText(imp)}: path elements must be strings`,
      imp.loc,
    );
    return undefined;
  }
  return [root, ...strings];
}

/** The name an import binds, as OPA's Import.Name(): the alias, else the path's last element. */
function importName(imp: Import): string | undefined {
  if (imp.alias !== undefined) return imp.alias;
  const last = imp.path.path[imp.path.path.length - 1] ?? imp.path.head;
  if (last.type === "string") return last.value;
  return last.type === "var" ? last.name : undefined;
}

/**
 * As OPA does for v1 modules (and `import rego.v1` ones): two imports must not bind one name.
 * This covers `future.keywords…` and `rego.v1` too (`import rego.v1` twice is an error).
 * Returns the imports that shadow an earlier one.
 */
function duplicateImports(state: CheckState, module: Module): Set<Import> {
  const shadowing = new Set<Import>();
  if (module.regoVersion !== 1) return shadowing;
  const seen = new Map<string, Import>();
  for (const imp of module.imports) {
    const name = importName(imp);
    if (name === undefined) continue;
    const previous = seen.get(name);
    if (previous === undefined) {
      seen.set(name, imp);
      continue;
    }
    report(state, "rego_compile_error", `import must not shadow import ${importText(previous)}`, imp.loc);
    shadowing.add(imp);
  }
  return shadowing;
}

function resolveModuleImports(state: CheckState, module: Module): Map<string, ImportBinding> {
  const bound = new Map<string, ImportBinding>();
  const shadowing = duplicateImports(state, module);
  for (const imp of module.imports) {
    const path = importPath(state, imp);
    if (!path || shadowing.has(imp)) continue;
    const name = imp.alias ?? path[path.length - 1];
    if (imp.alias !== undefined && ROOT_VARS.has(imp.alias)) {
      report(state, "rego_compile_error", `import alias must not shadow ${imp.alias}`, imp.loc);
      continue;
    }
    if (path.length === 1 && imp.alias === undefined) continue; // `import data` / `import input`
    bound.set(name, { path, import: imp });
  }
  return bound;
}

export const importsStage: Stage = {
  name: "imports",
  follows: "nothing: it reads the modules as parsed",
  run(state) {
    for (const module of state.modules) state.imports.set(module, resolveModuleImports(state, module));
  },
};
