// mart_delivery and mart_delivery_hours_dist (measures.md §8) on a hand-built case.
// Every expected figure below is worked out by hand from the fixture, as commented.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Db, type Row } from "../pipelines/core/db.ts";
import { parseSettings, type ResolvedSettings } from "../pipelines/core/settings.ts";
import { buildProgrammeMarts } from "../pipelines/measures/programme.ts";
import { runTransformModels } from "../pipelines/transform/index.ts";

const LA = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
const settings: ResolvedSettings = parseSettings({ la: LA, build_date: "2010-09-30" });

// Tutor ids chosen so a leak into any mart is easy to spot.
const T1 = "TUTOR-SECRET-1";
const T2 = "TUTOR-SECRET-2";
const T3 = "TUTOR-SECRET-3";

/** Contract tables (docs/architecture.md) the programme marts read. */
async function contractTables(db: Db): Promise<void> {
  await db.run(`create table stg_schools (urn VARCHAR, laestab VARCHAR, school_name VARCHAR, la_code VARCHAR, phase VARCHAR,
    academy BOOLEAN, national_challenge BOOLEAN, ecaw BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR,
    tutor_id VARCHAR, start_date DATE, end_date DATE, allocation VARCHAR, entry_reason VARCHAR, itp_agreed BOOLEAN,
    mid_check BOOLEAN, targets_set INTEGER, targets_met INTEGER, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_sessions (tuition_id VARCHAR, session_date DATE, minutes INTEGER, in_school_day BOOLEAN,
    attended BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table int_pupils (academic_year VARCHAR, time_period VARCHAR, la_code VARCHAR, urn VARCHAR, upn VARCHAR,
    nc_year INTEGER, key_stage VARCHAR, fsm BOOLEAN, cla BOOLEAN, eal BOOLEAN, female BOOLEAN, sen VARCHAR, sen_any BOOLEAN,
    ethnicity_major VARCHAR, eligible BOOLEAN, fsm_status VARCHAR, cla_status VARCHAR, first_language VARCHAR, sex VARCHAR,
    sen_provision VARCHAR)`);
  await db.run(`create table int_places (academic_year VARCHAR, time_period VARCHAR, la_code VARCHAR, arranging_urn VARCHAR,
    upn VARCHAR, subject VARCHAR, n_courses INTEGER, start_date DATE, end_date DATE, sessions INTEGER, sessions_attended INTEGER,
    hours DOUBLE, full_place BOOLEAN, cost_gbp DOUBLE)`);
}

async function pupil(db: Db, upn: string, urn: string, ncYear: number, fsm: boolean, female: boolean): Promise<void> {
  await db.run(
    `insert into int_pupils values ('2009/10', '200910', '919', ?, ?, ?, 'Key stage 2', ?, false, false, ?, 'N', false,
      'White', true, ?, 'Not looked after', 'Known or believed to be English', ?, 'No SEN provision')`,
    [urn, upn, ncYear, fsm, female, fsm ? "FSM eligible" : "Not known to be FSM eligible", female ? "Female" : "Male"],
  );
}

async function place(db: Db, upn: string, urn: string, subject: string, nCourses: number, hours: number): Promise<void> {
  const cost = (hours + 2) * settings.tutor_hourly_rate_gbp + settings.school_payment_per_place_gbp;
  await db.run(`insert into int_places values ('2009/10', '200910', '919', ?, ?, ?, ?, date '2009-10-01', date '2010-03-01', 0, 0, ?, ?, ?)`, [
    urn,
    upn,
    subject,
    nCourses,
    hours,
    hours >= 10,
    cost,
  ]);
}

async function course(
  db: Db,
  id: string,
  upn: string,
  urn: string,
  subject: string,
  tutor: string,
  itp: boolean | null,
  mid: boolean | null,
  set: number | null,
  met: number | null,
): Promise<void> {
  await db.run(
    `insert into stg_tuition values (?, ?, ?, '2009/10', ?, ?, date '2009-10-01', date '2010-03-01', 'core',
      'falling_behind', ?, ?, ?, ?, 'tuition.csv', 2)`,
    [id, upn, urn, subject, tutor, itp, mid, set, met],
  );
}

/** `count` sessions of one kind for a course. */
async function sessions(db: Db, id: string, count: number, minutes: number, inDay: boolean | null, attended: boolean): Promise<void> {
  await db.run(`insert into stg_sessions select ?, date '2009-11-01' + i::integer, ?, ?, ?, 'sessions.csv', 2 from range(?) t(i)`, [
    id,
    minutes,
    inDay,
    attended,
    count,
  ]);
}

