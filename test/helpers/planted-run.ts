// The planted fixture (test/fixtures/ingest/planted) run once by the command line, as an LA
// officer runs it (`tuition-impact run <folder> --out <folder> --quiet`), for every test file
// that needs a good run of it to read or to start from: run, cli-exit-codes, reliability-order and
// reliability-faults each ran this same run before. Made by builtOnce, so keyed on everything the
// run reads (the CLI, the pipeline, the fixture, package.json's version) and reused while those
// are unchanged. Its folder is shared: a test that writes into an output folder copies it first.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../src/data/source.ts";
import { builtOnce } from "./source-files.ts";

export const PLANTED = join(projectRoot, "test", "fixtures", "ingest", "planted");

export interface PlantedRun {
  /** The run's --out folder (database, return/, private/): read it, or copy it to change it. */
  out: string;
  /** What the run printed: the last lines say where its outputs are. */
  stdout: string;
  stderr: string;
}

/** The planted fixture's run; refused (and not kept) unless it exits 0. */
export function plantedRun(): Promise<PlantedRun> {
  return builtOnce("tuition-planted-run", ["bin", "pipelines", "test/fixtures/ingest/planted", "package.json"], async (dir) => {
    const out = join(dir, "out");
    const r = spawnSync(process.execPath, [join(projectRoot, "bin", "tuition-impact.js"), "run", PLANTED, "--out", out, "--quiet"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" },
    });
    if (r.status !== 0) throw new Error(`The planted fixture's run failed (exit ${r.status}):\n${r.stderr}`);
    return { out, stdout: r.stdout, stderr: r.stderr };
  });
}
