// `npm run build`: the whole thing from a fresh clone. Generates the synthetic demo LA if
// it is not there yet, runs the pipeline on it (or on the folder given), then builds the site.
//   npm run build                   demo data → output/ → dist/
//   npm run build -- path/to/la     an LA's own folder (with its settings.json)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const DEMO = join(root, "demo", "generated");
const input = process.argv[2] ? resolve(process.argv[2]) : DEMO;
const out = resolve(process.env.TUITION_OUT ?? join(root, "output"));

function step(title: string, command: string, args: string[], env: Record<string, string> = {}) {
  console.error(`\n== ${title}`);
  const r = spawnSync(command, args, { stdio: "inherit", cwd: root, env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\nBuild stopped: ${title} failed (exit ${r.status}). The previous output and site are unchanged.`);
    process.exit(r.status ?? 1);
  }
}

const cli = join(root, "bin", "tuition-impact.js");
if (input === DEMO && !existsSync(join(DEMO, "settings.json"))) {
  step("Generating the synthetic demo LA (seed 1)", process.execPath, [cli, "synth", "--scale", "la", "--seed", "1", "--out", DEMO]);
}
step(`Running the pipeline on ${input}`, process.execPath, [cli, "run", input, "--out", out]);
// The same command an officer runs (tuition-impact site): Framework's telemetry off, dist/ swapped in whole.
step("Building the site", process.execPath, [cli, "site", "--db", join(out, "tuition-impact.duckdb"), "--out", join(root, "dist")]);
console.error(`\nDone. Database and return in ${out}; site in dist/ (view it with: npx tuition-impact serve).`);
