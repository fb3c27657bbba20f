// programmes.md §6.1: a 2009 folder, with or without `"programme": "one_to_one_2009"`, gives
// byte-identical return, workbook and private files and the same site data and tables (the one
// difference allowed is the settings recorded as given, run_info). A small synthetic LA goes
// through the pipeline twice: the shared run of the small LA (test/helpers/small-la-run.ts, its
// settings without programme), then the same input again with the setting written out. (`run` on
// an ntp folder publishes its own release: test/ntp-release.test.ts.)
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { makeReporter } from "../pipelines/core/progress.ts";
import { runPipeline } from "../pipelines/run.ts";
import { smallLaRun } from "./helpers/small-la-run.ts";

let tmp = "";
/** The run without the setting: the shared small LA's --out folder (read only). */
let absent = "";
const quiet = () => makeReporter(process.stderr, true);

function fileHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else out[relative(root, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  for (const sub of ["return", "private"]) walk(join(root, sub));
  return out;
}

/**
 * Each table's columns and an order-free hash of its rows. Doubles are rounded to 8 decimals:
 * DuckDB's parallel sums differ in the last bits from one run to the next (1e-12 in mart_impact),
 * with or without any change; what is published is rounded far coarser (published_* are text).
 */
async function tableHashes(path: string): Promise<Record<string, string>> {
  const db = await Db.open(path, { access_mode: "READ_ONLY" });
  try {
    const out: Record<string, string> = {};
    const tables = await db.all<{ t: string }>(`select table_name as t from duckdb_tables() where table_name <> 'run_info' order by 1`);
    for (const { t } of tables) {
      const cols = await db.all<{ c: string; ty: string }>(
        `select column_name as c, data_type as ty from duckdb_columns() where table_name = ? order by column_index`,
        [t],
      );
      const values = cols.map((c) => (c.ty === "DOUBLE" ? `round("${c.c}", 8)` : `"${c.c}"`));
      const h = await db.one<{ h: string; n: number }>(
        `select coalesce(bit_xor(hash(${values.join(", ")})), 0)::VARCHAR as h, count(*)::INTEGER as n from "${t}"`,
      );
      out[t] = `${cols.map((c) => `${c.c}:${c.ty}`).join(",")} | ${h!.n} rows | ${h!.h}`;
    }
    return out;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const small = await smallLaRun();
  absent = small.out;
  tmp = mkdtempSync(join(tmpdir(), "programme-2009-"));
  const settings = JSON.parse(readFileSync(join(small.input, "settings.json"), "utf8"));
  expect(settings.programme).toBeUndefined();
  const explicit = join(tmp, "settings-2009.json");
  writeFileSync(explicit, JSON.stringify({ ...settings, programme: "one_to_one_2009" }));
  await runPipeline({ input: small.input, out: join(tmp, "given"), settingsPath: explicit, reporter: quiet() });
}, 300_000);

describe("a 2009 folder with and without programme", () => {
  it("writes the same return, workbook and private files, byte for byte", () => {
    const files = fileHashes(absent);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^return\/impact_\d{3}_200910\.csv$/), expect.stringMatching(/\.xlsx$/), "private/quarantine.csv"]),
    );
    expect(fileHashes(join(tmp, "given"))).toEqual(files);
  });

  it("builds the same tables with the same rows (run_context names the programme in both)", async () => {
    const tables = await tableHashes(join(absent, "tuition-impact.duckdb"));
    expect(Object.keys(tables)).toEqual(expect.arrayContaining(["published_impact", "stg_tuition", "quarantine", "run_context"]));
    expect(tables).not.toHaveProperty("programme_breaches");
    expect(await tableHashes(join(tmp, "given", "tuition-impact.duckdb"))).toEqual(tables);
    const db = await Db.open(join(absent, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
    try {
      expect(await db.one(`select programme from run_context`)).toEqual({ programme: "one_to_one_2009" });
      // The ntp columns are there, and empty, in a 2009 run.
      expect(await db.one(`select count(route) + count(group_size) + count(funding_source) as n from stg_tuition`)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
