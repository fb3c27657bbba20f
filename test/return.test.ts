// The return (outputs.md §1) on generated data for three LAs: file set, exact columns and
// metadata, structural rules checked here independently of the screener, figures equal the
// marts they came from (CSV read back and joined in DuckDB), formula injection, workbook,
// byte-identical rebuilds, and a screener FAIL stopping the run.
import ExcelJS from "exceljs";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Db, literal } from "../pipelines/core/db.ts";
import { formatFixed } from "../pipelines/core/round.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { publish } from "../pipelines/export/disclosure.ts";
import { writeReturn } from "../pipelines/export/return.ts";
import { screen } from "../pipelines/export/screener.ts";
import { buildFakeMarts, CATALOGUE_DELIVERY, CATALOGUE_IMPACT, ESSEX, fakeSettings, HERTS, KENT } from "./fixtures/returns/fake-marts.ts";

const LAS = [HERTS, ESSEX, KENT];
const tmp = mkdtempSync(join(tmpdir(), "return-"));
const catDir = join(tmp, "catalogue");
const outDir = join(tmp, "out");
const settings = fakeSettings(LAS);

// Written out from outputs.md §1, not taken from the code.
const TIME_GEO = [
  "time_period",
  "time_identifier",
  "geographic_level",
  "country_code",
  "country_name",
  "region_code",
  "region_name",
  "old_la_code",
  "new_la_code",
  "la_name",
];
const FILTERS = ["subject", "fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major", "key_stage", "prior_attainment"];
const LA_INDICATORS = ["n_pupils", "n_places", "mean_hours", "pct_full_places", "total_cost_gbp", "impact_points"];
const SCHOOL_INDICATORS = ["n_pupils", "n_places", "mean_hours", "pct_full_places"];
const DP: Record<string, number> = { n_pupils: 0, n_places: 0, mean_hours: 1, pct_full_places: 1, total_cost_gbp: 0, impact_points: 1 };
const MART_OF: Record<string, string> = { impact_points: "mart_impact" };

let db: Db;
let files: string[];
const read = (name: string) => parseTable(readFileSync(join(outDir, name), "utf8"));

beforeAll(async () => {
  db = await Db.open(":memory:");
  await buildFakeMarts(db, { las: LAS, seed: 11, places: 30, catalogueDir: catDir });
  await publish(db, settings, { catalogueDir: catDir });
  files = (await writeReturn(db, settings, outDir)).files;
});
afterAll(() => db.close());

