// The ntp profile's three outcome measures, §6 attainment and §5 breakdowns in a 2020/21 release
// (programmes.md §3 §2, §5, §6, §4): KS2 scaled score is `x` with "no KS2 tests in 2021" (the
// synthetic year writes no KS2 results, as none were taken), GCSE grade is published with its
// teacher-assessed footnote in the data guidance and the metadata; every new filter, group and
// indicator is in the return, its metadata and the workbook's Glossary; the attainment figures
// equal counts made here from the model sample with the §1 thresholds (KS2 110, GCSE 5, std 115
// high; KS2 100, GCSE 4, std 85 expected), and prior-attainment bands judge each baseline on its
// own scale. runPipeline itself refuses a release the audit finds fault with.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { makeReporter } from "../pipelines/core/progress.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { GCSE_2021_FOOTNOTE } from "../pipelines/export/ntp-guidance.ts";
import { screen } from "../pipelines/export/screener.ts";
import { transformNtp } from "../pipelines/transform/ntp.ts";
import { loadSettings } from "../pipelines/core/settings.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { buildNtpImpactMart, NTP_BREAKDOWNS, OUTCOME_MEASURES } from "../pipelines/measures/ntp-impact.ts";
import { validate } from "../pipelines/validate/index.ts";
import { DATABASE_NAME, runPipeline } from "../pipelines/run.ts";
import { synthesise } from "../pipelines/synth/index.ts";

let dir = "";
let out = "";
let la: ReturnType<typeof parseTable>;
let meta: ReturnType<typeof parseTable>;
let guidance = "";
const FILE = "impact_919_202021";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ntp-measures-"));
  await synthesise({ scale: "la", out: join(dir, "in"), programme: "ntp", seed: 5, schools: 30, year: "2020/21" });
  out = join(dir, "out");
  await runPipeline({ input: join(dir, "in"), out, reporter: makeReporter(process.stderr, true) });
  la = parseTable(readFileSync(join(out, "return", `${FILE}.csv`), "utf8"));
  meta = parseTable(readFileSync(join(out, "return", `${FILE}.meta.csv`), "utf8"));
  guidance = readFileSync(join(out, "return", "data-guidance.md"), "utf8");
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const IMPACT = ["n_t", "n_c", "b", "se", "ci_low", "ci_high", "g"];
const ATTAINMENT = [
  "pupils_att_t",
  "mean_outcome_t",
  "pct_at_expected_outcome_t",
  "pct_high_standard_outcome_t",
  "pupils_att_c",
  "pct_high_standard_outcome_c",
];
const BREAKDOWN_FILTERS = NTP_BREAKDOWNS.filter((d) => d.breakdown !== "total").map((d) => d.breakdown);
const rowsOf = (measure: string) => la.records.filter((r) => r.values.outcome_measure === measure);
const wholeRow = (measure: string, subject: string) =>
  rowsOf(measure).filter((r) => r.values.subject === subject && ["route", "group_size", ...BREAKDOWN_FILTERS].every((f) => r.values[f] === "Total"));

