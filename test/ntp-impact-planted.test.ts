// Planted-effect coverage of the ntp impact models (programmes.md §6.6, §3 §2, §5 "KS2 and GCSE
// derive from it"), over seeds of `synth --programme ntp` (40 schools each):
// - Standardised score, NTP_PLANTED_SEEDS seeds (default 40): the 95% CIs of the route and
//   group-size cells together (each subject; cells with ≥ 100 model tutees and ≥ 20 schools)
//   cover the mean planted effect of the cell's model tutees (their place's dominant course) in
//   ≥ 90% of cells, and so do the whole-cohort CIs; and no fewer than a binomial lower bound at
//   the nominal 95% allows.
// - KS2 scaled score and GCSE grade, the first NTP_PLANTED_KS_SEEDS of those seeds (default 10):
//   the whole-cohort 95% CIs of each measure and subject cover the mean effect truth.json gives
//   their model tutees on that measure (observed minus untutored result, same draws) in no fewer
//   cells than the binomial lower bound allows (P < 0.001 of fewer by chance; with 40 cells a 90%
//   floor would fail by chance about one time in ten, so it is not used there); and the KS2 model
//   really mixes baseline scales (Year 6 tutees without a standardised baseline enter on KS1).
// Heavy: each seed runs synth → ingest → validate → the impact models these tests read, and only
// those (the whole cohort, by route and by size; not the §5 breakdowns, which the oracle covers).
// The KS measures are fitted on the seeds they are read from, in the same run as the
// Standardised score's: each seed's synth, load and transform is most of its time (about 2 s).
import { describe, expect, it } from "vitest";
import type { Db } from "../pipelines/core/db.ts";
import { NTP_BREAKDOWNS, NTP_IMPACT_ROW_MODELS } from "../pipelines/measures/ntp-impact.ts";
import { binomialLowerBound } from "./helpers/coverage.ts";
import { withNtpSeed } from "./helpers/ntp-seed.ts";

const SEEDS = Number(process.env.NTP_PLANTED_SEEDS ?? 40);
const KS_SEEDS = Number(process.env.NTP_PLANTED_KS_SEEDS ?? 10);
const SCHOOLS = Number(process.env.NTP_PLANTED_SCHOOLS ?? 40);
if (KS_SEEDS > SEEDS) throw new Error(`NTP_PLANTED_KS_SEEDS (${KS_SEEDS}) is more than NTP_PLANTED_SEEDS (${SEEDS}): the KS seeds are the first of those.`);
const MIN_CELL_TUTEES = 100;
const MIN_CELL_SCHOOLS = 20;
/** truth.json's name of each KS measure's effect. */
const EFFECT: Record<string, "ks2_scaled_score" | "gcse_grade"> = { "KS2 scaled score": "ks2_scaled_score", "GCSE grade": "gcse_grade" };

interface Cell {
  seed: number;
  subject: string;
  breakdown: string;
  group: string;
  covered: boolean;
  z: number;
}

interface KsCell {
  seed: number;
  measure: string;
  subject: string;
  covered: boolean;
}

interface Seed {
  cells: Cell[];
  /** Only for the first KS_SEEDS seeds. */
  ks?: { cells: KsCell[]; scales: Set<string> };
}

/** Which sample column and value a mart row's part is (total: every tutee). */
const PART = new Map<string, { column?: "route" | "group_size"; value?: string }>();
for (const model of NTP_IMPACT_ROW_MODELS)
  for (const p of model.parts) PART.set(`${model.breakdown}|${p.label}`, model.column ? { column: model.column, value: p.value } : {});

const subjectOf = (s: string) => (s === "maths" ? "Mathematics" : "English");

