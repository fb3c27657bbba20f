// Validate on a real LA's spellings (issue 14): academic years and LAESTABs as exports write
// them, value_aliases read before validation and reported, every unknown code value of every
// coded column in one pass with a value_aliases block to paste, and another LA's allocation
// row held back by validate (not found late by the return writer). Small synthetic inputs
// (pipelines/synth, 4 schools), changed by each test in its own copy.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { loadSettings, SettingsError } from "../pipelines/core/settings.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { transform } from "../pipelines/transform/index.ts";
import { buildDescriptiveMarts } from "../pipelines/measures/descriptive.ts";
import { validate } from "../pipelines/validate/index.ts";
import { codedColumn, suggestCode } from "../pipelines/validate/codes.ts";
import { buildValidateReport, formatUnknownValues, valueAliasesBlock } from "../pipelines/validate/report.ts";
import { copyFolder, editCsv as edit, editSettings } from "./helpers/input-folder.ts";

let clean: string;
/** A copy of the clean folder to change. */
const copy = () => copyFolder(clean, "validate-input-case");

beforeAll(async () => {
  clean = mkdtempSync(join(tmpdir(), "validate-input-"));
  await synthesise({ scale: "la", seed: 5, out: clean, schools: 4 }, () => {});
});

async function validated(dir: string) {
  const db = await Db.open(":memory:");
  const settings = loadSettings(join(dir, "settings.json"));
  await ingest(db, dir, settings);
  await validate(db, settings);
  return { db, settings };
}

describe("spellings exports use", () => {
  const YEARS = (y: string) => {
    const first = y.slice(0, 4);
    const next = String(Number(first) + 1);
    return [`${first}/${next.slice(2)}`, `${first}-${next.slice(2)}`, `${first}/${next}`, `${first}-${next}`, `${first}${next.slice(2)}`];
  };

  it("reads every academic year and LAESTAB spelling as the canonical form, and still refuses a wrong one", async () => {
    const dir = copy();
    const originalYears: Record<string, string[]> = {};
    for (const file of ["pupils.csv", "tuition.csv", "allocations.csv"]) {
      originalYears[file] = [];
      edit(dir, file, (row, i) => {
        originalYears[file].push(row.academic_year);
        row.academic_year = YEARS(row.academic_year)[i % 5];
      });
    }
    const laestabs: string[] = [];
    edit(dir, "schools.csv", (row, i) => {
      laestabs.push(row.laestab);
      row.laestab = [row.laestab, `${row.laestab.slice(0, 3)}/${row.laestab.slice(3)}`, `${row.laestab.slice(0, 3)}-${row.laestab.slice(3)}`][i % 3];
    });
    // Every spelling is used at least once in the files (the data has enough rows).
    expect(edit(dir, "pupils.csv", (row) => row.academic_year.length === 6)).toBeGreaterThan(0);
    expect(edit(dir, "schools.csv", (row) => row.laestab.includes("-"))).toBeGreaterThan(0);

    const { db } = await validated(dir);
    expect(await db.all(`select file, line, "column", value, rule from quarantine`)).toEqual([]);
    for (const [table, file] of [
      ["stg_pupils", "pupils.csv"],
      ["stg_tuition", "tuition.csv"],
      ["stg_allocations", "allocations.csv"],
    ]) {
      const years = (await db.all<{ y: string }>(`select academic_year as y from ${table} order by _line`)).map((r) => r.y);
      expect(years, table).toEqual(originalYears[file]);
    }
    expect((await db.all<{ l: string }>(`select laestab as l from stg_schools order by _line`)).map((r) => r.l)).toEqual(laestabs);
    db.close();

    const bad = copy();
    const wrong = ["2009/11", "2009-2011", "20091", "2009/2010/11", "09/10"];
    edit(bad, "pupils.csv", (row, i) => {
      if (i < wrong.length) row.academic_year = wrong[i];
    });
    edit(bad, "schools.csv", (row, i) => {
      if (i === 0) row.laestab = "919/20011";
    });
    editSettings(bad, (s) => (s.max_quarantine_share = 1));
    const second = await validated(bad);
    const held = await second.db.all<{ value: string; rule: string }>(
      `select value, rule from quarantine where "column" in ('academic_year', 'laestab') order by line, file`,
    );
    expect(
      held
        .filter((r) => r.rule === "bad_academic_year")
        .map((r) => r.value)
        .sort(),
    ).toEqual([...wrong].sort());
    expect(held.filter((r) => r.rule === "bad_code").map((r) => r.value)).toEqual(["919/20011"]);
    second.db.close();
  });
});

