// Planted-effect recovery (issue 5, "Done when"): on data from the generator, over many
// seeds, the 95% CI of the primary impact covers the planted impact (truth.json) about
// 95% of the time overall and per planted group (FSM bonus, EAL zero effect), and the
// naive unadjusted difference in mean progress does not (selection makes it biased).
// Heavy: each seed runs synth → ingest → validate → transform → the impact models over the
// breakdowns this test reads, and only those (whole cohort, FSM, first language: not the other
// breakdowns of §5, which test/impact.test.ts and the oracle cover). Seeds and size are set by
// IMPACT_PLANTED_SEEDS (default 20) and IMPACT_PLANTED_SCHOOLS (default 20).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { loadSettings } from "../pipelines/core/settings.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { buildImpactMarts } from "../pipelines/measures/impact.ts";
import { IMPACT_BREAKDOWNS, IMPACT_MODELS } from "../pipelines/measures/models.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { transform } from "../pipelines/transform/index.ts";
import { validate } from "../pipelines/validate/index.ts";
import { binomialLowerBound } from "./helpers/coverage.ts";

const SEEDS = Number(process.env.IMPACT_PLANTED_SEEDS ?? 20);
const SCHOOLS = Number(process.env.IMPACT_PLANTED_SCHOOLS ?? 20);

/** Planted groups: the whole cohort, and the groups whose effect the generator varies. */
const GROUPS: [string, string][] = [
  ["total", "Total"],
  ["fsm_status", "FSM eligible"],
  ["fsm_status", "Not known to be FSM eligible"],
  ["first_language", "Known or believed to be other than English"],
  ["first_language", "Known or believed to be English"],
];
const SUBJECTS: [string, string][] = [
  ["English", "english"],
  ["Mathematics", "maths"],
];
/**
 * Every model, over the breakdowns of GROUPS only: a group's fit reads only its own pupils (one
 * system per subject, breakdown and group), so its figures are those of a full run, and the
 * other breakdowns' fits (two thirds of the marts' rows) would only be thrown away.
 */
const MANIFEST = { models: IMPACT_MODELS, breakdowns: IMPACT_BREAKDOWNS.filter((b) => GROUPS.some(([breakdown]) => breakdown === b.id)) };

interface Outcome {
  covered: boolean;
  naiveCovered: boolean;
  estimated: boolean;
  bError: number;
  naiveError: number;
}

async function runSeed(seed: number): Promise<Map<string, Outcome>> {
  const dir = mkdtempSync(join(tmpdir(), `planted-${seed}-`));
  // One DuckDB thread, as every database the tests open (vitest.config.ts, TUITION_THREADS).
  const db = await Db.open(":memory:");
  try {
    await synthesise({ scale: "la", seed, out: dir, schools: SCHOOLS }, () => {});
    const settings = loadSettings(join(dir, "settings.json"));
    await ingest(db, dir, settings, () => {});
    await validate(db, settings);
    await transform(db, settings);
    await buildImpactMarts(db, settings, MANIFEST);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")).planted_effects.by_subject_and_group;
    const out = new Map<string, Outcome>();
    for (const [subject, key] of SUBJECTS) {
      for (const [breakdown, group] of GROUPS) {
        const planted = truth[key]?.[breakdown]?.[group]?.expected_b as number | undefined;
        if (planted === undefined) continue;
        const r = await db.one("select b, ci_low, ci_high from mart_impact where la_code <> 'National' and subject = ? and breakdown = ? and group_label = ?", [
          subject,
          breakdown,
          group,
        ]);
        // Naive: difference in mean progress of the same model pupils, with a Welch 95% CI.
        const naive = await db.one<{ d: number; se: number }>(
          `
          select avg(progress) filter (where cell <> 'comparison') - avg(progress) filter (where cell = 'comparison') as d,
            sqrt(var_samp(progress) filter (where cell <> 'comparison') / count(*) filter (where cell <> 'comparison')
               + var_samp(progress) filter (where cell = 'comparison') / count(*) filter (where cell = 'comparison')) as se
          from impact_model_rows where subject = ? and breakdown = ? and group_label = ?`,
          [subject, breakdown, group],
        );
        const estimated = r?.b !== null && r?.b !== undefined;
        out.set(`${subject} ${group}`, {
          estimated,
          covered: estimated && Number(r!.ci_low) <= planted && planted <= Number(r!.ci_high),
          naiveCovered: !!naive && Math.abs(naive.d - planted) <= 1.959963984540054 * naive.se,
          bError: estimated ? Number(r!.b) - planted : Number.NaN,
          naiveError: naive ? naive.d - planted : Number.NaN,
        });
      }
    }
    return out;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(`planted effects over ${SEEDS} seeds (${SCHOOLS} schools each)`, () => {
  it("the 95% CI covers the planted impact overall and per planted group; the naive difference does not", async () => {
    const tallies = new Map<string, { runs: number; covered: number; naive: number; bErrors: number[]; naiveErrors: number[] }>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      for (const [k, o] of await runSeed(seed)) {
        const t = tallies.get(k) ?? { runs: 0, covered: 0, naive: 0, bErrors: [], naiveErrors: [] };
        if (o.estimated) {
          t.runs++;
          if (o.covered) t.covered++;
          if (o.naiveCovered) t.naive++;
          t.bErrors.push(o.bError);
          t.naiveErrors.push(o.naiveError);
        }
        tallies.set(k, t);
      }
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const report = [...tallies]
      .map(
        ([k, t]) =>
          `${k}: CI covered ${t.covered}/${t.runs}, naive ${t.naive}/${t.runs}; mean error b ${mean(t.bErrors).toFixed(3)}, naive ${mean(t.naiveErrors).toFixed(3)}`,
      )
      .join("\n");
    console.log(report);
    for (const [k, t] of tallies) {
      // A small group can fall below the §3 minimums in an unlucky draw (then it is x).
      expect(t.runs, `${k}: estimated in most runs\n${report}`).toBeGreaterThanOrEqual(Math.ceil(SEEDS * 0.75));
      expect(t.covered, `${k}\n${report}`).toBeGreaterThanOrEqual(binomialLowerBound(t.runs, 0.95, 0.02));
    }
    // Selection (low attainers, slow progressers are tutored) biases the naive comparison:
    // for the whole cohort its CI covers the planted value significantly less often than
    // 95%, and its average error is larger than the adjusted estimate's.
    for (const [subject] of SUBJECTS) {
      const t = tallies.get(`${subject} Total`)!;
      expect(t.naive, `${subject}: naive covered\n${report}`).toBeLessThan(binomialLowerBound(t.runs, 0.95, 0.02));
      expect(Math.abs(mean(t.naiveErrors)), `${subject}\n${report}`).toBeGreaterThan(Math.abs(mean(t.bErrors)));
    }
  }, 3_600_000);
});
