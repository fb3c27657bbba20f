// Files under a folder, and the hash of a set of sources that keys a test build cached across
// runs (the demo LA's site, the 12-school fixture site, the small ntp site): one walk and one
// hash for all of them, so a changed source rebuilds whichever builds read it.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { projectRoot } from "../../src/data/source.ts";

/** Framework's cache, installed packages and test output: never a source of a build. */
const SKIP = new Set([".observablehq", "node_modules", "test-results"]);

/** Every file under `dir`, with its path (none when `dir` does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** 16 hex digits of the sha256 of these files and folders (relative to the project root): each file's path and bytes. */
export function sourcesHash(paths: string[]): string {
  const files = paths.flatMap((p) => {
    const path = join(projectRoot, p);
    if (!existsSync(path)) throw new Error(`sourcesHash: ${p} is not in the project (${projectRoot}); a build cannot be keyed on it.`);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
  const hash = createHash("sha256");
  for (const f of files.sort()) hash.update(relative(projectRoot, f)).update(readFileSync(f));
  return hash.digest("hex").slice(0, 16);
}
