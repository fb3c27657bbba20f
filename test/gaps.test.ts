// mart_gaps progress gaps (measures.md §5): over the same pupils as the §6 means — every
// pupil with a baseline and an outcome — not only the model sample, which leaves out pupils
// with an unknown covariate. Each figure below is worked by hand from the spec on a fixture
// where the two readings differ, so a gap taken over the model sample fails.
import { afterEach, describe, expect, it } from "vitest";
import type { Db, Row } from "../pipelines/core/db.ts";
import { buildImpactMarts } from "../pipelines/measures/impact.ts";
import { fixtureDb, fixtureSettings, type FixturePupil } from "./oracle/fixture.ts";

// [upn, tutored, fsm, eal (null = unknown), sen_any (null = unknown), progress]
type P = [string, boolean, boolean, boolean | null, boolean | null, number];
const PUPILS: P[] = [
  // tutees, FSM: 4 (in the model), 6 (EAL unknown: §6 only)
  ["T1", true, true, false, false, 4],
  ["T2", true, true, null, false, 6],
  // tutees, not FSM: 3 and 5 (in the model), 1 (SEN unknown: §6 only)
  ["T3", true, false, false, false, 3],
  ["T4", true, false, true, false, 5],
  ["T5", true, false, false, null, 1],
  // comparison, FSM: 2 (in the model), 8 (EAL unknown)
  ["C1", false, true, false, false, 2],
  ["C2", false, true, null, false, 8],
  // comparison, not FSM: 1 and 3
  ["C3", false, false, false, false, 1],
  ["C4", false, false, true, false, 3],
];

function fixture(la: string, prefix: string, rows: P[]): FixturePupil[] {
  return rows.map(([upn, tutored, fsm, eal, sen_any, progress], i) => ({
    la_code: la,
    urn: `${la}00${i % 3}`,
    upn: `${prefix}${upn}`,
    nc_year: 5,
    tutored,
    fsm,
    eal,
    sen_any,
    female: i % 2 === 0,
    baseline: 21,
    outcome: 21 + progress,
  }));
}

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

async function fsmGap(d: Db, la: string): Promise<Row> {
  const r = await d.one(`select * from mart_gaps where la_code = ? and subject = 'English' and breakdown = 'fsm_status'`, [la]);
  if (!r) throw new Error(`no mart_gaps fsm_status row for ${la}`);
  return r;
}

describe("progress gaps over the §6 pupils (measures.md §5)", () => {
  it("counts pupils with an unknown covariate, whom the model leaves out", async () => {
    db = await fixtureDb(fixture("919", "A", PUPILS));
    await buildImpactMarts(db, fixtureSettings(["919"]));
    const gap = await fsmGap(db, "919");
    expect(gap.group_label).toBe("FSM eligible");
    // tutees: mean(4, 6) − mean(3, 5, 1) = 5 − 3 = 2 (the model sample alone would give 4 − 4 = 0)
    expect(Number(gap.gap_progress_t)).toBeCloseTo(2, 12);
    // comparison: mean(2, 8) − mean(1, 3) = 5 − 2 = 3 (model sample: 2 − 2 = 0)
    expect(Number(gap.gap_progress_c)).toBeCloseTo(3, 12);
    expect([gap.gap_n_t_group, gap.gap_n_t_other, gap.gap_n_c_group, gap.gap_n_c_other]).toEqual([2, 3, 2, 2]);
  });

  it("gives each LA its own gap and the National gap over every LA's §6 pupils", async () => {
    // LA 918: the same pupils, but its FSM tutees progress 2 more (T1 6, T2 8)
    const other = PUPILS.map((p): P => (p[1] && p[2] ? [p[0], p[1], p[2], p[3], p[4], p[5] + 2] : p));
    db = await fixtureDb([...fixture("919", "A", PUPILS), ...fixture("918", "B", other)]);
    await buildImpactMarts(db, fixtureSettings(["919", "918"]));
    expect(Number((await fsmGap(db, "919")).gap_progress_t)).toBeCloseTo(2, 12);
    // 918 tutees: mean(6, 8) − mean(3, 5, 1) = 7 − 3 = 4
    expect(Number((await fsmGap(db, "918")).gap_progress_t)).toBeCloseTo(4, 12);
    const nat = await fsmGap(db, "National");
    // National tutees: mean(4, 6, 6, 8) − mean(3, 5, 1, 3, 5, 1) = 6 − 3 = 3
    expect(Number(nat.gap_progress_t)).toBeCloseTo(3, 12);
    // National comparison: mean(2, 8, 2, 8) − mean(1, 3, 1, 3) = 3
    expect(Number(nat.gap_progress_c)).toBeCloseTo(3, 12);
    expect([nat.gap_n_t_group, nat.gap_n_t_other, nat.gap_n_c_group, nat.gap_n_c_other]).toEqual([4, 6, 4, 4]);
  });
});
