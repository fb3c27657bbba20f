// Trends over academic years (issue 19 item 4). A synthetic LA of two years (`synth --years 2`:
// the same schools, its pupils moving up a year) goes through the pipeline once with both years
// and once per year alone (settings naming that year, the same input files). The contract: a
// year's figures do not depend on which other years are analysed, so each year's return files
// from the two-year run equal the one-year run's byte for byte; the return (one data file per
// academic year, outputs.md §1) passes the screener and the release audit.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeReporter } from "../pipelines/core/progress.ts";
import { auditRelease } from "../pipelines/export/audit.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { screen } from "../pipelines/export/screener.ts";
import { runPipeline } from "../pipelines/run.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { Db } from "../pipelines/core/db.ts";
import { martRows } from "../src/data/page-data.ts";
// @ts-expect-error plain JS module of the site (no declarations)
import { CHANGE_SHARE, changeNotes, yearColumns, yearKey, yearsSideBySide } from "../src/components/trends.js";

const YEARS = ["2009/10", "2010/11"];
const PERIODS = ["200910", "201011"];
let tmp = "";
const quiet = () => makeReporter(process.stderr, true);

function csvRows(path: string): Record<string, string>[] {
  return parseTable(readFileSync(path, "utf8")).records.map((r) => r.values);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "trends-"));
  await synthesise({ scale: "la", seed: 3, out: join(tmp, "in"), schools: 10, years: 2 });
  await synthesise({ scale: "la", seed: 3, out: join(tmp, "in1"), schools: 10 });
  const settings = JSON.parse(readFileSync(join(tmp, "in", "settings.json"), "utf8"));
  await runPipeline({ input: join(tmp, "in"), out: join(tmp, "both"), reporter: quiet() });
  for (const [i, year] of YEARS.entries()) {
    const path = join(tmp, `settings-${PERIODS[i]}.json`);
    writeFileSync(path, JSON.stringify({ ...settings, academic_years: [year] }));
    await runPipeline({ input: join(tmp, "in"), out: join(tmp, PERIODS[i]), settingsPath: path, reporter: quiet() });
  }
}, 300_000);

describe("synth --years", () => {
  it("keeps the first year exactly as a one-year run writes it and adds the next year after it", () => {
    for (const file of ["pupils.csv", "attainment.csv", "tuition.csv", "sessions.csv", "allocations.csv", "schools.csv"]) {
      const one = readFileSync(join(tmp, "in1", file), "utf8");
      const two = readFileSync(join(tmp, "in", file), "utf8");
      expect(two.startsWith(one), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(tmp, "in", "settings.json"), "utf8")).academic_years).toEqual(YEARS);
    const tuition = csvRows(join(tmp, "in", "tuition.csv"));
    for (const year of YEARS) expect(tuition.filter((r) => r.academic_year === year).length, year).toBeGreaterThan(0);
    for (const r of tuition.filter((t) => t.academic_year === "2010/11")) {
      expect(r.start_date >= "2010-09-01" && r.end_date <= "2011-08-31", `${r.tuition_id} ${r.start_date}..${r.end_date}`).toBe(true);
    }
  });

  it("moves the same pupils up one NC year in the same school", () => {
    const pupils = csvRows(join(tmp, "in", "pupils.csv"));
    const first = new Map(pupils.filter((p) => p.academic_year === "2009/10").map((p) => [p.upn, p]));
    const second = pupils.filter((p) => p.academic_year === "2010/11");
    const stayed = second.filter((p) => first.has(p.upn));
    // Most of the second year's census are last year's pupils (the rest joined: Reception, new schools' years).
    expect(stayed.length).toBeGreaterThan(second.length / 2);
    const nc = (v: string) => (v === "R" ? 0 : Number(v));
    const wrong = stayed.filter((p) => nc(p.nc_year) !== nc(first.get(p.upn)!.nc_year) + 1 || p.urn !== first.get(p.upn)!.urn);
    expect(wrong.map((p) => p.upn)).toEqual([]);
  });
});

