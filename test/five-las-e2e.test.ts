// Issue 19 end to end on six synthetic LAs over two academic years: synth (national scale, six
// LAs, --years 2) split into one input folder per LA, each LA run on its own by the command line,
// then each year's six returns combined. Each item of #19 is looked for where the contract puts it:
//   1. prior attainment: the filter's four bands (outputs.md §1) on English and Mathematics and
//      never on subject Total (measures.md §5), in each LA's return, its workbook and the combined
//      return (LA and National rows);
//   2. the National impact: a random-effects meta-analysis of the LAs' published b and se with
//      k, τ², I² and the 95% prediction interval (outputs.md §1), its metadata entries present,
//      checked against the contract's formulas on the published figures;
//   4. trends: one return per academic year, each holding that year's time_period only;
//   5. strength of evidence: the evidence indicators in each LA's and the combined return;
// and the combined return passes the EES screener and the release audit, and the combined site
// shows it. Expected values come from the spec's definitions, never from a previous output.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { formatFixed } from "../pipelines/core/round.ts";
import { parseTable, PLAIN_NUMBER, type Table } from "../pipelines/export/csv.ts";
import { FILTER_COLUMNS } from "../pipelines/export/layout.ts";
import { screen } from "../pipelines/export/screener.ts";
import { combinedView } from "../pipelines/site/combined-data.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { splitByLa } from "./fixtures/combined/split.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const run = promisify(execFile);
const PERIODS = ["200910", "201011"];
const SUBJECTS = ["English", "Mathematics"];
/** outputs.md §1: the prior_attainment filter's values other than Total. */
const BANDS = ["Well below expected", "Below expected", "At or above expected", "Unknown"];
const NATIONAL_ONLY = ["pooled_k", "pooled_tau2", "pooled_i2", "pooled_pi_low", "pooled_pi_high"];
/** The strength-of-evidence indicators of the LA file (catalogue impact_evidence.csv, level la). */
const EVIDENCE = parseTable(readFileSync(join(ROOT, "pipelines", "measures", "catalogue", "impact_evidence.csv"), "utf8"))
  .records.filter((r) => r.values.level === "la")
  .map((r) => r.values.indicator);
/** qnorm(0.975), the prediction interval's multiplier in outputs.md §1 (1.96). */
const Z = 1.959963984540054;

const tmp = mkdtempSync(join(tmpdir(), "five-las-"));
const input = join(tmp, "in");
const national = join(tmp, "national");
let las: string[] = [];
const laReturn = new Map<string, Table>(); // `${la}_${period}` → the LA's own return
const combined = new Map<string, Table>(); // period → the combined return

async function cli(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args, "--quiet"], { cwd: tmp, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stderr?: string; stdout?: string };
    throw new Error(`tuition-impact ${args.join(" ")} exited ${e.code}:\n${e.stderr}\n${e.stdout}`);
  }
}

const csv = (path: string) => parseTable(readFileSync(path, "utf8"));
/** Rows about the whole cohort of a subject: every filter but subject at Total. */
const wholeCohort = (t: Table, subject: string) =>
  t.records.map((r) => r.values).filter((v) => v.subject === subject && FILTER_COLUMNS.every((c) => c === "subject" || v[c] === "Total"));
const number = (v: string) => (PLAIN_NUMBER.test(v) ? Number(v) : undefined);

beforeAll(async () => {
  await synthesise({ scale: "national", seed: 7, out: input, las: 6, schools: 48, years: 2, pupilsPerSchool: 150 });
  const folders = await splitByLa(input, join(tmp, "las"));
  las = folders.map((f) => f.la);
  // Each LA runs on its own, as LAs do; two at a time (two cores).
  const queue = [...folders];
  await Promise.all(
    [0, 1].map(async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await cli(["run", next.folder, "--out", join(tmp, `out-${next.la}`)]);
    }),
  );
  for (const tp of PERIODS) {
    for (const la of las) laReturn.set(`${la}_${tp}`, csv(join(tmp, `out-${la}`, "return", `impact_${la}_${tp}.csv`)));
    // The synthetic LAs' codes join the Department's lookup through the settings, as for the screener.
    await cli([
      "combine",
      ...las.map((la) => join(tmp, `out-${la}`, "return", `impact_${la}_${tp}.csv`)),
      "--out",
      national,
      "--settings",
      join(input, "settings.json"),
    ]);
    combined.set(tp, csv(join(national, `impact_national_${tp}.csv`)));
  }
}, 600_000);

