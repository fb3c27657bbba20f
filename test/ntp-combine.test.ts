// `combine` of National Tutoring Programme returns (outputs.md §1, programmes.md §3 §13): three
// LAs' ntp returns of 2022/23 (each a synth of its own seed, moved to its own LA, run through the
// whole pipeline) are stacked and given National rows, checked against the contract from the
// LAs' published cells: sums of the LAs' figures, percentage_schools_participating as a ratio
// of sums, weighted means by their count, not_combinable figures x (z where every LA is z), and
// the impact of each subject × outcome measure × route / group size / disadvantage cell pooled
// by random effects. The combined return passes the screener and the release audit; a 2009
// return and an ntp return are refused together with a sentence naming both files.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFixed } from "../pipelines/core/round.ts";
import { auditRelease } from "../pipelines/export/audit.ts";
import { combine, CombineError } from "../pipelines/export/combine.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { KNOWN_LAS } from "../pipelines/export/geography.ts";
import { NTP_FILTERS } from "../pipelines/export/layout.ts";
import { Z_975 } from "../pipelines/export/meta-analysis.ts";
import { POOLED_RETURN_COLUMNS } from "../pipelines/export/national-impact.ts";
import { screen } from "../pipelines/export/screener.ts";
import { makeCombinedFolder } from "./fixtures/combined/make.ts";
import { builtNtpLas, type NtpLa } from "./fixtures/combined/ntp-las.ts";

const CODES = ["919", "881", "873"];
const FILE = "impact_national_202223";
const NUMBER = /^-?\d+(\.\d+)?$/;

type Row = Record<string, string>;
let dir = "";
let las: NtpLa[] = [];
let laRows: Row[][] = [];
let national: Row[] = [];
let stacked: Row[] = [];
let columns: string[] = [];
let aggregation = new Map<string, { combine: string; weight: string }>();
let dp = new Map<string, number>();
let filters: string[] = [];

