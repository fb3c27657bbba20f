// One measured part of the benchmark, in its own process so its peak RSS is its own.
//   floor <input> <db>      DuckDB alone: CREATE TABLE ... AS SELECT * FROM read_csv(...) per file
//   pipeline <input> <out>  tuition-impact run, stage by stage
// Prints one JSON line: { seconds, stages, maxRssMb, rows }.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Db, literal, MEMORY_LIMIT } from "../pipelines/core/db.ts";
import { makeReporter } from "../pipelines/core/progress.ts";
import { runPipeline } from "../pipelines/run.ts";

const [mode, input, target] = process.argv.slice(2);
const started = performance.now();
const stages: { stage: string; seconds: number }[] = [];
let rows = 0;

if (mode === "floor") {
  rmSync(target, { force: true });
  const db = await Db.open(target, { memory_limit: MEMORY_LIMIT });
  for (const file of readdirSync(input)
    .filter((f) => f.endsWith(".csv"))
    .sort()) {
    const t0 = performance.now();
    const table = file.replace(/\.csv$/, "");
    await db.run(`create table ${table} as select * from read_csv(${literal(join(input, file))})`);
    rows += Number((await db.one<{ n: number }>(`select count(*) n from ${table}`))!.n);
    stages.push({ stage: `read ${table}`, seconds: (performance.now() - t0) / 1000 });
  }
  db.close();
  rmSync(target, { force: true });
} else if (mode === "pipeline") {
  const reporter = makeReporter(process.stderr, true);
  const result = await runPipeline({ input, out: target, reporter });
  stages.push(...result.timings);
  rows = result.files.reduce((s, f) => s + Number(f.rows_read), 0);
} else {
  throw new Error(`unknown mode ${mode}`);
}

console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    stages,
    rows,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