describe("2020/21: the outcome measures of programmes.md §3 §2 and their 2021 notes (§4)", () => {
  it("publishes one analysis per outcome measure, in English and mathematics, and passes the screener", () => {
    expect(new Set(la.records.map((r) => r.values.outcome_measure))).toEqual(new Set(["Total", ...OUTCOME_MEASURES]));
    for (const m of OUTCOME_MEASURES) for (const s of ["English", "Mathematics"]) expect(wholeRow(m, s), `${m} ${s}`).toHaveLength(1);
    for (const f of [FILE, "impact_schools_919_202021"]) {
      const results = screen(readFileSync(join(out, "return", `${f}.csv`), "utf8"), readFileSync(join(out, "return", `${f}.meta.csv`), "utf8"), {
        data: `${f}.csv`,
        meta: `${f}.meta.csv`,
      });
      expect(
        results.filter((r) => r.level === "FAIL"),
        f,
      ).toEqual([]);
    }
  });

  it("KS2 scaled score in 2020/21 is x on every row, impact and attainment, with the reason 'no KS2 tests in 2021'", () => {
    const ks2 = rowsOf("KS2 scaled score");
    expect(ks2.length).toBeGreaterThan(20);
    for (const r of ks2) for (const c of [...IMPACT, ...ATTAINMENT]) expect(r.values[c], `${r.values.subject} ${c}`).toBe("x");
    expect(guidance).toMatch(/\| b \| no KS2 tests in 2021 \|/);
    expect(guidance).toMatch(/\| pct_high_standard_outcome_t \| no KS2 tests in 2021 \|/);
  });

  it("GCSE grade in 2020/21 is published, with the teacher-assessed footnote in the data guidance, the outcome_measure hint of the metadata and the workbook's cover", async () => {
    for (const s of ["English", "Mathematics"]) {
      const [row] = wholeRow("GCSE grade", s);
      expect(Number(row!.values.n_t), s).toBeGreaterThan(0);
      expect(row!.values.mean_outcome_t, s).toMatch(/^\d+\.\d$/);
    }
    expect(guidance).toContain(GCSE_2021_FOOTNOTE);
    const hint = meta.records.find((r) => r.values.col_name === "outcome_measure")!.values.filter_hint;
    expect(hint).toMatch(/GCSE grades of 2020\/21 were teacher-assessed/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, "return", `${FILE}.xlsx`));
    const cover: string[] = [];
    wb.getWorksheet("Cover")!.eachRow((row) => row.eachCell((cell) => cover.push(String(cell.value))));
    expect(cover).toContain(GCSE_2021_FOOTNOTE.replaceAll("`", ""));
  });

  it("mean baseline and progress are z off Standardised score, where baseline and outcome may differ in scale", () => {
    for (const m of ["GCSE grade", "KS2 scaled score"])
      for (const r of rowsOf(m))
        for (const c of ["mean_baseline_t", "mean_progress_t", "mean_baseline_c", "mean_progress_c"]) expect(r.values[c], `${m} ${c}`).toMatch(/^[zxc]$/);
    const [std] = wholeRow("Standardised score", "Mathematics");
    expect(std!.values.mean_progress_t).toMatch(/^-?\d+\.\d$/);
  });
});