async function runSeed(seed: number): Promise<Seed> {
  const ks = seed <= KS_SEEDS;
  return withNtpSeed(
    seed,
    SCHOOLS,
    {
      measures: ks ? ["Standardised score", ...Object.keys(EFFECT)] : ["Standardised score"],
      breakdowns: NTP_BREAKDOWNS.filter((b) => b.breakdown === "total"),
      models: NTP_IMPACT_ROW_MODELS,
    },
    async (db, truth) => ({ cells: await standardisedCells(db, truth, seed), ks: ks ? await ksCells(db, truth, seed) : undefined }),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: truth.json as synth writes it
type Truth = any;

/** The mean of a cell's model tutees' effects (its coverage target); each must be a number in truth.json. */
function meanEffect(effects: (number | null | undefined)[], message: string): number {
  expect(
    effects.every((e) => typeof e === "number"),
    message,
  ).toBe(true);
  return (effects as number[]).reduce((a, e) => a + e, 0) / effects.length;
}

async function standardisedCells(db: Db, truth: Truth, seed: number): Promise<Cell[]> {
  // each place's planted effect (truth.json), by pupil and subject as the sample names them
  const planted = new Map<string, number>();
  for (const p of truth.places) planted.set(`${p.upn}|${subjectOf(p.subject)}`, p.planted_effect);
  const tutees = await db.all<{ upn: string; subject: string; route: string; group_size: string }>(
    "select upn, subject, route, group_size from ntp_impact_sample where tutored and outcome_measure = 'Standardised score'",
  );
  const rows = await db.all<{
    subject: string;
    breakdown: string;
    group_label: string;
    n_t: number;
    n_schools: number;
    b: number | null;
    se: number;
    ci_low: number;
    ci_high: number;
  }>(
    `select subject, breakdown, group_label, n_t, n_schools, b, se, ci_low, ci_high from mart_ntp_impact
     where breakdown in ('total', 'route', 'group_size') and outcome_measure = 'Standardised score'`,
  );
  const cells: Cell[] = [];
  for (const r of rows) {
    if (r.b === null || r.n_t < MIN_CELL_TUTEES || r.n_schools < MIN_CELL_SCHOOLS) continue;
    const part = PART.get(`${r.breakdown}|${r.group_label}`)!;
    const members = tutees.filter((t) => t.subject === r.subject && (part.column === undefined || t[part.column] === part.value));
    expect(members.length, `${seed} ${r.subject} ${r.group_label}: the cell's model tutees`).toBe(r.n_t);
    const target = meanEffect(
      members.map((m) => planted.get(`${m.upn}|${m.subject}`)),
      `${seed} ${r.subject} ${r.group_label}: every model tutee has a planted effect`,
    );
    cells.push({
      seed,
      subject: r.subject,
      breakdown: r.breakdown,
      group: r.group_label,
      covered: r.ci_low <= target && target <= r.ci_high,
      z: (r.b - target) / r.se,
    });
  }
  return cells;
}

async function ksCells(db: Db, truth: Truth, seed: number): Promise<{ cells: KsCell[]; scales: Set<string> }> {
  const effect = new Map<string, Record<string, number | null>>();
  for (const p of truth.places) effect.set(`${p.upn}|${subjectOf(p.subject)}`, p.effect);
  const tutees = await db.all<{ upn: string; subject: string; outcome_measure: string; baseline_scale: string }>(
    "select upn, subject, outcome_measure, baseline_scale from ntp_impact_sample where tutored and outcome_measure in ('KS2 scaled score', 'GCSE grade')",
  );
  const rows = await db.all<{ subject: string; outcome_measure: string; n_t: number; b: number | null; ci_low: number; ci_high: number }>(
    `select subject, outcome_measure, n_t, b, ci_low, ci_high from mart_ntp_impact
     where breakdown = 'total' and outcome_measure in ('KS2 scaled score', 'GCSE grade')`,
  );
  const cells: KsCell[] = [];
  for (const r of rows) {
    expect(r.b, `seed ${seed} ${r.outcome_measure} ${r.subject}: estimated`).not.toBeNull();
    const members = tutees.filter((t) => t.subject === r.subject && t.outcome_measure === r.outcome_measure);
    expect(members.length).toBe(r.n_t);
    const target = meanEffect(
      members.map((m) => effect.get(`${m.upn}|${m.subject}`)?.[EFFECT[r.outcome_measure]!]),
      `seed ${seed} ${r.outcome_measure} ${r.subject}: every model tutee has an effect in truth.json`,
    );
    cells.push({ seed, measure: r.outcome_measure, subject: r.subject, covered: r.ci_low <= target && target <= r.ci_high });
  }
  const scales = new Set(tutees.filter((t) => t.outcome_measure === "KS2 scaled score").map((t) => t.baseline_scale));
  return { cells, scales };
}

/** Every seed's run, made once for both tests below (whichever asks first). */
let seeds: Promise<Seed[]> | undefined;
function allSeeds(): Promise<Seed[]> {
  seeds ??= (async () => {
    const done: Seed[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) done.push(await runSeed(seed));
    return done;
  })();
  return seeds;
}

describe(`ntp planted effects over ${SEEDS} seeds (the KS measures over the first ${KS_SEEDS}), ${SCHOOLS} schools (programmes.md §6.6)`, () => {
  it("Standardised score: route and group-size CIs together, and whole-cohort CIs, cover the mean planted effect of their model tutees in ≥ 90% of cells", async () => {
    const cells = (await allSeeds()).flatMap((s) => s.cells);
    const table = (which: Cell[]) => ({ n: which.length, covered: which.filter((c) => c.covered).length });
    const parts = table(cells.filter((c) => c.breakdown !== "total"));
    const whole = table(cells.filter((c) => c.breakdown === "total"));
    // the coverage table of the note, per cell type
    const byCell = new Map<string, { n: number; covered: number }>();
    for (const c of cells) {
      const key = `${c.subject} ${c.breakdown} ${c.group}`;
      const t = byCell.get(key) ?? { n: 0, covered: 0 };
      t.n++;
      if (c.covered) t.covered++;
      byCell.set(key, t);
    }
    const meanZ = cells.reduce((a, c) => a + c.z, 0) / cells.length;
    console.log(
      [
        `ntp planted-effect coverage (${SEEDS} seeds, ${SCHOOLS} schools): route and size ${parts.covered}/${parts.n}, whole cohort ${whole.covered}/${whole.n}, mean (b − planted)/SE ${meanZ.toFixed(2)}`,
        ...[...byCell].sort().map(([k, t]) => `  ${k}: ${t.covered}/${t.n}`),
      ].join("\n"),
    );
    // every route and size of the design is a cell in most seeds (the test says something about each)
    expect(parts.n).toBeGreaterThanOrEqual(SEEDS * 10);
    expect(whole.n).toBe(SEEDS * 2);
    for (const t of [parts, whole]) {
      expect(t.covered).toBeGreaterThanOrEqual(Math.ceil(0.9 * t.n));
      expect(t.covered).toBeGreaterThanOrEqual(binomialLowerBound(t.n, 0.95, 0.001));
    }
  }, 1_800_000);

  it("KS2 scaled score and GCSE grade: whole-cohort CIs cover the mean effect of their model tutees on the measure as often as nominal 95% coverage allows", async () => {
    const ks = (await allSeeds()).slice(0, KS_SEEDS).map((s) => s.ks!);
    const cells = ks.flatMap((s) => s.cells);
    // each measure and subject a cell in every seed
    expect(cells.length).toBe(KS_SEEDS * 4);
    // synth gives 10% of Year 6 tutees no standardised baseline: the KS2 model mixes std and KS1
    expect([...new Set(ks.flatMap((s) => [...s.scales]))].sort()).toEqual(["ks1", "std"]);
    const covered = cells.filter((c) => c.covered).length;
    console.log(
      `KS2/GCSE planted-effect coverage (${KS_SEEDS} seeds): ${covered}/${cells.length}; ` +
        Object.keys(EFFECT)
          .map((m) => `${m} ${cells.filter((c) => c.measure === m && c.covered).length}/${cells.filter((c) => c.measure === m).length}`)
          .join(", "),
    );
    expect(covered).toBeGreaterThanOrEqual(binomialLowerBound(cells.length, 0.95, 0.001));
  }, 1_800_000);
});