describe("return: files and structure", () => {
  it("writes the LA file, schools file, their metadata, side file and workbook per LA, and data-guidance.md", () => {
    for (const la of LAS) {
      for (const f of [
        `impact_${la.old_code}_200910.csv`,
        `impact_${la.old_code}_200910.meta.csv`,
        `impact_schools_${la.old_code}_200910.csv`,
        `impact_schools_${la.old_code}_200910.meta.csv`,
        `impact_${la.old_code}_200910.aggregation.csv`,
        `impact_${la.old_code}_200910.xlsx`,
      ]) {
        expect(files).toContain(f);
        expect(existsSync(join(outDir, f))).toBe(true);
      }
    }
    expect(files).toContain("data-guidance.md");
  });

  it("has exactly the columns of outputs.md §1 in each file", () => {
    for (const la of LAS) {
      expect(read(`impact_${la.old_code}_200910.csv`).columns).toEqual([...TIME_GEO, ...FILTERS, ...LA_INDICATORS]);
      expect(read(`impact_schools_${la.old_code}_200910.csv`).columns).toEqual([
        ...TIME_GEO,
        "school_urn",
        "school_laestab",
        "school_name",
        ...FILTERS,
        ...SCHOOL_INDICATORS,
      ]);
    }
  });

  it("metadata: exactly the 8 EES columns, one row per filter in use and per indicator, none for time or geography", () => {
    const meta = read("impact_919_200910.meta.csv");
    expect(meta.columns).toEqual([
      "col_name",
      "col_type",
      "label",
      "indicator_grouping",
      "indicator_unit",
      "indicator_dp",
      "filter_hint",
      "filter_grouping_column",
    ]);
    const names = meta.records.map((r) => r.values.col_name);
    // the fake marts break down by sex, fsm_status and sen_provision only; other filters are all Total
    expect(names).toEqual(["subject", "fsm_status", "sex", "sen_provision", ...LA_INDICATORS]);
    const indicators = meta.records.filter((r) => LA_INDICATORS.includes(r.values.col_name as never));
    expect(indicators.length).toBe(LA_INDICATORS.length);
    for (const r of indicators) expect([r.values.col_type, r.values.indicator_dp]).toEqual(["Indicator", String(DP[r.values.col_name])]);
    for (const r of meta.records.filter((r) => !indicators.includes(r))) expect(r.values.col_type).toBe("Filter");
    expect(meta.records.find((r) => r.values.col_name === "pct_full_places")!.values.indicator_unit).toBe("%");
    expect(meta.records.find((r) => r.values.col_name === "total_cost_gbp")!.values.indicator_unit).toBe("£");
  });

  it("rows: time, geography, at most one characteristic per row, unique, only numbers or c/x/z, no small counts", () => {
    for (const la of LAS) {
      for (const [file, level] of [
        [`impact_${la.old_code}_200910.csv`, "Local authority"],
        [`impact_schools_${la.old_code}_200910.csv`, "School"],
      ] as const) {
        const t = read(file);
        const seen = new Set<string>();
        for (const { values: v } of t.records) {
          expect([v.time_period, v.time_identifier, v.geographic_level]).toEqual(["200910", "Academic year", level]);
          expect([v.country_code, v.country_name, v.region_code, v.region_name]).toEqual(["E92000001", "England", la.region_code, la.region_name]);
          expect([v.old_la_code, v.new_la_code, v.la_name]).toEqual([la.old_code, la.gss_code, la.name]);
          expect(["English", "Mathematics", "Total"]).toContain(v.subject);
          expect(FILTERS.slice(1).filter((f) => v[f] !== "Total").length).toBeLessThanOrEqual(1);
          const key = [v.school_urn, ...FILTERS.map((f) => v[f])].join("|");
          expect(seen.has(key), `duplicate ${key}`).toBe(false);
          seen.add(key);
          for (const c of t.columns) expect(v[c], `${file} ${c} is blank`).not.toBe("");
          for (const ind of level === "School" ? SCHOOL_INDICATORS : LA_INDICATORS) expect(v[ind]).toMatch(/^(-?\d+(\.\d+)?|c|x|z)$/);
          for (const ind of ["n_pupils", "n_places"]) expect(v[ind] === "c" || Number(v[ind]) === 0 || Number(v[ind]) >= 5, `${ind} = ${v[ind]}`).toBe(true);
        }
      }
    }
  });

  it("includes suppressed cells and x cells with footnotes in data-guidance.md", () => {
    const all = LAS.flatMap((la) => [...read(`impact_${la.old_code}_200910.csv`).records, ...read(`impact_schools_${la.old_code}_200910.csv`).records]);
    expect(all.filter((r) => r.values.n_pupils === "c").length).toBeGreaterThan(0);
    expect(all.filter((r) => r.values.impact_points === "x").length).toBeGreaterThan(0);
    const guidance = readFileSync(join(outDir, "data-guidance.md"), "utf8");
    expect(guidance).toContain("Fewer than 10 tutees: too few to estimate an impact");
    for (const c of [...FILTERS, ...LA_INDICATORS, "school_urn"]) expect(guidance).toContain(`| ${c} |`);
  });

  it("passes the screener (every FAIL rule) for each file", () => {
    for (const la of LAS) {
      for (const f of [`impact_${la.old_code}_200910`, `impact_schools_${la.old_code}_200910`]) {
        const results = screen(readFileSync(join(outDir, `${f}.csv`), "utf8"), readFileSync(join(outDir, `${f}.meta.csv`), "utf8"), {
          data: `${f}.csv`,
          meta: `${f}.meta.csv`,
        });
        expect(results.filter((r) => r.level === "FAIL")).toEqual([]);
      }
    }
  });
});

