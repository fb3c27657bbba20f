// The demo LA built once for every test file that needs it (issue 17): synth --scale la --seed 1,
// the pipeline and the site, exactly as scripts/build.ts makes it (about 500 schools, 168,000
// pupils), by builtOnce (test/helpers/source-files.ts): a worker that asks while another is
// building waits for it and reuses its build, and a later `npm test` with the same sources reuses
// it too. A change to any source gives a new folder.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildSite } from "../../scripts/build-site.ts";
import { projectRoot } from "../../src/data/source.ts";
import { builtOnce } from "./source-files.ts";

export interface DemoSite {
  /** The folder holding everything below. */
  dir: string;
  /** The pipeline's output folder (database, return/). */
  out: string;
  db: string;
  dist: string;
  /** Seconds the site build took (not the pipeline). */
  seconds: number;
}

/** The demo LA's pipeline output and site, built by the first caller and reused by the rest. */
export async function builtDemoSite(): Promise<DemoSite> {
  // Up to 40 minutes' wait: the demo's pipeline and site on a busy two-core machine.
  return builtOnce(
    "tuition-demo-site",
    ["bin", "pipelines", "src", "scripts", "observablehq.config.ts", "package.json"],
    async (dir) => {
      const cli = join(projectRoot, "bin", "tuition-impact.js");
      const out = join(dir, "out");
      // DuckDB's own threads (one per core), not the suite's one (vitest.config.ts): the demo LA is
      // the suite's one large run (2.2M results: 25 s at two threads, 32 s at one, on an idle
      // machine), and files in the other worker wait for it.
      const env: NodeJS.ProcessEnv = { ...process.env, TUITION_THREADS: "" };
      for (const args of [
        ["synth", "--scale", "la", "--seed", "1", "--out", join(dir, "in"), "--quiet"],
        ["run", join(dir, "in"), "--out", out, "--quiet"],
      ]) {
        const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: "utf8", env });
        if (r.status !== 0) throw new Error(`The demo LA's ${args[0]} failed (exit ${r.status}):\n${r.stderr}`);
      }
      // The inputs (100 MB) are not needed once the pipeline has read them.
      rmSync(join(dir, "in"), { recursive: true, force: true });
      const db = join(out, "tuition-impact.duckdb");
      const { out: dist, seconds } = await buildSite({ db, out: join(dir, "dist"), verbose: false });
      return { dir, out, db, dist, seconds };
    },
    2400,
  );
}
