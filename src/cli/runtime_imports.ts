/**
 * For the container image: prints `deno.json` with only the imports that the given entry points
 * load (`deno info --json`), so the final image installs what the gateway runs and not the
 * compiler's build tools (AssemblyScript), the benchmark tools (autocannon) or test-only packages.
 * deno.lock still pins every version that remains.
 *
 *   deno run -A src/cli/runtime_imports.ts src/main.ts src/cli/keys.ts > deno.runtime.json
 */

/** The npm package a specifier names: "npm:/@noble/hashes@^2.4.0/" → "@noble/hashes". */
export function npmPackageName(specifier: string): string | null {
  const match = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)/.exec(specifier);
  return match ? match[1] : null;
}

/** Keeps the imports whose npm package is in `used` (and every non-npm import). */
export function runtimeImports(imports: Record<string, string>, used: Set<string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(imports).filter(([, target]) => {
      const name = npmPackageName(target);
      return name === null || used.has(name);
    }),
  );
}

/** The npm packages the module graph of `entry` loads directly (by name). */
export async function packagesLoadedBy(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", entry], stderr: "inherit" })
    .output();
  if (!out.success) throw new Error(`deno info ${entry} failed`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: { npmPackage?: string }[] };
  const names = new Set<string>();
  for (const m of info.modules) {
    if (m.npmPackage) names.add(m.npmPackage.replace(/@[^@]*$/, ""));
  }
  return names;
}

if (import.meta.main) {
  if (Deno.args.length === 0) {
    console.error("usage: runtime_imports.ts ENTRY… > deno.runtime.json");
    Deno.exit(2);
  }
  const config = JSON.parse(await Deno.readTextFile("deno.json"));
  const used = new Set<string>();
  for (const entry of Deno.args) for (const name of await packagesLoadedBy(entry)) used.add(name);
  console.log(JSON.stringify({ ...config, imports: runtimeImports(config.imports, used) }, null, 2));
}
