// The ntp profile's impact models on the Standardised score measure (programmes.md §3 §2–§3,
// §5): the §3 model of measures.md with the ntp covariates (disadvantaged, cla, eal, female,
// sen_any), a baseline slope per key stage (KS1 = Y1–2) and NC-year dummies, school-clustered
// CR1 standard errors; fitted over the whole cohort and over each disadvantage group. Each fit
// is one entry of NTP_IMPACT_SPLITS: `tutored` whole, split into the three routes, or into the
// four group sizes; route and size rows publish each part's impact and its difference from the
// reference part (school-led; three pupils), SE √(V_ii + V_jj − 2V_ij).
// One LA's pupils fit in memory (tens of thousands of rows × ~25 columns), so the design is
// built here rather than as SQL cross-products (measures/impact.ts does that for national runs).
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { cr1Factor, solveNormalEquations, studentTQuantile } from "./ols.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

/** measures.md §3 minimums; a part below MIN_PART tutees is `x` but stays in its model as its own dummy (§3). */
export const MIN_PART = 10;
const MIN_COMPARISON = 10;
const MIN_SCHOOLS = 5;

export interface NtpSplit {
  breakdown: "total" | "route" | "group_size";
  /** The sample column a tutee's part is read from; undefined = one part, all tutees. */
  column?: "route" | "group_size";
  parts: { value: string; label: string }[];
  /** Value of the part the others are compared with (§3: school-led; three pupils). */
  reference?: string;
}

/** The model manifest: one entry per way `tutored` enters the model. */
export const NTP_IMPACT_SPLITS: NtpSplit[] = [
  { breakdown: "total", parts: [{ value: "tutored", label: "Total" }] },
  {
    breakdown: "route",
    column: "route",
    reference: "school_led",
    parts: [
      { value: "tuition_partner", label: "Tuition partner" },
      { value: "academic_mentor", label: "Academic mentor" },
      { value: "school_led", label: "School-led tutoring" },
    ],
  },
  {
    breakdown: "group_size",
    column: "group_size",
    reference: "3",
    parts: [
      { value: "1", label: "One-to-one" },
      { value: "2", label: "Two pupils" },
      { value: "3", label: "Three pupils" },
      { value: "4+", label: "Four or more pupils" },
    ],
  },
];

/** The pupil groups each split is fitted over (§5 adds disadvantage; the model drops the constant dummy). */
const GROUPS: { breakdown: string; label: string; keep: (r: SampleRow) => boolean }[] = [
  { breakdown: "total", label: "Total", keep: () => true },
  { breakdown: "disadvantage_status", label: "Disadvantaged", keep: (r) => r.disadvantaged },
  { breakdown: "disadvantage_status", label: "Not known to be disadvantaged", keep: (r) => !r.disadvantaged },
];

export type SampleRow = {
  time_period: string;
  la_code: string;
  urn: string;
  subject: string;
  tutored: boolean;
  route: string | null;
  group_size: string | null;
  nc_year: number;
  key_stage: number;
  baseline: number;
  outcome: number;
  disadvantaged: boolean;
  cla: boolean;
  eal: boolean;
  female: boolean;
  sen_any: boolean;
  /** §14 cost of the pupil's courses in the subject and year (tutees; NULL without the cost marts). */
  place_cost_gbp?: number | null;
};

type Row = Record<string, string | number | boolean | null>;

const COVARIATES = ["disadvantaged", "cla", "eal", "female", "sen_any"] as const;

/**
 * Builds int_ntp_analysis_pupils, ntp_impact_sample (the pupils the models use: baseline,
 * outcome and every covariate known) and mart_ntp_impact. After buildNtpMarts.
 */