describe("value_aliases", () => {
  it("reads the aliased words as codes before validation, and records and reports each alias with its rows", async () => {
    const dir = copy();
    const words: Record<string, string> = {
      falling_behind: "Falling behind",
      below_expected_on_entry: "Below expected on entry",
      looked_after: "Looked After",
    };
    const expected: string[] = [];
    const changed = edit(dir, "tuition.csv", (row) => {
      expected.push(row.entry_reason);
      if (!words[row.entry_reason]) return false;
      row.entry_reason = words[row.entry_reason];
      return true;
    });
    expect(changed).toBeGreaterThan(0);
    const perWord = Object.fromEntries(Object.keys(words).map((code) => [code, expected.filter((e) => e === code).length]));
    // Matching ignores case and surrounding spaces of the alias.
    editSettings(
      dir,
      (s) =>
        (s.value_aliases = {
          tuition: {
            entry_reason: {
              " falling BEHIND ": "falling_behind",
              "below expected on entry": "below_expected_on_entry",
              "looked after": "looked_after",
              "never used": "falling_behind",
            },
          },
        }),
    );

    const { db, settings } = await validated(dir);
    expect(await db.all(`select line, "column", value, rule from quarantine`)).toEqual([]);
    expect((await db.all<{ e: string }>(`select entry_reason as e from stg_tuition order by _line`)).map((r) => r.e)).toEqual(expected);
    const applied = await db.all<{ raw_value: string; code: string; rows: number }>(
      `select raw_value, code, rows from value_aliases_applied order by raw_value`,
    );
    expect(applied).toEqual([
      { raw_value: " falling BEHIND ", code: "falling_behind", rows: perWord.falling_behind },
      { raw_value: "below expected on entry", code: "below_expected_on_entry", rows: perWord.below_expected_on_entry },
      { raw_value: "looked after", code: "looked_after", rows: perWord.looked_after },
      { raw_value: "never used", code: "falling_behind", rows: 0 },
    ]);
    expect((await buildValidateReport(db)).aliasesApplied.map((a) => a.rows)).toEqual(applied.map((a) => a.rows));

    // The data-quality mart counts the values read through aliases (no values, no pupils).
    await transform(db, settings);
    await buildDescriptiveMarts(db, settings);
    const dq = await db.all<{ subject: string; n: number | null }>(`select subject, dq_values_aliased::INTEGER as n from mart_data_quality order by subject`);
    expect(dq.find((r) => r.subject === "Total")?.n).toBe(changed);
    expect(dq.filter((r) => r.subject !== "Total").map((r) => r.n)).toEqual([null, null]);
    db.close();
  });

  it("refuses, as a settings error naming the key, an alias to a value the column does not accept or of a column that is not coded", async () => {
    const dir = copy();
    editSettings(dir, (s) => (s.value_aliases = { tuition: { entry_reason: { "Falling behind": "falling-behind" }, upn: { x: "y" } } }));
    const db = await Db.open(":memory:");
    const settings = loadSettings(join(dir, "settings.json"));
    await ingest(db, dir, settings);
    const error = await validate(db, settings).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(SettingsError);
    expect(error?.message).toContain(`value_aliases.tuition.entry_reason."Falling behind": "falling-behind" is not a value tuition.entry_reason accepts`);
    expect(error?.message).toContain("value_aliases.tuition.upn: not a coded column of tuition");
    db.close();
  });
});

