// For the benchmark's site figure: the national data's largest LA (most schools) as an input
// folder of its own, so its site is built exactly as that LA would build it. Rows are taken
// whole from the national files with DuckDB (text in, text out: nothing is reinterpreted).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db, literal } from "../pipelines/core/db.ts";

/**
 * One LA's rows of each input file, in order: each filter may refer to the tables already
 * taken (pupils of these schools, ...). test/fixtures/combined/split.ts splits a multi-LA
 * folder with the same filters, so the two cannot drift apart.
 */
export const LA_FILTERS: Readonly<Record<string, string>> = {
  schools: "la_code = $la",
  pupils: "urn in (select urn from schools)",
  attainment: "upn in (select upn from pupils)",
  tuition: "urn in (select urn from schools)",
  sessions: "tuition_id in (select tuition_id from tuition)",
  viewpoints: "tuition_id in (select tuition_id from tuition)",
  allocations: "la_code = $la",
};

/** Copies LA `la`'s rows of every input file in `input` into `folder` (which must exist), text in, text out. */
export async function copyLaFiles(db: Db, input: string, la: string, folder: string): Promise<void> {
  const read = (name: string) => `read_csv(${literal(join(input, `${name}.csv`))}, header = true, all_varchar = true)`;
  for (const [name, filter] of Object.entries(LA_FILTERS)) {
    // Each table is kept so the next filter can refer to it (pupils of these schools, ...).
    await db.run(`create or replace table ${name} as select * from ${read(name)} where ${filter.replaceAll("$la", literal(la))}`);
    await db.run(`copy ${name} to ${literal(join(folder, `${name}.csv`))} (header, delimiter ',')`);
  }
}

/** Writes the largest LA's files into `out` once (reused afterwards); returns its LA code and schools. */
export async function extractLargestLa(input: string, out: string): Promise<{ la: string; schools: number }> {
  const marker = join(out, "settings.json");
  const db = await Db.open(":memory:");
  try {
    const read = (name: string) => `read_csv(${literal(join(input, `${name}.csv`))}, header = true, all_varchar = true)`;
    const largest = (await db.one<{ la: string; n: number }>(
      `select la_code as la, count(*)::INTEGER as n from ${read("schools")} group by la_code order by n desc, la_code limit 1`,
    ))!;
    if (existsSync(marker)) return { la: largest.la, schools: largest.n };
    const scratch = `${out}.partial`;
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    await copyLaFiles(db, input, largest.la, scratch);
    const settings = JSON.parse(readFileSync(join(input, "settings.json"), "utf8"));
    const { las, ...rest } = settings;
    const la = las.find((l: { old_code: string }) => l.old_code === largest.la);
    writeFileSync(join(scratch, "settings.json"), `${JSON.stringify({ la, ...rest }, null, 2)}\n`);
    writeFileSync(join(scratch, "README.txt"), `Synthetic data: LA ${largest.la} taken from the national synthetic benchmark data (never real pupils).\n`);
    rmSync(out, { recursive: true, force: true });
    renameSync(scratch, out);
    return { la: largest.la, schools: largest.n };
  } finally {
    db.close();
  }
}
