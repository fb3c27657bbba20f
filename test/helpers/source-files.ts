// Files under a folder, the hash of a set of sources, and the one way a test build is cached
// across test files and runs (the demo LA's site, the 12-school fixture site, the small ntp site,
// the planted fixture's run): one walk, one hash and one lock for all of them, so a changed source
// rebuilds whichever builds read it and no two workers build the same thing.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { withLockDir } from "../../scripts/build-site.ts";
import { projectRoot } from "../../src/data/source.ts";
import { BUILD_CACHE } from "./run-temp.ts";

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

/**
 * What `build` returns, made once into `<buildCache()>/<name>-<sourcesHash(sources)>/` (the folder
 * it is given, emptied first) and reused by every later caller while those sources are unchanged:
 * vitest runs each test file in its own worker, so the build is held by a lock folder, and a
 * worker that asks while another builds waits for it (up to `waitSeconds`) and reads its result.
 * `built.json` (the result, as JSON) is written last, so a build killed half way is redone.
 * Callers must treat the folder as read-only: a test that changes files copies them first.
 */
export async function builtOnce<T>(name: string, sources: string[], build: (dir: string) => Promise<T>, waitSeconds = 900): Promise<T> {
  const key = sourcesHash(sources);
  const root = buildCache();
  const dir = join(root, `${name}-${key}`);
  const done = join(dir, "built.json");
  const read = (): T => {
    // built.json's time is when the build was last asked for: pruneBuilds keeps a build in use.
    const now = new Date();
    utimesSync(done, now, now);
    return JSON.parse(readFileSync(done, "utf8"));
  };
  const built = existsSync(done)
    ? read()
    : await withLockDir(
        `${dir}.lock`,
        async () => {
          if (existsSync(done)) return read();
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const made = await build(dir);
          writeFileSync(done, JSON.stringify(made));
          return made;
        },
        waitSeconds,
      );
  if (!pruned.has(name)) {
    pruned.add(name);
    pruneBuilds(root, name, key);
  }
  return built;
}

/**
 * Where builds are kept between test runs: the system temp folder, which the run's global setup
 * (test/helpers/run-temp.ts) names in BUILD_CACHE when it points TMPDIR at the run's own folder.
 */
export function buildCache(): string {
  return process.env[BUILD_CACHE] ?? tmpdir();
}

/** The names whose old builds this process has already pruned (once each is enough). */
const pruned = new Set<string>();

/** How long a build of other sources is kept after it was last asked for: longer than any test run. */
export const IDLE_BEFORE_PRUNE_MS = 60 * 60 * 1000;

/**
 * Deletes the builds of `name` under `root` made from other sources than `keepKey`, each change to
 * a source having left one (100 MB for the demo LA): only those no test has asked for within
 * `idleMs` (built.json's time, set by builtOnce on every use; the folder's own time for a build
 * that never finished) and none whose lock folder says a build is under way, so a worker still
 * reading an older tree's build (another checkout, or a run started before an edit) keeps it.
 * Returns the folders it deleted.
 */
export function pruneBuilds(root: string, name: string, keepKey: string, idleMs = IDLE_BEFORE_PRUNE_MS, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const entry of readdirSync(root)) {
    const key = entry.slice(name.length + 1);
    if (!entry.startsWith(`${name}-`) || !/^[0-9a-f]{16}$/.test(key) || key === keepKey) continue;
    const dir = join(root, entry);
    if (existsSync(`${dir}.lock`)) continue;
    try {
      const done = join(dir, "built.json");
      const lastUsed = statSync(existsSync(done) ? done : dir).mtimeMs;
      if (now - lastUsed < idleMs) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch (error) {
      // Another worker pruned it first: what this one would have done.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return removed;
}