const read = (path: string) => parseTable(readFileSync(path, "utf8"));
const key = (r: Row) => JSON.stringify(filters.map((f) => r[f]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ntp-combine-"));
  las = await builtNtpLas(CODES, { seed: 21, schools: 24 });
  laRows = las.map((l) => read(l.file).records.map((r) => r.values));
  const first = las[0].file;
  aggregation = new Map(
    read(first.replace(/\.csv$/, ".aggregation.csv")).records.map((r) => [r.values.col_name, { combine: r.values.combine, weight: r.values.weight_col }]),
  );
  await combine(
    las.map((l) => l.file),
    join(dir, "national"),
  );
  const table = read(join(dir, "national", `${FILE}.csv`));
  columns = table.columns;
  stacked = table.records.map((r) => r.values);
  national = stacked.filter((r) => r.geographic_level === "National");
  dp = new Map(read(join(dir, "national", `${FILE}.meta.csv`)).records.map((r) => [r.values.col_name, Number(r.values.indicator_dp || 0)]));
  filters = NTP_FILTERS.map((f) => f.col).filter((c) => columns.includes(c));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The LAs' rows of a National row's cell, in LA order (one per LA that has the row). */
const partsOf = (nat: Row) => laRows.map((rows) => rows.find((r) => key(r) === key(nat))).filter((r): r is Row => r !== undefined);

/** What the contract says a National sum is, from the LAs' published cells. */
function expectedSum(parts: Row[], ind: string): string {
  const values = parts.map((p) => p[ind]);
  if (values.every((v) => v === "z")) return "z";
  if (parts.length < las.length || !values.every((v) => NUMBER.test(v))) return "x";
  return formatFixed(
    values.reduce((s, v) => s + Number(v), 0),
    dp.get(ind)!,
  );
}

describe("combine of ntp returns (outputs.md §1, programmes.md §3 §13)", () => {
  it("stacks every LA's rows unchanged and adds one National row per filter combination of the LAs", () => {
    expect(filters).toEqual(expect.arrayContaining(["subject", "outcome_measure", "route", "group_size"]));
    const laStacked = stacked.filter((r) => r.geographic_level === "Local authority");
    // in LA code order
    const byCode = [...laRows].sort((a, b) => (a[0].old_la_code < b[0].old_la_code ? -1 : 1));
    expect(laStacked).toEqual(byCode.flat().map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? "z"]))));
    const keys = new Set(laRows.flat().map(key));
    expect(national.map(key).sort()).toEqual([...keys].sort());
    // National rows leave the LA and region columns blank (ees-rules.md)
    expect(new Set(national.flatMap((r) => [r.old_la_code, r.new_la_code, r.la_name, r.region_code, r.region_name]))).toEqual(new Set([""]));
  });

  it("sum indicators: the National figure is the sum of the LAs' published cells (x where one is c or x, z where all are z)", () => {
    const sums = [...aggregation].filter(([, a]) => a.combine === "sum").map(([ind]) => ind);
    expect(sums).toEqual(
      expect.arrayContaining([
        "total_courses",
        "total_hours",
        "ntp_pupils",
        "total_schools",
        "total_schools_participating",
        "cost_gbp",
        "programme_funding_gbp",
      ]),
    );
    const got = national.map((n) => sums.map((ind) => n[ind]));
    const want = national.map((n) => sums.map((ind) => expectedSum(partsOf(n), ind)));
    expect(got).toEqual(want);
    // Not a vacuous check: most delivery cells are real sums.
    const numeric = got.flat().filter((v) => NUMBER.test(v)).length;
    expect(numeric).toBeGreaterThan(100);
  });

  it("percentage_schools_participating is 100 × Σ participating / Σ schools, not a mean of the LAs' percentages", () => {
    const rows = national.filter((n) => NUMBER.test(n.percentage_schools_participating));
    expect(rows.length).toBeGreaterThan(10);
    const got = national.map((n) => n.percentage_schools_participating);
    const want = national.map((n) => {
      const parts = partsOf(n);
      if (parts.every((p) => p.percentage_schools_participating === "z")) return "z";
      const num = parts.map((p) => p.total_schools_participating);
      const den = parts.map((p) => p.total_schools);
      if (parts.length < las.length || ![...num, ...den].every((v) => NUMBER.test(v))) return "x";
      const total = den.reduce((s, v) => s + Number(v), 0);
      return total === 0 ? "z" : formatFixed((100 * num.reduce((s, v) => s + Number(v), 0)) / total, 1);
    });
    expect(got).toEqual(want);
    // The LA returns call it not_combinable: only the ratio-of-sums rule gives it a number.
    expect(aggregation.get("percentage_schools_participating")?.combine).toBe("not_combinable");
  });

  it("weighted means are weighted by their count; not_combinable figures are x, or z where every LA is z", () => {
    const pooled = new Set<string>([...POOLED_RETURN_COLUMNS]);
    const means = [...aggregation].filter(([, a]) => a.combine === "weighted_mean").map(([ind]) => ind);
    const apart = [...aggregation]
      .filter(([ind, a]) => a.combine === "not_combinable" && !pooled.has(ind) && ind !== "percentage_schools_participating")
      .map(([ind]) => ind);
    expect(means).toContain("pct_tutees_disadvantaged");
    expect(apart).toEqual(expect.arrayContaining(["average_hours_per_course", "b_diff", "pct_tp_courses_pupil_premium"]));
    const want = national.map((n) => {
      const parts = partsOf(n);
      return [
        ...means.map((ind) => {
          const values = parts.map((p) => p[ind]);
          const weights = parts.map((p) => p[aggregation.get(ind)!.weight]);
          if (values.every((v) => v === "z")) return "z";
          if (parts.length < las.length || !values.every((v) => NUMBER.test(v)) || !weights.every((w) => NUMBER.test(w))) return "x";
          const total = weights.reduce((s, w) => s + Number(w), 0);
          return total === 0 ? "z" : formatFixed(values.reduce((s, v, i) => s + Number(v) * Number(weights[i]), 0) / total, dp.get(ind)!);
        }),
        ...apart.map((ind) => (parts.every((p) => p[ind] === "z") ? "z" : "x")),
      ];
    });
    expect(national.map((n) => [...means, ...apart].map((ind) => n[ind]))).toEqual(want);
    expect(national.filter((n) => NUMBER.test(n.pct_tutees_disadvantaged)).length).toBeGreaterThan(10);
  });

  it("the impact of each subject × outcome measure × route / group size cell is the random-effects pool of the LAs' b and se", () => {
    const impact = national.filter((n) => n.outcome_measure !== "Total");
    const pooledRows = impact.filter((n) => NUMBER.test(n.b));
    // whole cohort, each route and each group size, in English and mathematics
    expect(new Set(pooledRows.filter((n) => n.route !== "Total").map((n) => `${n.subject}|${n.route}`)).size).toBeGreaterThanOrEqual(6);
    expect(pooledRows.some((n) => n.group_size !== "Total")).toBe(true);
    for (const nat of impact) {
      const where = key(nat);
      const parts = partsOf(nat).filter((p) => NUMBER.test(p.b) && NUMBER.test(p.se) && Number(p.se) > 0);
      // fewer than 3 LAs with an estimate: x (outputs.md §1), z where the impact applies to no LA (every LA's b is z)
      const none = partsOf(nat).every((p) => p.b === "z");
      expect({ where, b: NUMBER.test(nat.b), k: nat.pooled_k }).toEqual({
        where,
        b: parts.length >= 3,
        k: parts.length >= 3 ? String(parts.length) : none ? "z" : "x",
      });
    }
    for (const nat of pooledRows) {
      const where = key(nat);
      const parts = partsOf(nat).filter((p) => NUMBER.test(p.b) && NUMBER.test(p.se) && Number(p.se) > 0);
      const tau2 = Number(nat.pooled_tau2);
      expect(tau2, where).toBeGreaterThanOrEqual(0);
      // Weights 1/(se² + τ²); τ² is published to 3 dp, so the mean agrees to about that.
      const w = parts.map((p) => 1 / (Number(p.se) ** 2 + tau2));
      const mean = parts.reduce((s, p, i) => s + w[i] * Number(p.b), 0) / w.reduce((a, b) => a + b, 0);
      const se = Math.sqrt(1 / w.reduce((a, b) => a + b, 0));
      expect(Math.abs(Number(nat.b) - mean), where).toBeLessThan(0.01);
      expect(Math.abs(Number(nat.se) - se), where).toBeLessThan(0.01);
      expect(Math.abs(Number(nat.ci_low) - (Number(nat.b) - Z_975 * Number(nat.se))), where).toBeLessThanOrEqual(0.051);
      expect(Math.abs(Number(nat.ci_high) - (Number(nat.b) + Z_975 * Number(nat.se))), where).toBeLessThanOrEqual(0.051);
      // the pooled estimate lies within the LAs' range
      expect(Number(nat.b), where).toBeGreaterThanOrEqual(Math.min(...parts.map((p) => Number(p.b))) - 0.001);
      expect(Number(nat.b), where).toBeLessThanOrEqual(Math.max(...parts.map((p) => Number(p.b))) + 0.001);
    }
    // Impact is z on delivery and cost rows (outcome_measure Total), and delivery is z on impact rows.
    expect(new Set(national.filter((n) => n.outcome_measure === "Total").map((n) => n.b))).toEqual(new Set(["z"]));
    expect(new Set(impact.map((n) => n.total_courses))).toEqual(new Set(["z"]));
  });

  it("the combined return passes every FAIL rule of the screener and the release audit (with the ntp catalogue)", async () => {
    const data = readFileSync(join(dir, "national", `${FILE}.csv`), "utf8");
    const meta = readFileSync(join(dir, "national", `${FILE}.meta.csv`), "utf8");
    const results = screen(data, meta, { data: `${FILE}.csv`, meta: `${FILE}.meta.csv` }, { las: KNOWN_LAS.filter((l) => CODES.includes(l.old_code)) });
    expect(results.filter((r) => r.level === "FAIL")).toEqual([]);
    const metaFilters = parseTable(meta)
      .records.filter((r) => r.values.col_type === "Filter")
      .map((r) => r.values.col_name);
    expect(metaFilters).toEqual(expect.arrayContaining(["outcome_measure", "route", "group_size"]));
    const audit = await auditRelease(join(dir, "national"));
    expect(audit.breaches).toEqual([]);
    expect(audit.cells).toBeGreaterThan(1000);
  });

  it("refuses a 2009 return beside an ntp return, naming both files", async () => {
    const old = await makeCombinedFolder(join(dir, "2009"));
    const file2009 = join(old, "..", "returns", "impact_919_200910.csv");
    const attempt = combine([las[1].file, file2009], join(dir, "mixed"));
    await expect(attempt).rejects.toThrow(CombineError);
    await expect(combine([las[1].file, file2009], join(dir, "mixed"))).rejects.toThrow(
      /^Mixed programmes: impact_881_202223\.csv is a National Tutoring Programme \(ntp\) return and impact_919_200910\.csv is a one-to-one tuition \(2009 programme\) return\./,
    );
    await expect(combine([file2009, las[2].file], join(dir, "mixed"))).rejects.toThrow(/impact_919_200910\.csv .*impact_873_202223\.csv/);
  });
});
