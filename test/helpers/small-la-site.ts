// The small LA's site (test/helpers/small-la-run.ts), built once by `tuition-impact site` with its
// defaults, as an officer builds it after `run` (output/tuition-impact.duckdb into dist/, in the
// folder it is run in), with Framework's telemetry left to the command (not disabled in the
// environment) and an empty home folder: site-command checks that build, and table-tool-browser
// serves it (each built the same site from the same database before). Made by builtOnce, so keyed on
// everything the run and the build read. Its folder is shared: read it, or copy it to change it.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../src/data/source.ts";
import { smallLaRun, type SmallLaRun } from "./small-la-run.ts";
import { builtOnce } from "./source-files.ts";

export interface SmallLaSite {
  /** Where `site` was run: output/ (a copy of the run's folder) and dist/ (the site). */
  dir: string;
  /** What the command printed. */
  stdout: string;
  stderr: string;
  /** What the build left in the empty home folder it was given (none, unless Framework writes to ~). */
  homeAfter: string[];
  /** The run the site was built from. */
  run: SmallLaRun;
}

/** The small LA's site; refused (and not kept) unless `site` exits 0. */
export async function smallLaSite(): Promise<SmallLaSite> {
  const run = await smallLaRun();
  const built = await builtOnce(
    "tuition-small-la-site",
    ["bin", "pipelines", "src", "scripts", "observablehq.config.ts", "package.json"],
    async (dir) => {
      cpSync(run.out, join(dir, "output"), { recursive: true });
      // Framework with telemetry on would write ~/.observablehq and print a notice: the command turns it off.
      const home = mkdtempSync(join(tmpdir(), "small-la-site-home-"));
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TUITION_MEMORY_LIMIT: "1GB" };
      delete env.OBSERVABLE_TELEMETRY_DISABLE;
      const r = spawnSync(process.execPath, [join(projectRoot, "bin", "tuition-impact.js"), "site"], { cwd: dir, encoding: "utf8", env });
      const homeAfter = readdirSync(home);
      rmSync(home, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`The small LA's site failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
      return { dir, stdout: r.stdout, stderr: r.stderr, homeAfter };
    },
    // The run's own build (when this asks first) is done before the lock is taken; the site's, on a busy two-core machine.
    1200,
  );
  return { ...built, run };
}