describe("unknown code values, every coded column in one pass", () => {
  it("lists each value with its rows and first lines, and a value_aliases block that, pasted, loads every row", async () => {
    const dir = copy();
    editSettings(dir, (s) => (s.max_quarantine_share = 1));
    const planted = [
      { file: "tuition.csv", column: "entry_reason", value: "Falling behind", code: "falling_behind" },
      { file: "tuition.csv", column: "allocation", value: "FSM place", code: "fsm" },
      { file: "pupils.csv", column: "sen", value: "School Action Plus", code: "P" },
      { file: "pupils.csv", column: "gender", value: "Female", code: "F" },
      { file: "pupils.csv", column: "nc_year", value: "Year 5", code: "5" },
      { file: "schools.csv", column: "phase", value: "Primary School", code: "primary" },
      { file: "attainment.csv", column: "subject", value: "Mathematics", code: "maths" },
      { file: "viewpoints.csv", column: "stage", value: "Before", code: "pre" },
      { file: "allocations.csv", column: "key_stage", value: "Key Stage Two", code: null },
    ];
    // Each planted value replaces the code on some rows; the lines (header = 1) are recorded here.
    const lines: Record<string, number[]> = {};
    for (const p of planted) {
      lines[p.value] = [];
      edit(dir, p.file, (row, i) => {
        if (p.column === "nc_year" && row.nc_year !== "5") return;
        if (p.column === "gender" && row.gender !== "F") return;
        if (p.column === "sen" && row.sen !== "P" && i % 7 !== 0) return;
        if (p.column === "entry_reason" && row.entry_reason !== "falling_behind") return;
        if (p.column === "allocation" && row.allocation !== "fsm") return;
        if (p.column === "stage" && row.stage !== "pre") return;
        if (p.column === "subject" && row.subject !== "maths") return;
        if (p.column === "phase" && row.phase !== "primary") return;
        if (p.column === "key_stage" && i > 1) return;
        row[p.column] = p.value;
        lines[p.value].push(i + 2);
      });
      expect(lines[p.value].length, p.value).toBeGreaterThan(0);
    }

    const { db } = await validated(dir);
    const report = await buildValidateReport(db);
    const got = report.unknownValues.map((u) => ({ file: u.file, column: u.column, value: u.value, rows: u.rows, lines: u.lines, code: u.suggestion }));
    expect(got.sort((a, b) => a.value.localeCompare(b.value))).toEqual(
      planted
        .map((p) => ({ file: p.file, column: p.column, value: p.value, rows: lines[p.value].length, lines: lines[p.value].slice(0, 3), code: p.code }))
        .sort((a, b) => a.value.localeCompare(b.value)),
    );
    const text = formatUnknownValues(report);
    for (const p of planted) expect(text).toContain(JSON.stringify(p.value));
    expect(text).toContain(`"Key Stage Two": "<2, 3 or 4>"`);
    db.close();

    // Paste the block, with the one placeholder replaced, and every row loads in one more round.
    const block = valueAliasesBlock(report.unknownValues);
    block.allocations.key_stage["Key Stage Two"] = "2";
    editSettings(dir, (s) => (s.value_aliases = block));
    const second = await validated(dir);
    expect(await second.db.all(`select file, line, "column", value, rule from quarantine`)).toEqual([]);
    second.db.close();
  });

  it("guesses only where a guess is good", () => {
    const col = (d: string, c: string) => codedColumn(d, c)!;
    const none = () => Number.POSITIVE_INFINITY;
    expect(suggestCode(col("tuition", "entry_reason"), "Below expected", none)).toBe("below_expected_on_entry");
    expect(suggestCode(col("schools", "phase"), "All Through", none)).toBe("all-through");
    expect(suggestCode(col("tuition", "entry_reason"), "Below expected level on entry", none)).toBe("below_expected_on_entry");
    expect(suggestCode(col("tuition", "entry_reason"), "Looked after child", none)).toBe("looked_after");
    expect(suggestCode(col("pupils", "sen"), "SA+", none)).toBe("P");
    expect(suggestCode(col("pupils", "nc_year"), "Reception", none)).toBe("R");
    // One letter is never a guess from a first letter (S could be Statement or School Action).
    expect(suggestCode(col("pupils", "sen"), "Special", none)).toBeNull();
    expect(suggestCode(col("pupils", "fsm"), "maybe", none)).toBeNull();
    // A typing slip, by the edit distance the caller computes.
    const lev = (a: string, b: string) => (a === "secondry" && b === "secondary" ? 1 : 9);
    expect(suggestCode(col("schools", "phase"), "Secondry", lev)).toBe("secondary");
  });
});

describe("another LA's row", () => {
  it("an allocation for an LA not in the settings is quarantined by validate as unknown_la, with file, line and column", async () => {
    const dir = copy();
    editSettings(dir, (s) => (s.max_quarantine_share = 1));
    let line = 0;
    edit(dir, "allocations.csv", (row, i) => {
      if (i !== 1) return;
      row.la_code = "331";
      line = i + 2;
    });
    const { db } = await validated(dir);
    const held = await db.all(`select file, line, "column", value, rule from quarantine`);
    expect(held).toEqual([{ file: "allocations.csv", line, column: "la_code", value: "331", rule: "unknown_la" }]);
    expect(await db.all(`select * from stg_allocations where la_code = '331'`)).toEqual([]);
    db.close();
  });
});
