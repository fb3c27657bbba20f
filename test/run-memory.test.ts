// One memory limit per run (issue 18): the audit's tables go to a scratch catalog inside the run's
// own DuckDB instance (Db.scratch), not to a second instance with DuckDB's default limit (80% of
// RAM), which put a national run's peak at 16.5 GB; and a run drops what validate read once its
// rows are staged. The peak itself is measured by the benchmark, not here: these tests hold the
// mechanisms to what they promise.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSettings } from "../pipelines/core/settings.ts";
import { projectRoot } from "../src/data/source.ts";
import { Db } from "../pipelines/core/db.ts";
import { auditRelease, canariesFromDb } from "../pipelines/export/audit.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { DATASETS } from "../pipelines/ingest/datasets.ts";
import { dropValidatedInputs, validate } from "../pipelines/validate/index.ts";
import { smallLaRun } from "./helpers/small-la-run.ts";

const dir = mkdtempSync(join(tmpdir(), "run-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let copies = 0;

/** A writable copy of a run's database, as a run holds it open (DuckDB attaches no in-memory catalog to a read-only one). */
async function openCopy(out: string): Promise<Db> {
  const path = join(dir, `run-${++copies}.duckdb`);
  cpSync(join(out, "tuition-impact.duckdb"), path);
  return Db.open(path);
}

describe("Db.scratch", () => {
  it("shares its parent's memory limit, keeps its tables out of the parent's file and detaches on release", async () => {
    const parent = await Db.open(join(dir, "parent.duckdb"), { memory_limit: "300MB" });
    try {
      const { db, release } = await parent.scratch();
      const limit = async (d: Db) => (await d.one<{ m: string }>("select current_setting('memory_limit') as m"))!.m;
      expect(await limit(db)).toBe(await limit(parent));
      await db.run("create table made_in_scratch as select 1 as x");
      await db.run("create type scratch_kind as enum ('a', 'b')");
      const where = await parent.all<{ database_name: string }>("select database_name from duckdb_tables() where table_name = 'made_in_scratch'");
      expect(where).toHaveLength(1);
      expect(where[0].database_name).not.toBe("parent");
      await release();
      expect(await parent.all("select 1 from duckdb_tables() where table_name = 'made_in_scratch'")).toEqual([]);
      expect(await parent.all("select 1 from duckdb_types() where type_name = 'scratch_kind'")).toEqual([]);
      expect((await parent.all<{ n: string }>("select database_name as n from duckdb_databases() where not internal")).map((r) => r.n)).toEqual(["parent"]);
    } finally {
      parent.close();
    }
  });
});

describe("the run's audit inside the run's database", () => {
  it("finds what an audit with a database of its own finds, on a real release", async () => {
    const run = await smallLaRun();
    const db = await openCopy(run.out);
    try {
      const options = { canaries: await canariesFromDb(db) };
      const own = await auditRelease(join(run.out, "return"), options);
      const inside = await auditRelease(join(run.out, "return"), { ...options, database: db });
      expect(own.cells).toBeGreaterThan(1000);
      expect({ ...inside, seconds: 0 }).toEqual({ ...own, seconds: 0 });
      // and it left nothing behind in the run's database
      expect((await db.all<{ n: string }>("select database_name as n from duckdb_databases() where not internal")).length).toBe(1);
    } finally {
      db.close();
    }
  });

  it("reports planted breaches the same way: the scratch catalog is not a weaker audit", async () => {
    const run = await smallLaRun();
    const db = await openCopy(run.out);
    try {
      // Every suppressed cell of the LA file published as 2: primary suppression and differencing
      // breaches, all found by the audit's SQL.
      const planted = join(dir, "planted-return");
      cpSync(join(run.out, "return"), planted, { recursive: true });
      const file = readdirSync(planted).find((f) => /^impact_\d{3}_\d{6}\.csv$/.test(f))!;
      const text = readFileSync(join(planted, file), "utf8");
      writeFileSync(join(planted, file), text.replaceAll(/(?<=,)c(?=,|\n)/g, "2"));
      const own = await auditRelease(planted, {});
      const inside = await auditRelease(planted, { database: db });
      expect(own.breaches.length).toBeGreaterThan(10);
      expect(inside.breaches).toEqual(own.breaches);
    } finally {
      db.close();
    }
  });
});

describe("dropValidatedInputs", () => {
  it("drops every dataset's raw and aliased layer and keeps the staged rows", async () => {
    const run = await smallLaRun();
    const settings = loadSettings(join(run.input, "settings.json"));
    const db = await Db.open(":memory:");
    try {
      await ingest(db, run.input, settings, () => {}, { guessHeaders: true });
      await validate(db, settings);
      const inputLayer = `select table_name as n from duckdb_tables() where regexp_matches(table_name, '^(_src|raw|aliased)_')
        union all select view_name from duckdb_views() where regexp_matches(view_name, '^(_src|raw|aliased)_')`;
      expect((await db.all(inputLayer)).length).toBe(3 * DATASETS.length);
      const staged = await db.all(`select ${DATASETS.map((d) => `(select count(*) from stg_${d}) as ${d}`).join(", ")}`);
      await dropValidatedInputs(db);
      expect(await db.all(inputLayer)).toEqual([]);
      expect(await db.all(`select ${DATASETS.map((d) => `(select count(*) from stg_${d}) as ${d}`).join(", ")}`)).toEqual(staged);
    } finally {
      db.close();
    }
  });
});

describe("the dry run (validate)", () => {
  const validate = (input: string, env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [join(projectRoot, "bin", "tuition-impact.js"), "validate", input, "--out", mkdtempSync(join(dir, "dry-")), "--quiet"], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });

  it("is held to the run's memory limit (TUITION_MEMORY_LIMIT), not DuckDB's default of 80% of RAM", async () => {
    const { input } = await smallLaRun();
    const ok = validate(input, { TUITION_MEMORY_LIMIT: "1GB" });
    expect(ok.status, ok.stderr).toBe(0);
    // Loading the attainment file alone takes more than 1 MB: held to that, the dry run cannot finish.
    const starved = validate(input, { TUITION_MEMORY_LIMIT: "1MB" });
    expect(starved.status).not.toBe(0);
    expect(starved.stderr).toMatch(/Out of Memory/i);
  });

  it("spills into a scratch folder of its own and leaves none of its folders in the temp folder", async () => {
    const { input } = await smallLaRun();
    const temp = mkdtempSync(join(dir, "tmp-"));
    const r = validate(input, { TUITION_MEMORY_LIMIT: "1GB", TMPDIR: temp });
    expect(r.status, r.stderr).toBe(0);
    // the tool's own folders (tuition-db-*, tuition-ingest-*); tsx keeps its cache there when bin/ runs the sources
    expect(readdirSync(temp).filter((name) => name.startsWith("tuition-"))).toEqual([]);
  });
});