export async function buildNtpImpactMart(db: Db, settings: ResolvedSettings): Promise<void> {
  await ensureRunContext(db, settings);
  await db.runFile(join(SQL_DIR, "int_ntp_analysis_pupils.sql"));
  // a tutee's place cost (§14, every course in the subject) for the cost per point of impact (§9), when the cost marts were built
  const costs = (await tableExists(db, "int_ntp_courses"))
    ? "(select academic_year, upn, subject, sum(cost_gbp) as place_cost_gbp from int_ntp_courses group by all)"
    : "(select null::VARCHAR as academic_year, null::VARCHAR as upn, null::VARCHAR as subject, null::DOUBLE as place_cost_gbp where false)";
  await db.run(`create or replace temp table ntp_impact_sample as
    select a.*, c.place_cost_gbp from int_ntp_analysis_pupils as a
    left join ${costs} as c on a.tutored and c.academic_year = a.academic_year and c.upn = a.upn and c.subject = a.subject
    where a.baseline is not null and a.outcome is not null
      and a.cla is not null and a.eal is not null and a.female is not null and a.sen_any is not null`);
  const sample = await db.all<SampleRow>(`select time_period, la_code, urn, subject, tutored, route, group_size, nc_year, key_stage,
      baseline, outcome, disadvantaged, cla, eal, female, sen_any, place_cost_gbp
    from ntp_impact_sample order by time_period, la_code, subject, urn, upn`);
  const excluded = await db.all<{ time_period: string; la_code: string; subject: string; n: number }>(`
    select time_period, la_code, subject, count(*)::INTEGER as n from int_ntp_analysis_pupils
    where baseline is not null and outcome is not null
      and (cla is null or eal is null or female is null or sen_any is null)
    group by all`);
  const rows: Row[] = [];
  const models = new Map<string, SampleRow[]>();
  for (const r of sample) {
    const key = `${r.time_period}\u0001${r.la_code}\u0001${r.subject}`;
    if (!models.has(key)) models.set(key, []);
    models.get(key)!.push(r);
  }
  for (const [key, pupils] of models) {
    const [time_period, la_code, subject] = key.split("\u0001") as [string, string, string];
    const nExcluded = excluded.find((e) => e.time_period === time_period && e.la_code === la_code && e.subject === subject)?.n ?? 0;
    for (const group of GROUPS) {
      const members = pupils.filter(group.keep);
      for (const split of NTP_IMPACT_SPLITS) {
        // A split by route or size is a breakdown of its own: fitted over the whole cohort only (§3).
        if (group.breakdown !== "total" && split.breakdown !== "total") continue;
        const breakdown = split.breakdown === "total" ? group.breakdown : split.breakdown;
        for (const out of fitSplit(members, split)) {
          rows.push({
            time_period,
            la_code,
            urn: null,
            subject,
            breakdown,
            group_label: split.breakdown === "total" ? group.label : out.label,
            outcome_measure: "Standardised score",
            n_excluded_unknown_covariate: group.breakdown === "total" && split.breakdown === "total" ? nExcluded : null,
            ...out.figures,
          });
        }
      }
    }
    addDisadvantageGap(
      rows.filter((r) => r.time_period === time_period && r.la_code === la_code && r.subject === subject && r.breakdown === "disadvantage_status"),
    );
  }
  await writeMart(db, rows);
}

/**
 * The disadvantage gap in impact (§5): on the Disadvantaged row, b(disadvantaged) − b(not known
 * to be disadvantaged), SE √(SE₁² + SE₂²) (the two models use disjoint pupils) and a normal 95%
 * CI ± 1.96·SE, as the 2009 profile's mart_gaps; the other group's row has none.
 */
function addDisadvantageGap(rows: Row[]): void {
  const concern = rows.find((r) => r.group_label === GROUPS[1]!.label);
  const other = rows.find((r) => r.group_label === GROUPS[2]!.label);
  if (other) other.diff_na_reason = "not applicable: the gap is on the Disadvantaged row";
  if (!concern) return;
  if (typeof concern.b !== "number" || typeof other?.b !== "number") {
    concern.diff_na_reason = "impact not estimated for both groups";
    return;
  }
  const d = concern.b - other.b;
  const se = Math.sqrt((concern.se as number) ** 2 + (other.se as number) ** 2);
  Object.assign(concern, { b_diff: d, se_diff: se, ci_low_diff: d - Z_975 * se, ci_high_diff: d + Z_975 * se, diff_na_reason: null });
}

const Z_975 = 1.959963984540054;

interface PartResult {
  label: string;
  figures: Row;
}

