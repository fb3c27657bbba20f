// vitest's global setup: every temp folder a test run makes goes in one folder of its own, removed
// when the run ends. The tests make theirs with mkdtemp in os.tmpdir() (about 110 folders, 300 MB
// a run) and the command lines they start make theirs there too; removing each where it is made
// was left to every test, and most did not, so each `npm test` left them in the system temp folder.
// Pointing TMPDIR at the run's folder (before vitest starts its workers, which copy this process's
// environment) gathers them all, with no change to any test. The fixture builds that later runs
// reuse (builtOnce, test/helpers/source-files.ts) stay in the system temp folder: BUILD_CACHE.
// A run killed before its teardown leaves its folder; the next run removes it (its process is gone).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The environment variable naming where builtOnce keeps its builds between runs. */
export const BUILD_CACHE = "TUITION_BUILD_CACHE";
const PREFIX = "tuition-test-run-";
/** A run's folder: PREFIX, the pid of the vitest process that made it, then mkdtemp's suffix. */
const RUN_FOLDER = new RegExp(`^${PREFIX}(\\d+)-`);

export default function setup(): () => void {
  const system = tmpdir();
  removeFinishedRuns(system);
  const run = mkdtempSync(join(system, `${PREFIX}${process.pid}-`));
  process.env[BUILD_CACHE] ??= system;
  process.env.TMPDIR = run;
  return () => rmSync(run, { recursive: true, force: true });
}

/** Removes the run folders in `root` whose process has ended (a run killed before its teardown); returns them. */
export function removeFinishedRuns(root: string, alive: (pid: number) => boolean = isAlive): string[] {
  const removed: string[] = [];
  for (const entry of readdirSync(root)) {
    const pid = Number(RUN_FOLDER.exec(entry)?.[1]);
    if (!pid || alive(pid)) continue;
    rmSync(join(root, entry), { recursive: true, force: true });
    removed.push(join(root, entry));
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
