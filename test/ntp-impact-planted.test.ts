// Planted-effect coverage of the ntp impact models (programmes.md §6.6): over 40 seeds of
// `synth --programme ntp`, the 95% CIs of the route and group-size cells together (Standardised
// score, each subject; cells with ≥ 100 model tutees and ≥ 20 schools) cover the mean planted
// effect of the cell's model tutees (their place's dominant course) in ≥ 90% of cells, and so do
// the whole-cohort CIs; and no fewer than a binomial lower bound at the nominal 95% allows.
// Heavy: each seed runs synth → ingest → validate → the impact models this test reads, and only
// those (Standardised score, whole cohort: whole, by route, by size; not the §5 breakdowns' nor the
// KS2/GCSE models, 26 times as many fits, which the oracle and KS tests cover). Seeds and size are
// set by NTP_PLANTED_SEEDS (default 40) and NTP_PLANTED_SCHOOLS (default 40: enough schools for the
// mentor route's cells to reach 100 model tutees).
import { describe, expect, it } from "vitest";
import { NTP_BREAKDOWNS, NTP_IMPACT_ROW_MODELS } from "../pipelines/measures/ntp-impact.ts";
import { withNtpSeed } from "./helpers/ntp-seed.ts";
import { binomialLowerBound } from "./helpers/coverage.ts";

const SEEDS = Number(process.env.NTP_PLANTED_SEEDS ?? 40);
const SCHOOLS = Number(process.env.NTP_PLANTED_SCHOOLS ?? 40);
const MIN_CELL_TUTEES = 100;
const MIN_CELL_SCHOOLS = 20;

interface Cell {
  seed: number;
  subject: string;
  breakdown: string;
  group: string;
  covered: boolean;
  z: number;
}

/** Which sample column and value a mart row's part is (total: every tutee). */
const PART = new Map<string, { column?: "route" | "group_size"; value?: string }>();
for (const model of NTP_IMPACT_ROW_MODELS)
  for (const p of model.parts) PART.set(`${model.breakdown}|${p.label}`, model.column ? { column: model.column, value: p.value } : {});

async function runSeed(seed: number): Promise<Cell[]> {
  return withNtpSeed(
    seed,
    SCHOOLS,
    {
      measures: ["Standardised score"],
      breakdowns: NTP_BREAKDOWNS.filter((b) => b.breakdown === "total"),
      models: NTP_IMPACT_ROW_MODELS,
    },
    async (db, truth) => {
      // each place's planted effect (truth.json), by pupil and subject as the sample names them
      const planted = new Map<string, number>();
      for (const p of truth.places) planted.set(`${p.upn}|${p.subject === "maths" ? "Mathematics" : "English"}`, p.planted_effect);
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
        const effects = members.map((m) => planted.get(`${m.upn}|${m.subject}`));
        expect(
          effects.every((e) => e !== undefined),
          `${seed} ${r.subject} ${r.group_label}: every model tutee has a planted effect`,
        ).toBe(true);
        const target = (effects as number[]).reduce((a, e) => a + e, 0) / effects.length;
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
    },
  );
}

describe(`ntp planted effects over ${SEEDS} seeds, ${SCHOOLS} schools (programmes.md §6.6)`, () => {
  it("route and group-size CIs together, and whole-cohort CIs, cover the mean planted effect of their model tutees in ≥ 90% of cells", async () => {
    const cells: Cell[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) cells.push(...(await runSeed(seed)));
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
});