describe("a run over two academic years", () => {
  it("writes the return of each year, one time_period per file, as the run of that year alone does", () => {
    const both = readdirSync(join(tmp, "both", "return"));
    for (const [i, tp] of PERIODS.entries()) {
      const own = readdirSync(join(tmp, tp, "return")).filter((f) => f.endsWith(".csv"));
      expect(own).toContain(`impact_919_${tp}.csv`);
      expect(own).toContain(`impact_schools_919_${tp}.csv`);
      for (const f of own) {
        expect(both, f).toContain(f);
        // Every figure of the year, its metadata and its aggregation rules, byte for byte.
        expect(readFileSync(join(tmp, "both", "return", f), "utf8"), `${f} (${YEARS[i]})`).toBe(readFileSync(join(tmp, tp, "return", f), "utf8"));
      }
      for (const f of own.filter((x) => x.startsWith("impact_") && !x.endsWith(".meta.csv") && !x.endsWith(".aggregation.csv"))) {
        const periods = new Set(csvRows(join(tmp, "both", "return", f)).map((r) => r.time_period));
        expect([...periods], f).toEqual([tp]);
      }
    }
  });

  it("has impact figures in both years (the comparison is of figures, not of two empty files)", () => {
    for (const tp of PERIODS) {
      const la = csvRows(join(tmp, "both", "return", `impact_919_${tp}.csv`));
      const total = la.filter(
        (r) =>
          r.subject === "Mathematics" &&
          r.fsm_status === "Total" &&
          r.key_stage === "Total" &&
          r.sex === "Total" &&
          r.cla_status === "Total" &&
          r.first_language === "Total" &&
          r.sen_provision === "Total" &&
          r.ethnicity_major === "Total" &&
          (r.prior_attainment ?? "Total") === "Total",
      );
      expect(total, tp).toHaveLength(1);
      expect(Number(total[0].n_t), `${tp} n_t`).toBeGreaterThan(0);
      expect(Number.isFinite(Number(total[0].b)), `${tp} b = ${total[0].b}`).toBe(true);
    }
  });

  it("passes the EES screener, every file of every year", () => {
    const dir = join(tmp, "both", "return");
    const data = readdirSync(dir).filter((f) => f.endsWith(".csv") && !f.endsWith(".meta.csv") && !f.endsWith(".aggregation.csv"));
    expect(data).toHaveLength(4);
    for (const f of data) {
      const meta = f.replace(/\.csv$/, ".meta.csv");
      expect(existsSync(join(dir, meta)), meta).toBe(true);
      const fails = screen(readFileSync(join(dir, f), "utf8"), readFileSync(join(dir, meta), "utf8"), { data: f, meta }).filter((r) => r.level === "FAIL");
      expect(fails, f).toEqual([]);
    }
  });

  it("passes the release audit", async () => {
    const result = await auditRelease(join(tmp, "both"));
    expect(result.breaches).toEqual([]);
    expect(result.files).toBeGreaterThan(4);
  }, 120_000);
});

describe("the overview's years side by side (src/components/trends.js)", () => {
  it("shows every headline figure of both years of the two-year run, each from that year's published row", async () => {
    const db = await Db.open(join(tmp, "both", "tuition-impact.duckdb"));
    try {
      const tables = {
        impact: await martRows(db, { mart: "impact", allYears: true, totalOnly: true }, undefined),
        delivery: await martRows(db, { mart: "delivery", allYears: true, totalOnly: true }, undefined),
        value: await martRows(db, { mart: "value", allYears: true, totalOnly: true }, undefined),
      };
      const rows = yearsSideBySide(tables, { laCode: "919", periods: PERIODS, subjects: ["English", "Mathematics"] });
      expect(yearColumns(PERIODS).map((c: { label: string }) => c.label)).toEqual(["Subject", "Figure", ...YEARS]);
      for (const [i, tp] of PERIODS.entries()) {
        const own = tables.impact.find((r) => r.time_period === tp && r.la_code === "919" && r.subject === "Mathematics");
        expect(own, tp).toBeDefined();
        const tutees = rows.find((r: Record<string, string>) => r.subject === "Mathematics" && r.figure === "Tutees in the model");
        expect(tutees[yearKey(tp)], YEARS[i]).toBe(Number(own!.n_t).toLocaleString("en-GB"));
        const none = rows.filter((r: Record<string, string>) => r[yearKey(tp)] === "–").map((r: Record<string, string>) => `${r.subject} ${r.figure}`);
        expect(none, YEARS[i]).toEqual([]);
      }
    } finally {
      db.close();
    }
  });

  const impact = (tp: string, n_c: string) => ({
    time_period: tp,
    la_code: "919",
    urn: null,
    subject: "English",
    breakdown: "total",
    group_label: "Total",
    n_c,
  });
  const delivery = (tp: string, places_funded: string) => ({
    time_period: tp,
    la_code: "919",
    urn: null,
    subject: "English",
    breakdown: "total",
    group_label: "Total",
    places_funded,
  });
  const scope = { laCode: "919", periods: ["200910", "201011", "201112"], subjects: ["English"] };

  it("notes a count that moved by more than a quarter, and only that", () => {
    const within = 1000 * (1 + CHANGE_SHARE);
    const notes: string[] = changeNotes(
      {
        impact: [impact("200910", "1000"), impact("201011", String(within)), impact("201112", String(Math.floor(within * (1 - CHANGE_SHARE)) - 1))],
        delivery: [delivery("200910", "100"), delivery("201011", "100"), delivery("201112", "100")],
      },
      scope,
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("comparison pupils");
    expect(notes[0]).toContain("2010/11 and 2011/12");
    expect(notes[0]).toContain("down");
  });

  it("notes places funded that changed, and a count published in one year only; two symbols say nothing", () => {
    const notes: string[] = changeNotes(
      {
        impact: [impact("200910", "c"), impact("201011", "c"), impact("201112", "40")],
        delivery: [delivery("200910", "100"), delivery("201011", "200"), delivery("201112", "200")],
      },
      scope,
    );
    expect(notes).toHaveLength(2);
    expect(notes.filter((n) => n.includes("places funded") && n.includes("up 100%"))).toHaveLength(1);
    expect(notes.filter((n) => n.includes("comparison pupils") && n.includes("cannot be compared") && n.includes("2011/12"))).toHaveLength(1);
  });
});
