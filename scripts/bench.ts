// `npm run bench [-- --scale la|national]`: how close the pipeline runs to DuckDB's own
// speed on the same files. Measures, in one run: the floor (DuckDB reading every CSV into
// tables), the pipeline stage by stage, and the site build; prints seconds, rows/s, peak
// RSS, and the ratio pipeline / floor. Figures are printed, never asserted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { textTable } from "../pipelines/core/progress.ts";
import { extractLargestLa } from "./bench-largest-la.ts";

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "national" },
    data: { type: "string" },
    seed: { type: "string", default: "1" },
    "skip-site": { type: "boolean", default: false },
  },
});
const scale = values.scale === "la" ? "la" : "national";
const work = resolve(values.data ?? join(root, "bench", scale));
const input = join(work, "input");
const tsx = [join(root, "node_modules", "tsx", "dist", "cli.mjs")];

interface Measured {
  seconds: number;
  stages: { stage: string; seconds: number }[];
  rows: number;
  maxRssMb: number;
}

function child(args: string[], env: Record<string, string> = {}): Measured {
  const r = spawnSync(process.execPath, [...tsx, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`benchmark step failed: ${args.join(" ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

mkdirSync(work, { recursive: true });
if (!existsSync(join(input, "settings.json"))) {
  console.error(`Generating ${scale} synthetic data into ${input} (reused by later runs)...`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, "bin", "tuition-impact.js"), "synth", "--scale", scale, "--seed", values.seed!, "--out", input], {
    stdio: "inherit",
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.error(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

console.error("Floor: DuckDB reading every CSV...");
const floor = child([join(root, "scripts", "bench-child.ts"), "floor", input, join(work, "floor.duckdb")]);
console.error("Pipeline...");
const out = join(work, "output");
// Every statement's seconds go to profile.tsv (core/db.ts), so the table below can say where
// the time went by measurement.
const profile = join(work, "profile.tsv");
rmSync(profile, { force: true });
const pipeline = child([join(root, "scripts", "bench-child.ts"), "pipeline", input, out], { TUITION_PROFILE: profile });

// The site is an LA's: at national scale, the largest LA's data are run and built on their own.
let site: { seconds: number; label: string } | undefined;
let laPipeline: Measured | undefined;
if (!values["skip-site"]) {
  let siteDb = out;
  let label = "site build";
  if (scale === "national") {
    console.error("Largest LA: extracting its files (once) and running the pipeline on them...");
    const laInput = join(work, "largest-la");
    const { la, schools } = await extractLargestLa(input, laInput);
    siteDb = join(work, "largest-la-output");
    laPipeline = child([join(root, "scripts", "bench-child.ts"), "pipeline", laInput, siteDb]);
    label = `site build, largest LA (${la}, ${schools} schools)`;
  }
  console.error("Site build...");
  const t0 = performance.now();
  const siteOut = join(work, "dist");
  rmSync(siteOut, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [...tsx, join(root, "scripts", "build-site.ts"), "--out", siteOut], {
    cwd: root,
    stdio: "ignore",
    env: { ...process.env, TUITION_DB: join(siteDb, "tuition-impact.duckdb"), TUITION_RETURN: join(siteDb, "return") },
  });
  if (r.status === 0) site = { seconds: (performance.now() - t0) / 1000, label };
  else console.error("site build failed");
}

const rate = (rows: number, s: number) => Math.round(rows / s);
const table = [
  { part: "floor (DuckDB read_csv)", seconds: +floor.seconds.toFixed(1), rows_per_s: rate(floor.rows, floor.seconds), peak_rss_mb: Math.round(floor.maxRssMb) },
  ...pipeline.stages.map((s) => ({
    part: `  pipeline: ${s.stage}`,
    seconds: +s.seconds.toFixed(1),
    rows_per_s: rate(pipeline.rows, s.seconds),
    peak_rss_mb: 0,
  })),
  {
    part: "pipeline (total)",
    seconds: +pipeline.seconds.toFixed(1),
    rows_per_s: rate(pipeline.rows, pipeline.seconds),
    peak_rss_mb: Math.round(pipeline.maxRssMb),
  },
  ...(laPipeline
    ? [
        {
          part: "pipeline, largest LA alone",
          seconds: +laPipeline.seconds.toFixed(1),
          rows_per_s: rate(laPipeline.rows, laPipeline.seconds),
          peak_rss_mb: Math.round(laPipeline.maxRssMb),
        },
      ]
    : []),
  ...(site ? [{ part: site.label, seconds: +site.seconds.toFixed(1), rows_per_s: 0, peak_rss_mb: 0 }] : []),
];
console.log(`\nBenchmark, scale ${scale}, ${pipeline.rows.toLocaleString("en-GB")} input rows`);
console.log(textTable(table));
console.log(`\nratio pipeline / floor = ${(pipeline.seconds / floor.seconds).toFixed(2)}  (target <= 2.0)`);
console.log(`peak RSS pipeline = ${(pipeline.maxRssMb / 1024).toFixed(2)} GB  (target <= 8 GB)`);

// The statements that took longest, with the share of the pipeline's time each took.
const statements = readFileSync(profile, "utf8")
  .trim()
  .split("\n")
  .map((line) => {
    const [seconds, what] = line.split("\t");
    return { seconds: Number(seconds), what };
  });
const sqlSeconds = statements.reduce((sum, s) => sum + s.seconds, 0);
// Where two connections run at once (Db.sideBySide) their statements overlap, so the sum can pass
// the run's own time, and the time outside every statement is at least the difference.
const outside = pipeline.seconds - sqlSeconds;
console.log(
  `\nWhere the pipeline's time went: ${sqlSeconds.toFixed(0)} s in ${statements.length} SQL statements (summed; statements on two connections at once overlap)${outside > 0 ? `, at least ${outside.toFixed(0)} s outside them (JavaScript: export writers, file scans)` : ""}. Longest statements:`,
);
console.log(
  textTable(
    statements
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, 15)
      .map((s) => ({
        seconds: +s.seconds.toFixed(1),
        share_pct: +((100 * s.seconds) / pipeline.seconds).toFixed(1),
        statement: s.what.slice(0, 100),
      })),
  ),
);