describe("§5 breakdowns and §6 attainment", () => {
  it("every new filter, group label and indicator is in the return, its metadata and the workbook's Glossary", async () => {
    const filters = meta.records.filter((r) => r.values.col_type === "Filter").map((r) => r.values.col_name);
    expect(filters).toEqual(expect.arrayContaining(BREAKDOWN_FILTERS));
    for (const d of NTP_BREAKDOWNS.filter((x) => x.breakdown !== "total")) {
      const seen = new Set(la.records.map((r) => r.values[d.breakdown]));
      for (const label of d.labels) expect(seen.has(label), `${d.breakdown} ${label}`).toBe(true);
    }
    const indicators = [
      "pct_high_standard_outcome_t",
      "pct_high_standard_outcome_c",
      "pct_at_expected_outcome_t",
      "conversion_pct_t",
      "gap_progress_t",
      "mean_outcome_c",
    ];
    const listed = meta.records.map((r) => r.values.col_name);
    expect(listed).toEqual(expect.arrayContaining(indicators));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, "return", `${FILE}.xlsx`));
    const glossary = wb.getWorksheet("Glossary")!;
    const codes = new Set<string>();
    for (let r = 2; r <= glossary.rowCount; r++) codes.add(String(glossary.getRow(r).getCell(2).value));
    for (const c of [...BREAKDOWN_FILTERS, ...indicators]) expect(codes.has(c), c).toBe(true);
    expect(wb.worksheets.map((w) => w.name)).toContain("NTP attainment");
  });

  it("attainment equals counts of the model sample against the §1 standards of each scale", async () => {
    // the pupil-level sample is a temp table, kept out of the run's database: build the marts again in memory
    const db = await Db.open(":memory:");
    try {
      const settings = loadSettings(join(dir, "in", "settings.json"));
      await ingest(db, join(dir, "in"), settings, () => {});
      await validate(db, settings);
      await transformNtp(db, settings);
      await buildNtpImpactMart(db, settings);
      const mart = await db.all<Record<string, number | string | null>>(
        `select * from mart_ntp_attainment where breakdown in ('total', 'prior_attainment', 'route') and outcome_measure <> 'KS2 scaled score'`,
      );
      expect(mart.length).toBeGreaterThan(10);
      const sample = await db.all<{
        subject: string;
        outcome_measure: string;
        tutored: boolean;
        route: string | null;
        baseline: number;
        baseline_scale: string;
        outcome: number;
      }>(`select subject, outcome_measure, tutored, route, baseline, baseline_scale, outcome from ntp_impact_sample`);
      expect(sample.length, "the database keeps the model sample").toBeGreaterThan(100);
      const ROUTE: Record<string, string> = { "Tuition partner": "tuition_partner", "Academic mentor": "academic_mentor", "School-led tutoring": "school_led" };
      const expectedBar: Record<string, number> = { std: 85, ks1: 8, ks2: 100, gcse9: 4 };
      const outcomeBar: Record<string, [number, number]> = { "Standardised score": [85, 115], "GCSE grade": [4, 5] };
      let checked = 0;
      for (const m of mart) {
        const measure = m.outcome_measure as string;
        const inRow = (p: (typeof sample)[0]) => {
          if (p.subject !== m.subject || p.outcome_measure !== measure) return false;
          if (m.breakdown === "route" && p.tutored) return p.route === ROUTE[m.group_label as string];
          if (m.breakdown === "prior_attainment") return p.baseline >= expectedBar[p.baseline_scale]! === (m.group_label === "At or above expected");
          return true;
        };
        const pupils = sample.filter(inRow);
        const [expected, high] = outcomeBar[measure]!;
        for (const side of ["t", "c"] as const) {
          const mine = pupils.filter((p) => p.tutored === (side === "t"));
          const below = mine.filter((p) => p.baseline < expectedBar[p.baseline_scale]!);
          expect(Number(m[`pupils_att_${side}`]), `${measure} ${m.group_label} ${side}`).toBe(mine.length);
          expect(Number(m[`below_expected_baseline_${side}`])).toBe(below.length);
          expect(Number(m[`converted_${side}`])).toBe(below.filter((p) => p.outcome >= expected).length);
          if (mine.length === 0) continue;
          expect(m[`pct_high_standard_outcome_${side}`] as number).toBeCloseTo((100 * mine.filter((p) => p.outcome >= high).length) / mine.length, 9);
          expect(m[`pct_at_expected_outcome_${side}`] as number).toBeCloseTo((100 * mine.filter((p) => p.outcome >= expected).length) / mine.length, 9);
          expect(m[`mean_outcome_${side}`] as number).toBeCloseTo(mine.reduce((a, p) => a + p.outcome, 0) / mine.length, 9);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(20);
      // the GCSE model's baselines: a standardised score where there is one, else KS2 (§2)
      const scales = new Set(sample.filter((p) => p.outcome_measure === "GCSE grade").map((p) => p.baseline_scale));
      expect([...scales].every((s) => s === "std" || s === "ks2")).toBe(true);
    } finally {
      db.close();
    }
  });

  it("gaps: on the group of concern's row, the impact difference and the progress gaps; none on the other row", async () => {
    const db = await Db.open(join(out, DATABASE_NAME), { access_mode: "READ_ONLY" });
    try {
      for (const d of NTP_BREAKDOWNS.filter((x) => x.concern)) {
        const rows = await db.all<{
          group_label: string;
          b: number | null;
          se: number;
          b_diff: number | null;
          gap_progress_t: number | null;
          mean_progress_t: number | null;
        }>(
          `select i.group_label, i.b, i.se, i.b_diff, a.gap_progress_t, a.mean_progress_t
           from mart_ntp_impact i join mart_ntp_attainment a using (time_period, la_code, subject, breakdown, group_label, outcome_measure)
           where i.subject = 'Mathematics' and i.breakdown = ? and i.outcome_measure = 'Standardised score'`,
          [d.breakdown],
        );
        const concern = rows.find((r) => r.group_label === d.concern)!;
        const other = rows.find((r) => r.group_label !== d.concern)!;
        expect(other.b_diff, d.breakdown).toBeNull();
        expect(other.gap_progress_t, d.breakdown).toBeNull();
        expect(concern.gap_progress_t!, d.breakdown).toBeCloseTo(concern.mean_progress_t! - other.mean_progress_t!, 10);
        if (concern.b !== null && other.b !== null) expect(concern.b_diff!, d.breakdown).toBeCloseTo(concern.b - other.b, 10);
      }
    } finally {
      db.close();
    }
  });
});