/** Fits one split over one group's pupils; one result per part (exported for the R oracle test). */
export function fitSplit(pupils: SampleRow[], split: NtpSplit): PartResult[] {
  const partOf = (r: SampleRow): string | undefined => (!r.tutored ? undefined : split.column ? (r[split.column] ?? undefined) : "tutored");
  const comparison = pupils.filter((r) => !r.tutored);
  const schools = new Set(pupils.map((r) => r.urn));
  const g = schools.size;
  const nC = comparison.length;
  const tuteesOf = (value: string) => pupils.filter((r) => partOf(r) === value);
  const base = (value: string): Row => {
    const t = tuteesOf(value);
    return { n_t: t.length, n_c: nC, n_schools: g };
  };
  let modelNa: string | null = null;
  const nT = pupils.filter((r) => r.tutored).length;
  if (nT < MIN_PART) modelNa = `fewer than ${MIN_PART} tutees in the model`;
  else if (nC < MIN_COMPARISON) modelNa = `fewer than ${MIN_COMPARISON} comparison pupils in the model`;
  else if (g < MIN_SCHOOLS) modelNa = `fewer than ${MIN_SCHOOLS} schools in the model`;
  if (modelNa) return split.parts.map((p) => ({ label: p.label, figures: { ...base(p.value), na_reason: modelNa } }));

  // Design: intercept, one dummy per part, a baseline slope per key stage, NC-year dummies
  // (the lowest year present is the reference), the covariates.
  const years = [...new Set(pupils.map((r) => r.nc_year))].sort((a, b) => a - b);
  const columns = [
    "one",
    ...split.parts.map((p) => `part:${p.value}`),
    ...[1, 2, 3, 4].map((ks) => `baseline_ks${ks}`),
    ...years.slice(1).map((y) => `year_${y}`),
    ...COVARIATES,
  ];
  const k = columns.length;
  const partIndex = new Map(split.parts.map((p, i) => [p.value, 1 + i]));
  const blIndex = 1 + split.parts.length;
  const yearIndex = new Map(years.slice(1).map((y, i) => [y, blIndex + 4 + i]));
  const covIndex = blIndex + 4 + years.length - 1;
  const xRow = (r: SampleRow): number[] => {
    const x = new Array<number>(k).fill(0);
    x[0] = 1;
    const part = partOf(r);
    if (part !== undefined) x[partIndex.get(part)!] = 1;
    x[blIndex + r.key_stage - 1] = r.baseline;
    const yi = yearIndex.get(r.nc_year);
    if (yi !== undefined) x[yi] = 1;
    for (const [i, c] of COVARIATES.entries()) x[covIndex + i] = r[c] ? 1 : 0;
    return x;
  };
  const xs = pupils.map(xRow);
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  xs.forEach((x, i) => {
    const y = pupils[i]!.outcome;
    for (let a = 0; a < k; a++) {
      if (x[a] === 0) continue;
      xty[a] += x[a]! * y;
      for (let b = 0; b < k; b++) xtx[a]![b] += x[a]! * x[b]!;
    }
  });
  const n = pupils.length;
  const constant = columns.map((c, j) => (COVARIATES as readonly string[]).includes(c) && (xtx[j]![j] === 0 || xtx[j]![j] === n));
  const fit = solveNormalEquations(xtx, xty, constant);
  const kk = fit.kept.length;
  // CR1 sandwich over the kept columns: bread · Σ_schools u_g u_gᵀ · bread, u_g = Σ x_i e_i.
  const meat = Array.from({ length: kk }, () => new Array<number>(kk).fill(0));
  const bySchool = new Map<string, number[]>();
  xs.forEach((x, i) => {
    const e = pupils[i]!.outcome - x.reduce((acc, v, j) => acc + (Number.isNaN(fit.beta[j]!) ? 0 : v * fit.beta[j]!), 0);
    const urn = pupils[i]!.urn;
    if (!bySchool.has(urn)) bySchool.set(urn, new Array<number>(kk).fill(0));
    const u = bySchool.get(urn)!;
    for (const [q, col] of fit.kept.entries()) u[q] += x[col]! * e;
  });
  for (const u of bySchool.values()) for (let a = 0; a < kk; a++) for (let b = 0; b < kk; b++) meat[a]![b] += u[a]! * u[b]!;
  const c = cr1Factor(g, n, kk);
  const bread = fit.inverse;
  const v = (a: number, b: number): number => {
    // V_ab = c · (bread · meat · bread)_ab, a and b positions in `kept`
    let s = 0;
    for (let p = 0; p < kk; p++) {
      if (bread[a]![p] === 0) continue;
      for (let q = 0; q < kk; q++) s += bread[a]![p]! * meat[p]![q]! * bread[q]![b]!;
    }
    return c * s;
  };
  const tCrit = studentTQuantile(0.975, g - 1);
  const posOf = (value: string) => fit.kept.indexOf(partIndex.get(value)!);
  const sd = (rows: SampleRow[]) => {
    const m = rows.reduce((a, r) => a + r.outcome, 0) / rows.length;
    return rows.reduce((a, r) => a + (r.outcome - m) ** 2, 0);
  };
  const ssC = sd(comparison);
  const ref = split.reference;
  return split.parts.map((p) => {
    const tutees = tuteesOf(p.value);
    const figures: Row = { ...base(p.value) };
    const pos = posOf(p.value);
    if (tutees.length < MIN_PART) figures.na_reason = `fewer than ${MIN_PART} tutees in this part of the model`;
    else if (pos < 0) figures.na_reason = "this part is collinear with the covariates";
    else {
      const b = fit.beta[partIndex.get(p.value)!]!;
      const se = Math.sqrt(v(pos, pos));
      // g: s_pooled and J from this part's tutees and all comparison pupils (§3)
      const nT = tutees.length;
      const sPooled = Math.sqrt((sd(tutees) + ssC) / (nT + nC - 2));
      const j = 1 - 3 / (4 * (nT + nC) - 9);
      Object.assign(figures, {
        b,
        se,
        ci_low: b - tCrit * se,
        ci_high: b + tCrit * se,
        df: g - 1,
        s_pooled: sPooled,
        g: (b / sPooled) * j,
        k_params: kk,
        na_reason: null,
      });
      // §9 (programmes.md §14): the model tutees' cost / (b × n_t), only where b > 0 and its CI excludes 0
      const costs = tutees.map((r) => r.place_cost_gbp);
      if (costs.every((c) => typeof c === "number")) {
        const cost = (costs as number[]).reduce((a, c) => a + c, 0);
        figures.tutee_cost_gbp = cost;
        if (b - tCrit * se > 0) figures.cost_per_point_gbp = cost / (b * nT);
        else figures.cost_per_point_gbp_na_reason = "Not available: the impact is not above 0 with its confidence interval excluding 0";
      } else figures.cost_per_point_gbp_na_reason = "Not available: the course costs of the model's tutees are not known";
      if (ref !== undefined && p.value !== ref) {
        const rPos = posOf(ref);
        if (tuteesOf(ref).length >= MIN_PART && rPos >= 0) {
          const d = b - fit.beta[partIndex.get(ref)!]!;
          const dSe = Math.sqrt(Math.max(0, v(pos, pos) + v(rPos, rPos) - 2 * v(pos, rPos)));
          Object.assign(figures, { b_diff: d, se_diff: dSe, ci_low_diff: d - tCrit * dSe, ci_high_diff: d + tCrit * dSe });
        } else figures.diff_na_reason = `the reference part has fewer than ${MIN_PART} tutees`;
      } else figures.diff_na_reason = ref === undefined ? "not applicable: no reference part" : "not applicable: the reference part";
    }
    return { label: p.label, figures };
  });
}