describe("return: figures equal the marts they came from", () => {
  for (const level of ["la", "school"] as const) {
    it(`${level} file, read back and joined to the marts in DuckDB`, async () => {
      for (const la of LAS) {
        const file = join(outDir, level === "la" ? `impact_${la.old_code}_200910.csv` : `impact_schools_${la.old_code}_200910.csv`);
        const breakdown = `coalesce(${FILTERS.slice(1)
          .map((f) => `case when r.${f} <> 'Total' then '${f}' end`)
          .join(", ")}, 'total')`;
        const group = `coalesce(${FILTERS.slice(1)
          .map((f) => `case when r.${f} <> 'Total' then r.${f} end`)
          .join(", ")}, 'Total')`;
        const inds = level === "la" ? LA_INDICATORS : SCHOOL_INDICATORS;
        const rows = await db.all<Record<string, unknown>>(
          `with r as (select * from read_csv(${literal(file)}, all_varchar = true, header = true)),
           k as (select r.*, ${breakdown} as bd, ${group} as gl from r)
           select ${inds.map((i) => `k.${i} as csv_${i}, ${MART_OF[i] === "mart_impact" ? "i" : "d"}.${i} as mart_${i}`).join(", ")},
             d.n_places as mart_places
           from k
           left join mart_delivery d on d.time_period = k.time_period and d.la_code = k.old_la_code and d.subject = k.subject
             and d.breakdown = k.bd and d.group_label = k.gl and d.urn is not distinct from ${level === "la" ? "null" : "k.school_urn"}
           left join mart_impact i on i.time_period = k.time_period and i.la_code = k.old_la_code and i.subject = k.subject
             and i.breakdown = k.bd and i.group_label = k.gl and i.urn is null`,
        );
        const martCount = await db.one<{ n: number }>(
          `select count(*) as n from mart_delivery where la_code = ? and urn is ${level === "la" ? "" : "not"} null`,
          [la.old_code],
        );
        expect(rows.length).toBe(martCount!.n);
        let compared = 0;
        for (const r of rows) {
          expect(r.mart_places, "every CSV row matches a mart row").not.toBeNull();
          for (const i of inds) {
            const csv = String(r[`csv_${i}`]);
            if (csv === "c" || csv === "x" || csv === "z") continue;
            expect(csv, `${i}`).toBe(formatFixed(Number(r[`mart_${i}`]), DP[i]));
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(20);
      }
    });
  }
});

describe("return: published_schools, the site's list of schools", () => {
  it("lists exactly the schools of the schools files, with their LAESTAB and name (as staged: the CSV adds its formula apostrophe)", async () => {
    const inFiles = new Map<string, { laestab: string; name: string }>();
    for (const la of LAS)
      for (const r of read(`impact_schools_${la.old_code}_200910.csv`).records)
        inFiles.set(r.values.school_urn, { laestab: r.values.school_laestab, name: r.values.school_name });
    const published = await db.all<{ urn: string; laestab: string; school_name: string }>(
      "select urn, laestab, school_name from published_schools order by urn",
    );
    expect(published.map((r) => r.urn)).toEqual([...inFiles.keys()].sort());
    for (const r of published) {
      const file = inFiles.get(r.urn)!;
      expect(r.laestab, r.urn).toBe(file.laestab);
      expect(/^[=+\-@]/.test(r.school_name) ? `'${r.school_name}` : r.school_name, r.urn).toBe(file.name);
    }
    expect(published.map((r) => r.school_name)).toContain(`=HYPERLINK("x") Primary`);
  });
});

describe("return: formula injection and the workbook", () => {
  it("neutralises a school name starting with = in CSV and workbook, and leaves negative numbers alone", async () => {
    const schools = read("impact_schools_919_200910.csv");
    const names = new Set(schools.records.map((r) => r.values.school_name));
    expect(names).toContain(`'=HYPERLINK("x") Primary`);
    expect([...names].some((n) => n.startsWith("="))).toBe(false);
    const impacts = LAS.flatMap((la) => read(`impact_${la.old_code}_200910.csv`).records.map((r) => r.values.impact_points));
    const negatives = impacts.filter((v) => v.startsWith("-"));
    expect(negatives.length).toBeGreaterThan(0);
    for (const v of negatives) expect(v).toMatch(/^-\d+\.\d$/);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(outDir, "impact_919_200910.xlsx"));
    const cells: unknown[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(c.value))));
    const texts = cells.filter((v): v is string => typeof v === "string");
    expect(texts).toContain(`'=HYPERLINK("x") Primary`);
    expect(texts.some((t) => /^[=+@-]/.test(t))).toBe(false);
    expect(cells.some((v) => typeof v === "number" && v < 0)).toBe(true);
  });

  it("workbook: cover sheet with what, when and inputs; one sheet per topic with the CSV's figures", async () => {
    await db.run(`create or replace table ingest_files as select 'pupils' as dataset, 'pupils.csv' as file, 'abc123' as sha256`);
    const dir = join(tmp, "wb");
    await writeReturn(db, settings, dir);
    await db.run(`drop table ingest_files`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, "impact_919_200910.xlsx"));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Cover", "Glossary", "Delivery", "Impact", "Delivery (schools)"]);
    const cover: string[] = [];
    wb.getWorksheet("Cover")!.eachRow((row) => cover.push(row.values.toString()));
    const text = cover.join("\n");
    expect(text).toContain("Hertfordshire");
    expect(text).toContain("2010-09-30");
    expect(text).toContain("pupils.csv,abc123");
    const sheet = wb.getWorksheet("Delivery")!;
    // headed by the catalogue labels (test/workbook.test.ts checks the layout in full)
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const LABEL: Record<string, string> = { n_pupils: "Pupils with tuition", mean_hours: "Mean hours delivered per place", total_cost_gbp: "Total cost" };
    const csv = read("impact_919_200910.csv");
    expect(sheet.rowCount - 1).toBe(csv.records.length);
    csv.records.forEach((r, i) => {
      const row = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      for (const c of ["n_pupils", "mean_hours", "total_cost_gbp"]) {
        const v = row[header.indexOf(LABEL[c])];
        expect(typeof v === "number" ? formatFixed(v, DP[c]) : v).toBe(r.values[c]);
      }
    });
  });

  it("is byte-identical when rebuilt later from the same inputs", async () => {
    const dirs = [join(tmp, "same-a"), join(tmp, "same-b")];
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-01-01T10:00:00Z"));
      await writeReturn(db, settings, dirs[0]);
      vi.setSystemTime(new Date("2027-06-15T18:31:07Z"));
      await writeReturn(db, settings, dirs[1]);
    } finally {
      vi.useRealTimers();
    }
    const names = readdirSync(dirs[0]).sort();
    expect(readdirSync(dirs[1]).sort()).toEqual(names);
    for (const n of names) expect(readFileSync(join(dirs[1], n)).equals(readFileSync(join(dirs[0], n))), n).toBe(true);
  });
});