describe("the dose (measures.md §3): full and partial place beside the impact of every whole-cohort and pupil-group row", () => {
  const DOSE = ["n_full", "n_partial", "b_full", "se_full", "ci_full_low", "ci_full_high", "b_partial", "se_partial", "ci_partial_low", "ci_partial_high"];
  it("the Standardised score whole cohort publishes both places' estimates, their tutees adding up to the model's", () => {
    for (const s of ["English", "Mathematics"]) {
      const [row] = wholeRow("Standardised score", s);
      const v = row!.values;
      expect(Number(v.n_full) + Number(v.n_partial), s).toBe(Number(v.n_t));
      for (const c of DOSE) expect(v[c], `${s} ${c}`).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(v.ci_full_low), s).toBeLessThan(Number(v.b_full));
      expect(Number(v.ci_partial_high), s).toBeGreaterThan(Number(v.b_partial));
    }
  });
  it("every dose column is z on route and group-size rows, and x on KS2 scaled score in 2020/21", () => {
    const parts = la.records.filter((r) => r.values.outcome_measure !== "Total" && (r.values.route !== "Total" || r.values.group_size !== "Total"));
    expect(parts.length).toBeGreaterThan(10);
    for (const r of parts) for (const c of DOSE) expect(r.values[c], `${r.values.route}/${r.values.group_size} ${c}`).toBe("z");
    const ks2 = rowsOf("KS2 scaled score").filter((r) => r.values.route === "Total" && r.values.group_size === "Total");
    expect(ks2.length).toBeGreaterThan(10);
    for (const r of ks2) for (const c of DOSE) expect(r.values[c], c).toBe("x");
  });
  it("where both places' tutees are published, they add up to the model's tutees on every whole-cohort and group row", () => {
    const rows = la.records.filter(
      (r) =>
        r.values.outcome_measure !== "Total" &&
        r.values.route === "Total" &&
        r.values.group_size === "Total" &&
        ["n_t", "n_full", "n_partial"].every((c) => /^\d+$/.test(r.values[c]!)),
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) expect(Number(r.values.n_full) + Number(r.values.n_partial)).toBe(Number(r.values.n_t));
  });
});

describe("balance (measures.md §3): tutees beside comparison pupils on every whole-cohort and pupil-group row", () => {
  const BALANCE = ["baseline", "disadvantaged", "cla", "eal", "girls", "senprov"].flatMap((v) => [`bal_${v}_t`, `bal_${v}_c`, `bal_${v}_std_diff`]);
  // Shares of rare characteristics (looked after) may be c: their pupils are counts of their own.
  const COMMON = BALANCE.filter((c) => /^bal_(baseline|disadvantaged|girls)_/.test(c));
  it("the Standardised score whole cohort publishes every balance figure of common characteristics, shares within 0-100, the rest a number or c", () => {
    for (const s of ["English", "Mathematics"]) {
      const [row] = wholeRow("Standardised score", s);
      for (const c of COMMON) expect(row!.values[c], `${s} ${c}`).toMatch(/^-?\d+(\.\d+)?$/);
      for (const c of BALANCE) expect(row!.values[c], `${s} ${c}`).toMatch(/^(-?\d+(\.\d+)?|c)$/);
      for (const c of COMMON.filter((c) => !c.startsWith("bal_baseline") && !c.endsWith("std_diff"))) {
        expect(Number(row!.values[c]), c).toBeGreaterThanOrEqual(0);
        expect(Number(row!.values[c]), c).toBeLessThanOrEqual(100);
      }
    }
  });
  it("the share counts are not published, and every balance figure is z on route and group-size rows (c where the row's tutees are) and x on KS2 scaled score in 2020/21", () => {
    expect(la.columns.filter((h) => /^bal_.*_n_[tc]$/.test(h))).toEqual([]);
    expect(la.columns, "the shares themselves are published").toContain("bal_cla_t");
    const parts = la.records.filter((r) => r.values.outcome_measure !== "Total" && (r.values.route !== "Total" || r.values.group_size !== "Total"));
    expect(parts.length).toBeGreaterThan(10);
    for (const r of parts)
      for (const c of BALANCE) {
        // c where a count the figure is based on is (its side's pupils; both for a difference)
        const bases = c.endsWith("_t") ? ["n_t"] : c.endsWith("_c") ? ["n_c"] : ["n_t", "n_c"];
        expect(r.values[c], `${r.values.route}/${r.values.group_size} ${c}`).toBe(bases.some((b) => r.values[b] === "c") ? "c" : "z");
      }
    expect(parts.filter((r) => r.values.n_t !== "c").length, "route and size rows with tutees published").toBeGreaterThan(5);
    const ks2 = rowsOf("KS2 scaled score").filter((r) => r.values.route === "Total" && r.values.group_size === "Total");
    expect(ks2.length).toBeGreaterThan(10);
    for (const r of ks2) for (const c of BALANCE) expect(r.values[c], c).toBe("x");
  });
});