const MART_COLUMNS: [string, string][] = [
  ["time_period", "VARCHAR"],
  ["la_code", "VARCHAR"],
  ["urn", "VARCHAR"],
  ["subject", "VARCHAR"],
  ["breakdown", "VARCHAR"],
  ["group_label", "VARCHAR"],
  ["outcome_measure", "VARCHAR"],
  ["n_t", "INTEGER"],
  ["n_c", "INTEGER"],
  ["n_schools", "INTEGER"],
  ["n_excluded_unknown_covariate", "INTEGER"],
  ["n_excluded_unknown_covariate_na_reason", "VARCHAR"],
  ["b", "DOUBLE"],
  ["se", "DOUBLE"],
  ["ci_low", "DOUBLE"],
  ["ci_high", "DOUBLE"],
  ["df", "INTEGER"],
  ["s_pooled", "DOUBLE"],
  ["g", "DOUBLE"],
  ["k_params", "INTEGER"],
  ["tutee_cost_gbp", "DOUBLE"],
  ["cost_per_point_gbp", "DOUBLE"],
  ["cost_per_point_gbp_na_reason", "VARCHAR"],
  ["na_reason", "VARCHAR"],
  ["b_diff", "DOUBLE"],
  ["se_diff", "DOUBLE"],
  ["ci_low_diff", "DOUBLE"],
  ["ci_high_diff", "DOUBLE"],
  // disclosure control reads <indicator>_na_reason: each difference figure carries the difference's reason
  ["b_diff_na_reason", "VARCHAR"],
  ["se_diff_na_reason", "VARCHAR"],
  ["ci_low_diff_na_reason", "VARCHAR"],
  ["ci_high_diff_na_reason", "VARCHAR"],
];

/** mart_ntp_impact: one row per time_period × la_code × subject × breakdown × group_label (urn NULL), outcome_measure a further column. */
async function writeMart(db: Db, rows: Row[]): Promise<void> {
  await db.run(`create or replace table mart_ntp_impact (${MART_COLUMNS.map(([c, t]) => `${c} ${t}`).join(", ")})`);
  // a few dozen rows: one insert each
  for (const r of rows) {
    const diffReason = r.b_diff === undefined ? ((r.na_reason as string | null | undefined) ?? r.diff_na_reason ?? null) : null;
    const excludedReason = r.n_excluded_unknown_covariate === null ? "not applicable: counted on the whole cohort's Total row" : null;
    const full: Row = {
      ...r,
      n_excluded_unknown_covariate_na_reason: excludedReason,
      b_diff_na_reason: diffReason,
      se_diff_na_reason: diffReason,
      ci_low_diff_na_reason: diffReason,
      ci_high_diff_na_reason: diffReason,
    };
    await db.run(
      `insert into mart_ntp_impact values (${MART_COLUMNS.map(() => "?").join(", ")})`,
      MART_COLUMNS.map(([c]) => full[c] ?? null),
    );
  }
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  return (await db.one(`select 1 as x from information_schema.tables where table_name = ?`, [table])) !== undefined;
}