/*
 * The case. Schools S1 = 100001, S2 = 100002, S3 = 100003, all LA 919.
 * Pupil A (FSM, female): English place at S1 from two courses, C1 (T1, arranged by S1)
 *   and C2 (T2, arranged by S3: the place is still counted at S1, its arranging school);
 *   Mathematics place at S1, course C5 (T1).
 * Pupil B (not FSM, male): Mathematics place at S1, course C3 (T1).
 * Pupil C (not FSM, female): English place at S2, course C4 (T3).
 *
 * Sessions (minutes, in school day, attended):
 *   C1: 60 in att, 60 out att, 45 in att, 60 in MISSED          -> 4 rows, 3 attended
 *   C2: 90 out att, 30 unknown-day att                          -> 2 rows, 2 attended
 *   C3: 10 × 60 in att, 1 × 60 in MISSED                         -> 11 rows, 10 attended
 *   C4: 12 × 60 out att                                          -> 12 rows, 12 attended
 *   C5: 2 × 30 in att                                            -> 2 rows, 2 attended
 * Hours per place (attended minutes / 60; missed sessions deliver nothing):
 *   A English (60+60+45+90+30)/60 = 4.75; A Maths 60/60 = 1; B Maths 600/60 = 10 (full);
 *   C English 720/60 = 12 (full).
 * Courses (ITP, mid-check, targets set, met):
 *   C1 (Y, Y, 3, 2)  C2 (N, ?, 2, ?)  C3 (Y, N, 4, 4)  C4 (?, Y, ?, ?)  C5 (Y, N, 1, 0)
 */
async function buildCase(db: Db): Promise<void> {
  await contractTables(db);
  for (const [urn, name] of [
    ["100001", "One"],
    ["100002", "Two"],
    ["100003", "Three"],
  ]) {
    await db.run(`insert into stg_schools values (?, '9192000', ?, '919', 'primary', false, false, false, 'schools.csv', 2)`, [urn, name]);
  }
  await pupil(db, "A", "100001", 5, true, true);
  await pupil(db, "B", "100001", 6, false, false);
  await pupil(db, "C", "100002", 4, false, true);
  await place(db, "A", "100001", "English", 2, 4.75);
  await place(db, "A", "100001", "Mathematics", 1, 1);
  await place(db, "B", "100001", "Mathematics", 1, 10);
  await place(db, "C", "100002", "English", 1, 12);
  await course(db, "C1", "A", "100001", "english", T1, true, true, 3, 2);
  await course(db, "C2", "A", "100003", "english", T2, false, null, 2, null);
  await course(db, "C3", "B", "100001", "maths", T1, true, false, 4, 4);
  await course(db, "C4", "C", "100002", "english", T3, null, true, null, null);
  await course(db, "C5", "A", "100001", "maths", T1, true, false, 1, 0);
  await sessions(db, "C1", 1, 60, true, true);
  await sessions(db, "C1", 1, 60, false, true);
  await sessions(db, "C1", 1, 45, true, true);
  await sessions(db, "C1", 1, 60, true, false);
  await sessions(db, "C2", 1, 90, false, true);
  await sessions(db, "C2", 1, 30, null, true);
  await sessions(db, "C3", 10, 60, true, true);
  await sessions(db, "C3", 1, 60, true, false);
  await sessions(db, "C4", 12, 60, false, true);
  await sessions(db, "C5", 2, 30, true, true);
}

