// Security of the inputs (issue 8), on a whole run of the planted fixture with hostile values
// planted in it: cells a spreadsheet would run are neutralised in every file we write (return
// CSVs, workbook, private CSVs) while numbers such as -1.5 stay numbers; SQL written into
// values, header aliases and ids is data; settings cannot name paths at all.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { parseSettings, SettingsError } from "../pipelines/core/settings.ts";
import { parseCsv } from "../pipelines/export/csv.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "ingest", "planted");

const HOSTILE_NAMES = { "100001": '=HYPERLINK("http://x","click")', "100002": "@SUM(1+1)", "100003": "+cmd|' /C calc'!A0" };
const SQL_ALIAS = "Name'); drop table raw_schools; --";
const SQL_TUTOR = "'); drop table stg_tuition; --";

/** A cell a spreadsheet would treat as a formula (a plain number is not one). */
const runnable = (v: string) => /^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v);

describe("security of the inputs", () => {
  let out: string;
  let run: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    const input = mkdtempSync(join(tmpdir(), "security-in-"));
    cpSync(FIXTURE, input, { recursive: true });
    // Schools: hostile names, and the name column under a header that is SQL (an alias in settings).
    const schools = readFileSync(join(FIXTURE, "schools.csv"), "utf8").split("\n");
    schools[0] = schools[0].replace("School Name", `"${SQL_ALIAS.replaceAll('"', '""')}"`);
    for (let i = 1; i < schools.length; i++) {
      const urn = schools[i].slice(0, 6) as keyof typeof HOSTILE_NAMES;
      if (HOSTILE_NAMES[urn]) {
        const f = schools[i].split(",");
        f[2] = `"${HOSTILE_NAMES[urn].replaceAll('"', '""')}"`;
        schools[i] = f.join(",");
      }
    }
    writeFileSync(join(input, "schools.csv"), schools.join("\n"));
    // Tuition: a tutor id that is SQL. Sessions: minutes -1.5 and =2+5 (both quarantined, reported as written).
    writeFileSync(join(input, "tuition.csv"), readFileSync(join(FIXTURE, "tuition.csv"), "utf8").replace(",TU01,", `,"${SQL_TUTOR}",`));
    writeFileSync(
      join(input, "sessions.csv"),
      `${readFileSync(join(FIXTURE, "sessions.csv"), "utf8").trimEnd()}\nT001,2009-11-09,-1.5,Y,Y\nT001,2009-11-10,=2+5,Y,Y\n`,
    );
    const settings = JSON.parse(readFileSync(join(FIXTURE, "settings.json"), "utf8"));
    settings.header_aliases.schools = { school_name: [SQL_ALIAS] };
    writeFileSync(join(input, "settings.json"), JSON.stringify(settings));
    out = mkdtempSync(join(tmpdir(), "security-out-"));
    run = spawnSync(process.execPath, [join(ROOT, "bin", "tuition-impact.js"), "run", input, "--out", out, "--quiet"], {
      encoding: "utf8",
      env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" },
    });
  });

  it("runs, with SQL in a header alias, a tutor id and school names kept as data", async () => {
    expect(run.status, String(run.stderr)).toBe(0);
    const db = await Db.open(join(out, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
    try {
      const names = await db.all<{ urn: string; school_name: string }>(
        `select urn, school_name from stg_schools where urn in ('100001', '100002', '100003') order by urn`,
      );
      expect(names).toEqual(Object.entries(HOSTILE_NAMES).map(([urn, school_name]) => ({ urn, school_name })));
      expect(await db.all(`select tuition_id from stg_tuition where tutor_id = ?`, [SQL_TUTOR])).toEqual([{ tuition_id: "T001" }]);
      const tables = (await db.all<{ t: string }>(`select table_name as t from duckdb_tables()`)).map((r) => r.t);
      // raw_* are temporary views of the run; had the alias's "drop table raw_schools" run,
      // ingest would have failed and no stg_* would exist.
      for (const t of ["stg_pupils", "stg_tuition", "stg_schools", "quarantine"]) expect(tables).toContain(t);
    } finally {
      db.close();
    }
  });

  function csvFiles(dir: string): string[] {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".csv"))
      .map((f) => join(dir, f));
  }

  it("neutralises every runnable cell of every CSV written (return and private), numbers left alone", () => {
    const files = [...csvFiles(join(out, "return")), ...csvFiles(join(out, "private"))];
    expect(files.length).toBeGreaterThanOrEqual(6);
    const cells: string[] = [];
    for (const f of files) for (const row of parseCsv(readFileSync(f, "utf8"))) cells.push(...row);
    expect(cells.filter(runnable)).toEqual([]);
    // The planted names reach the schools file, each behind an apostrophe.
    const schoolsFile = files.find((f) => /impact_schools_919_\d{6}\.csv$/.test(f))!;
    const schoolCells = new Set(parseCsv(readFileSync(schoolsFile, "utf8")).flat());
    const shown = Object.values(HOSTILE_NAMES).filter((n) => schoolCells.has(`'${n}`));
    expect(shown.length).toBeGreaterThan(0);
    for (const n of Object.values(HOSTILE_NAMES)) expect(schoolCells.has(n)).toBe(false);
  });

  it("reports quarantined values as written: -1.5 stays -1.5, =2+5 becomes '=2+5", () => {
    const rows = parseCsv(readFileSync(join(out, "private", "quarantine.csv"), "utf8"));
    const [header, ...body] = rows;
    const at = (name: string) => header.indexOf(name);
    const minutes = body.filter((r) => r[at("file")] === "sessions.csv" && r[at("column")] === "minutes").map((r) => r[at("value")]);
    expect(minutes).toContain("-1.5");
    expect(minutes).toContain("'=2+5");
    expect(minutes).not.toContain("'-1.5");
  });

  it("the workbook: no formulas, no runnable text, numbers as numbers", async () => {
    const file = readdirSync(join(out, "return")).find((f) => f.endsWith(".xlsx"))!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, "return", file));
    let numbers = 0;
    const bad: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          const v = cell.value;
          if (typeof v === "number") numbers++;
          else if (typeof v === "string") {
            if (runnable(v)) bad.push(`${ws.name}!${cell.address}: ${v}`);
          } else if (v && typeof v === "object" && ("formula" in v || "sharedFormula" in v)) bad.push(`${ws.name}!${cell.address}: formula`);
        }),
      ),
    );
    expect(bad).toEqual([]);
    expect(numbers).toBeGreaterThan(0);
  });
});

describe("settings cannot name paths", () => {
  const LA = { old_code: "919", name: "Synthetic LA", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
  it.each([
    ["output", "../../etc"],
    ["catalogue_dir", "/etc"],
    ["database", "/tmp/x.duckdb"],
    ["input", "../other-la"],
  ])("refuses an unknown setting %s (settings hold no paths; --out and --settings are the user's own)", (key, value) => {
    expect(() => parseSettings({ la: LA, [key]: value })).toThrow(SettingsError);
  });
});
