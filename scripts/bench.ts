// `npm run bench [-- --scale la|national]`: how close the pipeline runs to DuckDB's own
// speed on the same files. Measures, in one run: the floor (DuckDB reading every CSV into
// tables), the pipeline stage by stage, and the site build; prints seconds, rows/s, peak
// RSS, and the ratio pipeline / floor. Figures are printed, never asserted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { textTable } from "../pipelines/core/progress.ts";

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
  const r = spawnSync(process.execPath, [join(root, "bin", "tuition-impact.js"), "synth", "--scale", scale, "--seed", values.seed!, "--out", input], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.error(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

console.error("Floor: DuckDB reading every CSV...");
const floor = child([join(root, "scripts", "bench-child.ts"), "floor", input, join(work, "floor.duckdb")]);
console.error("Pipeline...");
const out = join(work, "output");
const pipeline = child([join(root, "scripts", "bench-child.ts"), "pipeline", input, out]);

let site: { seconds: number } | undefined;
if (!values["skip-site"]) {
  console.error("Site build...");
  const t0 = performance.now();
  const siteOut = join(work, "dist");
  rmSync(siteOut, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [...tsx, join(root, "scripts", "build-site.ts"), "--out", siteOut], {
    cwd: root,
    stdio: "ignore",
    env: { ...process.env, TUITION_DB: join(out, "tuition-impact.duckdb"), TUITION_RETURN: join(out, "return") },
  });
  if (r.status === 0) site = { seconds: (performance.now() - t0) / 1000 };
}

const rate = (rows: number, s: number) => Math.round(rows / s);
const table = [
  { part: "floor (DuckDB read_csv)", seconds: +floor.seconds.toFixed(1), rows_per_s: rate(floor.rows, floor.seconds), peak_rss_mb: Math.round(floor.maxRssMb) },
  ...pipeline.stages.map((s) => ({ part: `  pipeline: ${s.stage}`, seconds: +s.seconds.toFixed(1), rows_per_s: rate(pipeline.rows, s.seconds), peak_rss_mb: 0 })),
  { part: "pipeline (total)", seconds: +pipeline.seconds.toFixed(1), rows_per_s: rate(pipeline.rows, pipeline.seconds), peak_rss_mb: Math.round(pipeline.maxRssMb) },
  ...(site ? [{ part: "site build", seconds: +site.seconds.toFixed(1), rows_per_s: 0, peak_rss_mb: 0 }] : []),
];
console.log(`\nBenchmark, scale ${scale}, ${pipeline.rows.toLocaleString("en-GB")} input rows`);
console.log(textTable(table));
console.log(`\nratio pipeline / floor = ${(pipeline.seconds / floor.seconds).toFixed(2)}  (target <= 2.0)`);
console.log(`peak RSS pipeline = ${(pipeline.maxRssMb / 1024).toFixed(2)} GB  (target <= 8 GB)`);