describe("six LAs, each run on its own over two years, then combined", () => {
  it("the fixture: six LAs; in each year and subject at least 3 LAs publish an impact estimate, and at least one does not", () => {
    expect(las).toHaveLength(6);
    for (const tp of PERIODS) {
      for (const subject of SUBJECTS) {
        const rows = las.map((la) => wholeCohort(laReturn.get(`${la}_${tp}`)!, subject)[0]);
        expect(rows.filter((v) => number(v.b) !== undefined).length, `${tp} ${subject}`).toBeGreaterThanOrEqual(3);
        expect(rows.filter((v) => number(v.b) === undefined).length, `${tp} ${subject}`).toBeGreaterThan(0);
      }
    }
  });

  it("trends: one return per academic year for each LA, each holding that year's time_period only", () => {
    for (const la of las) {
      for (const tp of PERIODS) expect([...new Set(laReturn.get(`${la}_${tp}`)!.records.map((r) => r.values.time_period))], `${la} ${tp}`).toEqual([tp]);
    }
    for (const tp of PERIODS) expect([...new Set(combined.get(tp)!.records.map((r) => r.values.time_period))]).toEqual([tp]);
  });

  it("prior attainment: each LA's return has a row per band on English and Mathematics, none on subject Total", () => {
    const want = SUBJECTS.flatMap((s) => BANDS.map((b) => `${s}|${b}`)).sort();
    for (const [key, t] of laReturn) {
      const rows = t.records.map((r) => r.values).filter((v) => v.prior_attainment !== "Total");
      expect(rows.map((v) => `${v.subject}|${v.prior_attainment}`).sort(), key).toEqual(want);
      // A band row breaks down by prior attainment alone (outputs.md §1).
      for (const v of rows)
        expect(
          FILTER_COLUMNS.filter((c) => c !== "subject" && c !== "prior_attainment" && v[c] !== "Total"),
          key,
        ).toEqual([]);
    }
  });

  it("prior attainment: the combined return carries every LA's band rows and a National row per band", () => {
    for (const tp of PERIODS) {
      const rows = combined
        .get(tp)!
        .records.map((r) => r.values)
        .filter((v) => v.prior_attainment !== "Total");
      for (const level of ["Local authority", "National"]) {
        const n = level === "National" ? 1 : las.length;
        for (const s of SUBJECTS)
          for (const b of BANDS)
            expect(
              rows.filter((v) => v.geographic_level === level && v.subject === s && v.prior_attainment === b),
              `${tp} ${level} ${s} ${b}`,
            ).toHaveLength(n);
      }
      expect(rows.filter((v) => v.subject === "Total")).toEqual([]);
    }
  });

  it("prior attainment: each LA's workbook shows the bands under the filter's label", async () => {
    const meta = csv(join(tmp, `out-${las[0]}`, "return", `impact_${las[0]}_200910.meta.csv`));
    const label = meta.records.find((r) => r.values.col_name === "prior_attainment")!.values.label;
    for (const la of las) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(tmp, `out-${la}`, "return", `impact_${la}_200910.xlsx`));
      const found = new Set<string>();
      for (const ws of wb.worksheets) {
        const headings = (ws.getRow(1).values as unknown[]).map(String);
        const col = headings.indexOf(label);
        if (col < 1) continue;
        ws.getColumn(col).eachCell((cell, row) => {
          if (row > 1) found.add(String(cell.value));
        });
      }
      expect([...found].filter((v) => v !== "Total").sort(), la).toEqual([...BANDS].sort());
    }
  });

  it("the National impact: k is the LAs with a published b and se; b and SE are the random-effects mean of their estimates under the published τ²", () => {
    for (const tp of PERIODS) {
      for (const subject of SUBJECTS) {
        const rows = wholeCohort(combined.get(tp)!, subject);
        const nat = rows.find((v) => v.geographic_level === "National")!;
        const parts = rows.filter((v) => v.geographic_level === "Local authority" && number(v.b) !== undefined && (number(v.se) ?? 0) > 0);
        const where = `${tp} ${subject}`;
        expect(
          rows.filter((v) => v.geographic_level === "Local authority"),
          where,
        ).toHaveLength(las.length);
        expect(nat.pooled_k, where).toBe(String(parts.length));
        const tau2 = Number(nat.pooled_tau2);
        expect(tau2, where).toBeGreaterThanOrEqual(0);
        expect(Number(nat.pooled_i2), where).toBeGreaterThanOrEqual(0);
        expect(Number(nat.pooled_i2), where).toBeLessThanOrEqual(100);
        // Weights 1/(se² + τ²); τ² is published to 3 dp, so the mean agrees to about that.
        const w = parts.map((v) => 1 / (Number(v.se) ** 2 + tau2));
        const mean = parts.reduce((s, v, i) => s + w[i] * Number(v.b), 0) / w.reduce((a, b) => a + b, 0);
        const se = Math.sqrt(1 / w.reduce((a, b) => a + b, 0));
        expect(Math.abs(Number(nat.b) - mean), where).toBeLessThan(0.01);
        expect(Math.abs(Number(nat.se) - se), where).toBeLessThan(0.01);
        // 95% CI on the normal scale; PI = estimate ± 1.96 √(SE² + τ²) (outputs.md §1), at their dp.
        const half = Z * Math.sqrt(Number(nat.se) ** 2 + tau2);
        expect(Math.abs(Number(nat.ci_low) - (Number(nat.b) - Z * Number(nat.se))), where).toBeLessThanOrEqual(0.051);
        expect(Math.abs(Number(nat.ci_high) - (Number(nat.b) + Z * Number(nat.se))), where).toBeLessThanOrEqual(0.051);
        expect(Math.abs(Number(nat.pooled_pi_low) - (Number(nat.b) - half)), where).toBeLessThanOrEqual(0.052);
        expect(Math.abs(Number(nat.pooled_pi_high) - (Number(nat.b) + half)), where).toBeLessThanOrEqual(0.052);
        // Impact estimates and SEs to 3 decimal places, so pooling is not spoiled by rounding.
        for (const v of [...parts, nat]) expect([v.b, v.se], where).toEqual([expect.stringMatching(/^-?\d+\.\d{3}$/), expect.stringMatching(/^\d+\.\d{3}$/)]);
        // LA rows carry z in the National-only columns.
        for (const v of rows.filter((x) => x.geographic_level === "Local authority"))
          expect(
            NATIONAL_ONLY.map((c) => v[c]),
            where,
          ).toEqual(NATIONAL_ONLY.map(() => "z"));
      }
    }
  });

  it("the National-only indicators are in the combined return's metadata", () => {
    for (const tp of PERIODS) {
      const meta = csv(join(national, `impact_national_${tp}.meta.csv`)).records.map((r) => r.values);
      for (const c of NATIONAL_ONLY) expect(meta.find((m) => m.col_name === c)?.col_type, `${tp} ${c}`).toBe("Indicator");
      expect(meta.find((m) => m.col_name === "pooled_i2")!.indicator_unit).toBe("%");
    }
  });

  it("strength of evidence: its indicators in each LA's and the combined return; the lost share is the lost tutees over the tutees", () => {
    expect(EVIDENCE.length).toBeGreaterThan(0);
    let checked = 0;
    for (const [key, t] of laReturn) {
      for (const c of EVIDENCE) expect(t.columns, key).toContain(c);
      const rows = SUBJECTS.map((s) => wholeCohort(t, s)[0]).filter((v) => [v.ev_tutees, v.ev_tutees_lost, v.lost_share].every((x) => number(x) !== undefined));
      for (const v of rows) {
        expect(Number(v.ev_tutees_lost), key).toBeLessThanOrEqual(Number(v.ev_tutees));
        expect(v.lost_share, key).toBe(formatFixed((100 * Number(v.ev_tutees_lost)) / Number(v.ev_tutees), 1));
        checked++;
      }
      for (const v of SUBJECTS.map((s) => wholeCohort(t, s)[0]).filter((x) => number(x.mdes) !== undefined)) expect(Number(v.mdes), key).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(0);
    for (const [tp, t] of combined) for (const c of EVIDENCE) expect(t.columns, tp).toContain(c);
  });

  it("the combined return passes the EES screener and the release audit", async () => {
    const settings = JSON.parse(readFileSync(join(input, "settings.json"), "utf8"));
    for (const tp of PERIODS) {
      const data = readFileSync(join(national, `impact_national_${tp}.csv`), "utf8");
      const meta = readFileSync(join(national, `impact_national_${tp}.meta.csv`), "utf8");
      expect(
        screen(data, meta, { data: `impact_national_${tp}.csv`, meta: `impact_national_${tp}.meta.csv` }, { las: settings.las }).filter(
          (r) => r.level === "FAIL",
        ),
      ).toEqual([]);
    }
    const audit = await cli(["audit", national]);
    expect(audit).toMatch(/\b0 breaches\b/);
  });

  it("the combined site's data: per year and subject every LA's published figures and the National pooled row, as the combined return has them", () => {
    const view = combinedView(national);
    expect(view.periods.map((p) => p.time_period)).toEqual([...PERIODS].reverse());
    for (const p of view.periods) {
      expect(p.subjects.map((s) => s.subject)).toEqual(SUBJECTS);
      for (const s of p.subjects) {
        const rows = wholeCohort(combined.get(p.time_period)!, s.subject);
        expect(s.las.map((l) => [l.la_code, l.b, l.ci_low, l.ci_high])).toEqual(
          rows.filter((v) => v.geographic_level === "Local authority").map((v) => [v.old_la_code, v.b, v.ci_low, v.ci_high]),
        );
        const nat = rows.find((v) => v.geographic_level === "National")!;
        expect(s.national).toEqual(Object.fromEntries(["b", "se", "ci_low", "ci_high", ...NATIONAL_ONLY].map((c) => [c, nat[c]])));
      }
    }
  });
});
