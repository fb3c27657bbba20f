// Test helper: builds int_analysis_pupils and int_places with exactly the contract's
// columns (docs/architecture.md) in an in-memory DuckDB, from a few plain pupil records.
import { join } from "node:path";
import { Db } from "../../pipelines/core/db.ts";
import { parseSettings, type ResolvedSettings } from "../../pipelines/core/settings.ts";
import { defineGroupLabel } from "../../pipelines/transform/index.ts";

export interface FixturePupil {
  la_code?: string;
  urn: string;
  upn: string;
  subject?: "English" | "Mathematics";
  nc_year: number;
  tutored: boolean;
  /** null: hours not known (no session rows), so no full place flag and no cost. */
  full_place?: boolean | null;
  fsm: boolean;
  cla?: boolean;
  eal: boolean | null;
  female: boolean;
  sen_any?: boolean | null;
  ethnicity_major?: string;
  baseline: number;
  outcome: number;
  cost_gbp?: number;
  /** The §5 prior-attainment band; by default none, so these pupils fit no band model
   * (test/prior-attainment.test.ts derives bands from baselines through the transform). */
  prior_attainment?: string | null;
}

const TRANSFORM_SQL = join(import.meta.dirname, "..", "..", "pipelines", "transform", "sql");

function keyStage(y: number): string | null {
  if (y >= 3 && y <= 6) return "Key stage 2";
  if (y >= 7 && y <= 9) return "Key stage 3";
  if (y >= 10 && y <= 11) return "Key stage 4";
  return null;
}

const COLUMNS = [
  "academic_year",
  "time_period",
  "la_code",
  "urn",
  "upn",
  "nc_year",
  "key_stage",
  "fsm",
  "cla",
  "eal",
  "female",
  "sen",
  "sen_any",
  "ethnicity_major",
  "eligible",
  "fsm_status",
  "cla_status",
  "first_language",
  "sex",
  "sen_provision",
  "subject",
  "tutored",
  "full_place",
  "anchor_start",
  "anchor_end",
  "baseline",
  "outcome",
  "baseline_on",
  "outcome_on",
  "progress",
  "below_are_baseline",
  "at_are_outcome",
  "expected_progress",
  "in_model_sample",
  "prior_attainment",
];

export async function fixtureDb(pupils: FixturePupil[]): Promise<Db> {
  const db = await Db.open(":memory:");
  await db.run(`create table int_analysis_pupils (
    academic_year varchar, time_period varchar, la_code varchar, urn varchar, upn varchar, nc_year integer,
    key_stage varchar, fsm boolean, cla boolean, eal boolean, female boolean, sen varchar, sen_any boolean,
    ethnicity_major varchar, eligible boolean, fsm_status varchar, cla_status varchar, first_language varchar,
    sex varchar, sen_provision varchar, subject varchar, tutored boolean, full_place boolean, anchor_start date,
    anchor_end date, baseline double, outcome double, baseline_on date, outcome_on date, progress double,
    below_are_baseline boolean, at_are_outcome boolean, expected_progress boolean, in_model_sample boolean,
    prior_attainment varchar)`);
  await db.run(`create table int_places (
    academic_year varchar, time_period varchar, la_code varchar, arranging_urn varchar, upn varchar, subject varchar,
    n_courses integer, start_date date, end_date date, sessions integer, sessions_attended integer, hours double,
    full_place boolean, cost_gbp double)`);
  const rows = pupils.map((p) => {
    const sen_any = p.sen_any === undefined ? false : p.sen_any;
    const cla = p.cla ?? false;
    return [
      "2009/10",
      "200910",
      p.la_code ?? "919",
      p.urn,
      p.upn,
      p.nc_year,
      keyStage(p.nc_year),
      p.fsm,
      cla,
      p.eal,
      p.female,
      sen_any === null ? null : sen_any ? "A" : "N",
      sen_any,
      p.ethnicity_major ?? "White",
      true,
      p.fsm ? "FSM eligible" : "Not known to be FSM eligible",
      cla ? "Looked after" : "Not looked after",
      p.eal === null ? "Unknown" : p.eal ? "Known or believed to be other than English" : "Known or believed to be English",
      p.female ? "Female" : "Male",
      sen_any === null ? null : sen_any ? "School Action" : "No SEN provision",
      p.subject ?? "English",
      p.tutored,
      p.tutored ? (p.full_place === null ? null : (p.full_place ?? true)) : null,
      null,
      null,
      p.baseline,
      p.outcome,
      null,
      null,
      p.outcome - p.baseline,
      null,
      null,
      null,
      true,
      p.prior_attainment ?? null,
    ];
  });
  const batch = 100;
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    await db.run(
      `insert into int_analysis_pupils (${COLUMNS.join(", ")}) values ${chunk.map(() => `(${COLUMNS.map(() => "?").join(", ")})`).join(", ")}`,
      chunk.flat() as (string | number | boolean | null)[],
    );
  }
  const places = pupils.filter((p) => p.tutored);
  for (let i = 0; i < places.length; i += batch) {
    const chunk = places.slice(i, i + batch);
    await db.run(
      `insert into int_places (academic_year, time_period, la_code, arranging_urn, upn, subject, n_courses, hours, full_place, cost_gbp) values ${chunk.map(() => "(?, ?, ?, ?, ?, ?, 1, ?, ?, ?)").join(", ")}`,
      chunk.flatMap((p) => [
        "2009/10",
        "200910",
        p.la_code ?? "919",
        p.urn,
        p.upn,
        p.subject ?? "English",
        p.full_place === null ? null : p.full_place === false ? 6 : 12,
        p.full_place === null ? null : (p.full_place ?? true),
        p.full_place === null ? null : (p.cost_gbp ?? 400),
      ]),
    );
  }
  await buildPupilGroups(db);
  return db;
}

/**
 * int_pupil_groups (each pupil's group in every breakdown) from int_analysis_pupils as the
 * transform builds it, for the marts that join it. A test that changes int_analysis_pupils'
 * model sample after fixtureDb runs it again.
 */
export async function buildPupilGroups(db: Db): Promise<void> {
  // the transform's integer key of a pupil (int_pupils.pupil_id: one per upn), which the marts count pupils by
  await db.run("alter table int_analysis_pupils add column if not exists pupil_id INTEGER");
  await db.run(`update int_analysis_pupils as a set pupil_id = k.pupil_id
    from (select upn, dense_rank() over (order by upn)::INTEGER as pupil_id from (select distinct upn from int_analysis_pupils)) as k
    where k.upn = a.upn`);
  await defineGroupLabel(db); // int_pupil_groups unpivots by it
  for (const model of ["int_group_labels", "int_pupil_groups"]) await db.runFile(join(TRANSFORM_SQL, `${model}.sql`));
}

export function fixtureSettings(codes: string[] = ["919"]): ResolvedSettings {
  return parseSettings({
    las: codes.map((c, i) => ({
      old_code: c,
      name: `Test LA ${i + 1}`,
      gss_code: `E1000${String(i).padStart(4, "0")}`,
      region_code: "E12000006",
      region_name: "East of England",
    })),
    build_date: "2010-09-30",
  });
}

/** Deterministic PRNG (mulberry32) so generated fixtures are the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