async function row(db: Db, where: { urn?: string | null; subject: string; breakdown?: string; group?: string }): Promise<Row> {
  const rows = await db.all(
    `select * from mart_delivery where la_code = '919' and urn is not distinct from ? and subject = ? and breakdown = ? and group_label = ?`,
    [where.urn ?? null, where.subject, where.breakdown ?? "total", where.group ?? "Total"],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

let db: Db;
beforeEach(async () => {
  db = await Db.open(":memory:");
  await buildCase(db);
});
afterEach(() => db.close());

describe("mart_delivery: LA, both subjects (Total)", () => {
  it("counts places (summed over subjects), distinct pupils and courses", async () => {
    await buildFromPlaces(db, settings);
    const r = await row(db, { subject: "Total" });
    expect(r.places).toBe(4); // A English, A Maths, B Maths, C English
    expect(r.pupils).toBe(3); // A, B, C
    expect(r.courses).toBe(5);
  });

  it("gives hours per place: mean, median and quartiles (linear interpolation), full places", async () => {
    await buildFromPlaces(db, settings);
    const r = await row(db, { subject: "Total" });
    // hours 4.75, 1, 10, 12 -> sorted 1, 4.75, 10, 12
    expect(r.mean_hours).toBeCloseTo(27.75 / 4, 12); // 6.9375
    expect(r.median_hours).toBeCloseTo((4.75 + 10) / 2, 12); // 7.375
    expect(r.hours_p25).toBeCloseTo(1 + 0.75 * (4.75 - 1), 12); // position 0.75 -> 3.8125
    expect(r.hours_p75).toBeCloseTo(10 + 0.25 * (12 - 10), 12); // position 2.25 -> 10.5
    expect(r.full_places).toBe(2); // B Maths (exactly 10 h) and C English
    expect(r.pct_full_places).toBeCloseTo(50, 12);
    expect(r.mean_hours_na_reason).toBeNull();
  });

  it("attendance is attended over all session rows; 60-minute and outside-day shares are of attended sessions", async () => {
    await buildFromPlaces(db, settings);
    const r = await row(db, { subject: "Total" });
    expect(r.sessions).toBe(31); // 4 + 2 + 11 + 12 + 2
    expect(r.sessions_attended).toBe(29); // 3 + 2 + 10 + 12 + 2
    expect(r.attendance_rate).toBeCloseTo((100 * 29) / 31, 12);
    // attended and >= 60 min: C1 2 (the 45 is not), C2 1 (90), C3 10, C4 12, C5 0 = 25
    expect(r.sessions_60min).toBe(25);
    expect(r.pct_sessions_60min).toBeCloseTo((100 * 25) / 29, 12);
    // attended with the school-day flag known: 3 + 1 + 10 + 12 + 2 = 28 (C2's 30-minute one unknown);
    // outside the day: C1 1, C2 1, C4 12 = 14
    expect(r.sessions_day_known).toBe(28);
    expect(r.sessions_outside_day).toBe(14);
    expect(r.pct_sessions_outside_day).toBeCloseTo(50, 12);
  });

  it("ITP and mid-check shares leave unknown flags out; targets met over set where both are recorded", async () => {
    await buildFromPlaces(db, settings);
    const r = await row(db, { subject: "Total" });
    expect([r.courses_itp_recorded, r.courses_itp_agreed]).toEqual([4, 3]); // C4 unknown
    expect(r.pct_itp_agreed).toBeCloseTo(75, 12);
    expect([r.courses_mid_check_recorded, r.courses_mid_check]).toEqual([4, 2]); // C2 unknown; C1, C4 held
    expect(r.pct_mid_check).toBeCloseTo(50, 12);
    // C1 3/2, C3 4/4, C5 1/0; C2 (met unknown) and C4 left out
    expect([r.courses_targets_recorded, r.targets_set, r.targets_met]).toEqual([3, 8, 6]);
    expect(r.pct_targets_met).toBeCloseTo(75, 12);
  });

  it("counts tutors and courses per tutor", async () => {
    await buildFromPlaces(db, settings);
    const r = await row(db, { subject: "Total" });
    expect(r.tutors).toBe(3);
    expect(r.courses_per_tutor).toBeCloseTo(5 / 3, 12);
  });
});

describe("mart_delivery: by subject, school and group", () => {
  it("splits by subject", async () => {
    await buildFromPlaces(db, settings);
    const en = await row(db, { subject: "English" });
    expect([en.places, en.pupils, en.courses, en.tutors]).toEqual([2, 2, 3, 3]); // C1 T1, C2 T2, C4 T3
    expect(en.mean_hours).toBeCloseTo((4.75 + 12) / 2, 12);
    const ma = await row(db, { subject: "Mathematics" });
    expect([ma.places, ma.pupils, ma.courses, ma.tutors]).toEqual([2, 2, 2, 1]); // C3, C5 both T1
    expect(ma.courses_per_tutor).toBeCloseTo(2, 12);
    expect(ma.full_places).toBe(1);
  });

  it("counts a place and all its courses at the school that arranged the place", async () => {
    await buildFromPlaces(db, settings);
    const s1 = await row(db, { urn: "100001", subject: "Total" });
    expect([s1.places, s1.pupils, s1.courses, s1.tutors]).toEqual([3, 2, 4, 2]); // C2 (arranged by S3) is here
    expect(s1.sessions).toBe(4 + 2 + 11 + 2);
    const s2 = await row(db, { urn: "100002", subject: "English" });
    expect([s2.places, s2.courses, s2.tutors, s2.full_places]).toEqual([1, 1, 1, 1]);
    const s3 = await db.all(`select * from mart_delivery where urn = '100003'`);
    expect(s3).toHaveLength(0);
  });

  it("counts a pupil with places at two schools once for the LA and once at each school", async () => {
    await place(db, "C", "100001", "Mathematics", 1, 0); // C: English at S2, now Maths at S1
    await buildFromPlaces(db, settings);
    const la = await row(db, { subject: "Total" });
    expect([la.places, la.pupils]).toEqual([5, 3]);
    const s1 = await row(db, { urn: "100001", subject: "Total" });
    expect([s1.places, s1.pupils]).toEqual([4, 3]); // A (two places), B, C
    const s2 = await row(db, { urn: "100002", subject: "Total" });
    expect([s2.places, s2.pupils]).toEqual([1, 1]);
    const ma = await row(db, { subject: "Mathematics" });
    expect([ma.places, ma.pupils]).toEqual([3, 3]);
  });

  it("gives every breakdown for the LA, groups from the census", async () => {
    await buildFromPlaces(db, settings);
    const fsm = await row(db, { subject: "Total", breakdown: "fsm_status", group: "FSM eligible" });
    expect([fsm.places, fsm.pupils]).toEqual([2, 1]); // pupil A's two places
    expect(fsm.mean_hours).toBeCloseTo((4.75 + 1) / 2, 12);
    expect(fsm.pct_full_places).toBeCloseTo(0, 12);
    const notFsm = await row(db, { subject: "Total", breakdown: "fsm_status", group: "Not known to be FSM eligible" });
    expect([notFsm.places, notFsm.full_places]).toEqual([2, 2]);
    const breakdowns = await db.all(`select distinct breakdown from mart_delivery where urn is null order by 1`);
    expect(breakdowns.map((b) => b.breakdown)).toEqual([
      "cla_status",
      "ethnicity_major",
      "first_language",
      "fsm_status",
      "key_stage",
      "sen_provision",
      "sex",
      "total",
    ]);
  });

  it("has no National rows for a single LA, and no duplicate keys", async () => {
    await buildFromPlaces(db, settings);
    expect(await db.all(`select * from mart_delivery where la_code = 'National'`)).toHaveLength(0);
    const dup = await db.all(`select time_period, la_code, urn, subject, breakdown, group_label, count(*) as n
      from mart_delivery group by all having count(*) > 1`);
    expect(dup).toHaveLength(0);
  });
});

describe("tutor ids never reach a mart", () => {
  it("holds no tutor id in any cell of any programme mart", async () => {
    await buildFromPlaces(db, settings);
    // the scan finds ids where they are (in the staged tuition)
    const control = await db.one<{ n: number }>(`select count(*) as n from stg_tuition t where t::varchar like '%TUTOR-SECRET%'`);
    expect(control?.n).toBe(5);
    const tables = await db.all<{ table_name: string }>(`select table_name from information_schema.tables where table_name like 'mart_%'`);
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const { table_name } of tables) {
      // a row cast to text holds every cell of it
      const hits = await db.one<{ n: number }>(`select count(*) as n from "${table_name}" t where t::varchar like '%TUTOR-SECRET%'`);
      expect(hits?.n, table_name).toBe(0);
      const cols = await db.all(`select column_name from information_schema.columns where table_name = ? and column_name ilike '%tutor_id%'`, [table_name]);
      expect(cols, table_name).toHaveLength(0);
    }
  });
});

describe("without a sessions file", () => {
  it("reports hours and attendance as not available, with the reason", async () => {
    await db.run(`drop table stg_sessions`);
    await buildFromPlaces(db, settings);
    const r = await row(db, { subject: "Total" });
    expect(r.places).toBe(4);
    expect(r.mean_hours).toBeNull();
    expect(r.pct_full_places).toBeNull();
    expect(r.attendance_rate).toBeNull();
    expect(String(r.mean_hours_na_reason)).toMatch(/no sessions file/);
    expect(String(r.attendance_rate_na_reason)).toMatch(/no sessions file/);
    expect(r.pct_itp_agreed).toBeCloseTo(75, 12); // course figures do not need sessions
    expect(await db.all(`select * from mart_delivery_hours_dist`)).toHaveLength(0);
  });
});

describe("mart_delivery_hours_dist", () => {
  it("bins places by whole hours delivered", async () => {
    await buildFromPlaces(db, settings);
    const bins = await db.all(`select hours_from, hours_to, places from mart_delivery_hours_dist
      where la_code = '919' and urn is null and subject = 'Total' and breakdown = 'total' order by hours_from`);
    // 1 -> [1,2), 4.75 -> [4,5), 10 -> [10,11), 12 -> [12,13)
    expect(bins).toEqual([
      { hours_from: 1, hours_to: 2, places: 1 },
      { hours_from: 4, hours_to: 5, places: 1 },
      { hours_from: 10, hours_to: 11, places: 1 },
      { hours_from: 12, hours_to: 13, places: 1 },
    ]);
  });
});

/** int_programme_places (a transform model) over the hand-built int_places, then the programme marts. */
async function buildFromPlaces(db: Db, s: ResolvedSettings): Promise<void> {
  await runTransformModels(db, s, ["int_programme_places"]);
  await buildProgrammeMarts(db, s);
}