describe("return: a screener FAIL stops the run", () => {
  it("throws naming rule, row and column, and writes nothing", async () => {
    const db2 = await Db.open(":memory:");
    const cat = join(tmp, "cat-bad");
    await buildFakeMarts(db2, { las: [HERTS], seed: 3, catalogueDir: cat });
    await db2.run(`alter table mart_delivery add column pct_female double`);
    await db2.run(`update mart_delivery set pct_female = 50`);
    writeFileSync(join(cat, "delivery.csv"), `${CATALOGUE_DELIVERY}pct_female,mart_delivery,Share female,Delivery,%,1,n_pupils,la,\n`);
    writeFileSync(join(cat, "impact.csv"), CATALOGUE_IMPACT);
    const s = fakeSettings([HERTS]);
    await publish(db2, s, { catalogueDir: cat });
    const dir = join(tmp, "bad-out");
    await expect(writeReturn(db2, s, dir)).rejects.toThrow(
      /impact_919_200910\.csv fails the EES screener:\n {2}- rule col_ind_smushed, metadata row \d+, column col_name: Indicator 'pct_female' names a group/,
    );
    expect(existsSync(dir)).toBe(false);
    db2.close();
  });
});

describe("return: a national run (marts with National rows)", () => {
  it("also writes impact_national_<period>.csv with every LA's rows and National rows, screened", async () => {
    const db3 = await Db.open(":memory:");
    const cat = join(tmp, "cat-national");
    await buildFakeMarts(db3, { las: LAS, seed: 4, catalogueDir: cat, national: true });
    await publish(db3, settings, { catalogueDir: cat });
    const dir = join(tmp, "national-run");
    const written = (await writeReturn(db3, settings, dir)).files;
    expect(written).toEqual(expect.arrayContaining(["impact_national_200910.csv", "impact_national_200910.meta.csv", "impact_919_200910.csv"]));
    expect(written).not.toContain("impact_schools_national_200910.csv");
    const t = parseTable(readFileSync(join(dir, "impact_national_200910.csv"), "utf8"));
    const levels = new Set(t.records.map((r) => r.values.geographic_level));
    expect(levels).toEqual(new Set(["Local authority", "National"]));
    for (const r of t.records.filter((x) => x.values.geographic_level === "National")) {
      expect([r.values.region_code, r.values.old_la_code, r.values.new_la_code, r.values.la_name]).toEqual(["", "", "", ""]);
    }
    const totals = await db3.one<{ n: number }>(
      `select n_pupils as n from mart_delivery where la_code = 'National' and subject = 'English' and breakdown = 'total'`,
    );
    const row = t.records.find(
      (r) => r.values.geographic_level === "National" && r.values.subject === "English" && FILTERS.slice(1).every((f) => r.values[f] === "Total"),
    );
    expect(row!.values.n_pupils).toBe(String(totals!.n));
    const results = screen(readFileSync(join(dir, "impact_national_200910.csv"), "utf8"), readFileSync(join(dir, "impact_national_200910.meta.csv"), "utf8"), {
      data: "impact_national_200910.csv",
      meta: "impact_national_200910.meta.csv",
    });
    expect(results.filter((r) => r.level === "FAIL")).toEqual([]);
    db3.close();
  });
});
