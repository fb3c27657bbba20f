// `npx tsx scripts/bench-return-writers.ts [--dir D] [--code 919_200910] [--compare DIR] [--reps N]
//  [--only toCsv,screen,writeWorkbook] [--sheets topics|one]`: times the return's JavaScript
// writers on a real LA return (e.g. one written by `tuition-impact run`): toCsv and screen on
// its schools file, writeWorkbook on its LA and schools files split into one sheet per
// indicator_grouping like return.ts sheetsOf (or the schools file as one sheet). Prints the best
// of N runs in seconds. With --compare DIR (a folder holding other copies of csv.ts, zip.ts,
// screener.ts, workbook.ts and geography.ts, e.g. from `git show <rev>:pipelines/export/…`),
// times those too and checks that both give the same CSV text, screener results and workbook bytes.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isDeepStrictEqual } from "node:util";
import * as csvNew from "../pipelines/export/csv.ts";
import * as screenerNew from "../pipelines/export/screener.ts";
import * as workbookNew from "../pipelines/export/workbook.ts";
import type { WorkbookSheet, WorkbookSpec } from "../pipelines/export/workbook.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "/tmp/la-ref/return" },
    code: { type: "string", default: "919_200910" },
    compare: { type: "string" },
    reps: { type: "string", default: "1" },
    only: { type: "string", default: "toCsv,screen,writeWorkbook" },
    sheets: { type: "string", default: "topics" },
  },
});
const reps = Math.max(1, Number(values.reps));
const dir = resolve(values.dir);
const files = [`impact_${values.code}`, `impact_schools_${values.code}`].map((stem) => ({
  name: `${stem}.csv`,
  metaName: `${stem}.meta.csv`,
  text: readFileSync(join(dir, `${stem}.csv`), "utf8"),
  metaText: readFileSync(join(dir, `${stem}.meta.csv`), "utf8"),
}));
const parsed = files.map((f) => {
  const rows = csvNew.parseCsv(f.text);
  const meta = csvNew.parseTable(f.metaText).records.map((r) => r.values);
  return { ...f, columns: rows[0], rows: rows.slice(1), meta };
});

function sheetsOf(f: (typeof parsed)[number], school: boolean): WorkbookSheet[] {
  const inds = f.meta.filter((m) => m.col_type === "Indicator");
  const indSet = new Set(inds.map((m) => m.col_name));
  const base = f.columns.filter((c) => !indSet.has(c));
  const topics = [...new Set(inds.map((m) => m.indicator_grouping))];
  return topics.map((t) => {
    const mine = inds.filter((m) => m.indicator_grouping === t);
    const idx = [...base, ...mine.map((m) => m.col_name)].map((c) => f.columns.indexOf(c));
    return {
      name: `${t}${school ? " (schools)" : ""}`,
      columns: idx.map((i) => f.columns[i]),
      dp: Object.fromEntries(mine.map((m) => [m.col_name, Number(m.indicator_dp)])),
      rows: f.rows.map((row) => idx.map((i) => row[i])),
    };
  });
}
const spec: WorkbookSpec = {
  title: `Benchmark return ${values.code}`,
  buildDate: "2010-09-30",
  inputs: [{ file: "input.csv", sha256: "0".repeat(64) }],
  files: files.map((f) => f.name),
  sheets:
    values.sheets === "one"
      ? [{ name: "schools", columns: parsed[1].columns, dp: sheetsOf(parsed[1], true).reduce((a, s) => ({ ...a, ...s.dp }), {}), rows: parsed[1].rows }]
      : parsed.flatMap((f, i) => sheetsOf(f, i === 1)),
};
const schools = parsed[1];
const cells = schools.rows.length * schools.columns.length;
console.log(`${schools.name}: ${schools.rows.length} rows x ${schools.columns.length} columns (${cells} cells); workbook ${spec.sheets.length} sheets`);

type Impl = { csv: typeof csvNew; screener: typeof screenerNew; workbook: typeof workbookNew };
async function timeIt<T>(fn: () => T | Promise<T>): Promise<{ seconds: number; value: T }> {
  let best = Infinity;
  let value!: T;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    value = await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, value };
}
const only = new Set(values.only.split(","));
const skip = { seconds: NaN, value: undefined as never };
async function run(impl: Impl) {
  const csv = only.has("toCsv") ? await timeIt(() => impl.csv.toCsv(schools.columns, schools.rows)) : skip;
  const scr = only.has("screen")
    ? await timeIt(() => impl.screener.screen(schools.text, schools.metaText, { data: schools.name, meta: schools.metaName }))
    : skip;
  const wb = only.has("writeWorkbook") ? await timeIt(() => impl.workbook.writeWorkbook(spec)) : skip;
  return { csv, scr, wb };
}

const now = await run({ csv: csvNew, screener: screenerNew, workbook: workbookNew });
const fmt = (s: number) => `${s.toFixed(3)} s`;
if (!values.compare) {
  console.log(`toCsv ${fmt(now.csv.seconds)}  screen ${fmt(now.scr.seconds)}  writeWorkbook ${fmt(now.wb.seconds)}`);
  console.log(
    `toCsv equals the file on disk: ${now.csv.value === schools.text}; screener results: ${now.scr.value?.length}; workbook ${now.wb.value?.length} bytes`,
  );
} else {
  const cmp = resolve(values.compare);
  const old: Impl = {
    csv: await import(join(cmp, "csv.ts")),
    screener: await import(join(cmp, "screener.ts")),
    workbook: await import(join(cmp, "workbook.ts")),
  };
  const before = await run(old);
  const row = (what: string, a: number, b: number, same: () => boolean) =>
    only.has(what) &&
    console.log(`${what.padEnd(14)} before ${fmt(a).padStart(9)}  after ${fmt(b).padStart(9)}  x${(a / b).toFixed(1).padEnd(5)} identical: ${same()}`);
  row("toCsv", before.csv.seconds, now.csv.seconds, () => before.csv.value === now.csv.value);
  row("screen", before.scr.seconds, now.scr.seconds, () => isDeepStrictEqual(before.scr.value, now.scr.value));
  row("writeWorkbook", before.wb.seconds, now.wb.seconds, () => Buffer.compare(before.wb.value, now.wb.value) === 0);
  console.log(
    `toCsv equals the file on disk: ${now.csv.value === schools.text}; screener results: ${now.scr.value?.length}; workbook ${now.wb.value?.length} bytes`,
  );
}
