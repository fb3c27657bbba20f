// A small synthetic LA (synth --schools 5 --seed 3) run once by the command line for every test
// file that needs a real run: site-command, site-pdf and table-tool-browser build sites from it
// (each synthesised and ran its own before: 6, 5 and 8 schools), programme-2009 reruns its input
// in process, cli-interrupt stops runs of it (20 schools before). Five is the fewest: the table
// tool needs two schools with whole-school rows, and site-pdf prints one PDF per school. Made by
// builtOnce, so keyed on everything the run reads and reused while those are unchanged. Its
// folder is shared: a test that writes beside the database (a site's default output) copies it
// first, and its input is only read.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { projectRoot } from "../../src/data/source.ts";
import { builtOnce } from "./source-files.ts";

export interface SmallLaRun {
  /** The run's --out folder (tuition-impact.duckdb, return/, private/): read it, or copy it to change it. */
  out: string;
  /** The synthesised input folder the run read (settings.json among its files): read only. */
  input: string;
  /** What synth and run left in the empty home folder they were given (none, unless one writes to ~). */
  homeAfter: string[];
}

/** Synth and run of the small LA, by the CLI as an officer runs them; refused (and not kept) unless both exit 0. */
export async function smallLaRun(): Promise<SmallLaRun> {
  const run = await builtOnce("tuition-small-la-run", ["bin", "pipelines", "package.json"], async (dir) => {
    const home = mkdtempSync(join(dir, "home-"));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TUITION_MEMORY_LIMIT: "1GB" };
    delete env.OBSERVABLE_TELEMETRY_DISABLE;
    const out = join(dir, "out");
    for (const args of [
      ["synth", "--schools", "5", "--seed", "3", "--out", join(dir, "in"), "--quiet"],
      ["run", join(dir, "in"), "--out", out, "--quiet"],
    ]) {
      const r = spawnSync(process.execPath, [join(projectRoot, "bin", "tuition-impact.js"), ...args], { cwd: dir, encoding: "utf8", env });
      if (r.status !== 0) throw new Error(`The small LA's ${args[0]} failed (exit ${r.status}):\n${r.stderr}`);
    }
    const homeAfter = readdirSync(home);
    rmSync(home, { recursive: true, force: true });
    return { out, homeAfter };
  });
  // beside out/, as synth wrote it (not in built.json, so builds made before it was named still serve)
  return { ...run, input: join(dirname(run.out), "in") };
}
