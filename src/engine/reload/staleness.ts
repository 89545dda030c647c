/**
 * Whether a built bundle is older than the sources it was built from: the gateway then serves the
 * built one, which a user editing the sources does not expect, so the start says so.
 */

/** True when some file under sourceDir changed after bundlePath was written. */
export async function builtBundleIsStale(bundlePath: string, sourceDir: string): Promise<boolean> {
  const built = (await Deno.stat(bundlePath)).mtime?.getTime() ?? 0;
  return await newestChange(sourceDir) > built;
}

/** The latest modification time (ms) of any file under dir; 0 when there is none. */
async function newestChange(dir: string): Promise<number> {
  let newest = 0;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) newest = Math.max(newest, await newestChange(path));
      else if (entry.isFile) newest = Math.max(newest, (await Deno.stat(path)).mtime?.getTime() ?? 0);
    }
  } catch {
    // no such directory: nothing newer
  }
  return newest;
}
