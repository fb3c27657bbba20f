// The NTP delivery and cost marts (programmes.md §3 §13–§14, §6.4 and §6.5): a synthetic ntp
// LA (seed 11, 30 schools) through the pipeline's ingest, validate, transform and the marts' SQL
// equals its truth.json, rounded as the return rounds, per LA, school, route, group size and
// subject; and the spec's worked examples (the 16-hour rule, the §14 examples, the caps) through
// the same SQL on hand-made rows. The LA's marts are read from the shared run of that LA
// (test/fixtures/ntp-site/built.ts, which ntp-release and the ntp site read too): the same
// synth and the same stages this file ran again on its own before, mart for mart.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { roundHalfAway } from "../pipelines/core/round.ts";
import { parseSettings } from "../pipelines/core/settings.ts";
import { buildNtpMarts } from "../pipelines/measures/ntp.ts";
import { transformNtp } from "../pipelines/transform/ntp.ts";
import { builtNtpRun, type NtpRun } from "./fixtures/ntp-site/built.ts";

// Rounding as the return (measures.md §12, programmes.md §3): hours 1 dp, money to the pound.
const hours = (x: number) => roundHalfAway(x, 1);
const pounds = (x: number) => roundHalfAway(x, 0);

const SUBJECT: Record<string, string> = { english: "English", maths: "Mathematics", science: "Science", other: "Other subjects" };
const ROUTE: Record<string, string> = { tuition_partner: "Tuition partner", academic_mentor: "Academic mentor", school_led: "School-led tutoring" };
const SIZE: Record<string, string> = { "1": "One-to-one", "2": "Two pupils", "3": "Three pupils", "4+": "Four or more pupils" };

type Mart = Record<string, any>;
interface TruthRow {
  total_courses: number;
  total_hours: number;
  ntp_pupils: number;
  average_hours_per_course: number | null;
  tutees: number;
  cost_gbp: number;
  programme_funding_gbp: number;
  school_contribution_gbp: number;
  total_schools_participating: number;
}

/** The mart figures of a row as the return would round them, beside truth's rounded the same way. */
function rounded(d: Mart, c: Mart) {
  return {
    total_courses: d.total_courses,
    total_hours: hours(d.total_hours),
    ntp_pupils: d.ntp_pupils,
    average_hours_per_course: d.average_hours_per_course === null ? null : hours(d.average_hours_per_course),
    tutees: c.tutees,
    cost_gbp: pounds(c.cost_gbp),
    programme_funding_gbp: pounds(c.programme_funding_gbp),
    school_contribution_gbp: pounds(c.school_contribution_gbp),
    total_schools_participating: d.total_schools_participating,
  };
}
function roundedTruth(t: TruthRow) {
  return {
    ...t,
    total_hours: hours(t.total_hours),
    average_hours_per_course: t.average_hours_per_course === null ? null : hours(t.average_hours_per_course),
    cost_gbp: pounds(t.cost_gbp),
    programme_funding_gbp: pounds(t.programme_funding_gbp),
    school_contribution_gbp: pounds(t.school_contribution_gbp),
  };
}

describe("synthetic ntp LA: §13–§14 equal truth.json (§6.4)", () => {
  let truth: any;
  let run: NtpRun;
  let delivery: Mart[];
  let cost: Mart[];
  const row = (rows: Mart[], k: { urn?: string | null; subject?: string; breakdown?: string; group_label?: string }) => {
    const want = { urn: null, subject: "Total", breakdown: "total", group_label: "Total", ...k };
    const hits = rows.filter((r) => r.urn === want.urn && r.subject === want.subject && r.breakdown === want.breakdown && r.group_label === want.group_label);
    expect(hits, JSON.stringify(want)).toHaveLength(1);
    return hits[0];
  };
  const both = (k: Parameters<typeof row>[1]) => rounded(row(delivery, k), row(cost, k));

  beforeAll(async () => {
    run = await builtNtpRun();
    truth = JSON.parse(readFileSync(join(run.input, "truth.json"), "utf8"));
    const db = await Db.open(run.db, { access_mode: "READ_ONLY" });
    try {
      delivery = await db.all(`select * from mart_ntp_delivery`);
      cost = await db.all(`select * from mart_ntp_cost`);
    } finally {
      db.close();
    }
  }, 600_000); // the shared run on a busy two-core machine, or waiting for another file's build of it

  it("LA total", () => {
    expect(both({})).toEqual(roundedTruth(truth.delivery.total));
    const d = row(delivery, {});
    expect(d.total_schools).toBe(truth.delivery.total_schools);
    expect(d.percentage_schools_participating).toBeCloseTo((100 * truth.delivery.total.total_schools_participating) / truth.delivery.total_schools, 10);
  });

  it("per subject, route and group size", () => {
    const parts: [string, Record<string, TruthRow>, (k: string) => Parameters<typeof row>[1]][] = [
      ["by_subject", truth.delivery.by_subject, (k) => ({ subject: SUBJECT[k] })],
      ["by_route", truth.delivery.by_route, (k) => ({ breakdown: "route", group_label: ROUTE[k] })],
      ["by_group_size", truth.delivery.by_group_size, (k) => ({ breakdown: "group_size", group_label: SIZE[k] })],
    ];
    for (const [name, part, key] of parts) {
      expect(Object.keys(part).length, name).toBeGreaterThan(2);
      for (const [k, t] of Object.entries(part)) expect(both(key(k)), `${name} ${k}`).toEqual(roundedTruth(t));
    }
    // every route and size row of the mart is one truth has (no row from nowhere)
    const routeRows = delivery.filter((r) => r.urn === null && r.subject === "Total" && r.breakdown === "route").map((r) => r.group_label);
    expect(routeRows.sort()).toEqual(
      Object.keys(truth.delivery.by_route)
        .map((k) => ROUTE[k])
        .sort(),
    );
  });

  it("per school: the courses each school arranged", () => {
    const schools = Object.entries<TruthRow>(truth.delivery.by_school);
    expect(schools.length).toBeGreaterThan(10);
    for (const [urn, t] of schools) expect(both({ urn }), urn).toEqual(roundedTruth(t));
    const schoolRows = delivery.filter((r) => r.urn !== null && r.subject === "Total" && r.breakdown === "total");
    expect(schoolRows.map((r) => r.urn).sort()).toEqual(schools.map(([u]) => u).sort());
  });

  it("a pupil's starts follow truth: per subject row, starts are the sum of truth's pupils' starts", () => {
    for (const subject of Object.keys(truth.delivery.by_subject)) {
      const expected = truth.pupils.reduce((a: number, p: any) => a + (p.starts.by_subject[subject] ?? 0), 0);
      expect(row(delivery, { subject: SUBJECT[subject] }).total_courses, subject).toBe(expected);
    }
    const total = truth.pupils.reduce((a: number, p: any) => a + p.starts.total, 0);
    expect(row(delivery, {}).total_courses).toBe(total);
  });

  it("full places (≥ 12 attended hours) per subject and route of the dominant course, and cost per full place", () => {
    // truth.places holds the English and maths places (the generator's science and other courses are extra courses)
    for (const subject of ["english", "maths"]) {
      for (const [route, routeLabel] of Object.entries(ROUTE)) {
        const full = truth.places.filter((p: any) => p.subject === subject && p.route === route && p.attended_hours >= 12).length;
        expect(full, `${subject} ${route}`).toBeGreaterThan(0);
        const c = row(cost, { subject: SUBJECT[subject], breakdown: "route", group_label: routeLabel });
        expect(c.full_places, `${subject} ${route}`).toBe(full);
        expect(pounds(c.cost_per_full_place_gbp)).toBe(pounds(c.cost_gbp / full));
      }
    }
  });

  it("allocations: the LA row has every allocation (schools' and the LA's own), a school row its own", async () => {
    const lines = readFileSync(join(run.input, "allocations.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const total = lines.reduce((a, f) => a + Number(f[3]), 0);
    expect(row(cost, {}).allocation_gbp).toBeCloseTo(total, 6);
    const school = lines.find((f) => f[2] !== "" && truth.delivery.by_school[f[2]]);
    expect(school).toBeDefined();
    expect(row(cost, { urn: school![2] }).allocation_gbp).toBeCloseTo(Number(school![3]), 6);
    expect(row(cost, { subject: "English" }).allocation_gbp).toBeNull();
  });
});

describe("worked examples through the SQL (§6.5)", () => {
  let delivery: Mart[];
  let cost: Mart[];
  let courses: Map<string, Mart>;
  const get = (rows: Mart[], k: Record<string, unknown>) => {
    const hits = rows.filter((r) => Object.entries(k).every(([c, v]) => r[c] === v));
    expect(hits, JSON.stringify(k)).toHaveLength(1);
    return hits[0];
  };

  beforeAll(async () => {
    const db = await Db.open(":memory:");
    const settings = parseSettings({
      la: { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" },
      programme: "ntp",
      build_date: "2024-09-30",
    });
    // courses: [tuition_id, upn, urn, year, subject, route, size, funding, hourly cost, sessions (minutes, attended)]
    type C = [string, string, string, string, string, string, number, string, number | null, [number, boolean][]];
    const hour = (n: number, m = 60): [number, boolean][] => Array.from({ length: n }, () => [m, true]);
    const cs: C[] = [
      // §3 §14: 2023/24, 2 pupils at £43/h, 15 billed hours (one of them missed but billed)
      ["E1", "P1", "100001", "2023/24", "maths", "tuition_partner", 2, "ntp", 43, [...hour(14), [60, false]]],
      ["E2", "P2", "100001", "2023/24", "maths", "tuition_partner", 2, "ntp", 43, hour(15)],
      // §6.5: 2021/22 school-led, 3 pupils at £54/h, 15 billed hours; a 0-minute missed session bills nothing
      ["F1", "P3", "100001", "2021/22", "english", "school_led", 3, "ntp", 54, [...hour(15), [0, false]]],
      // the £47 cap in a special school: 2022/23 partner, one pupil at £60/h, 10 h
      ["G1", "P4", "100002", "2022/23", "maths", "tuition_partner", 1, "ntp", 60, hour(10)],
      // blank hourly cost = the route's default (£25 mentor); uncapped 2021/22 cell at 95%
      ["H1", "P5", "100001", "2021/22", "maths", "academic_mentor", 1, "ntp", null, hour(4)],
      // tuition outside the programme: costs, no funding, no hours or starts
      ["K1", "P6", "100001", "2022/23", "english", "school_led", 1, "school_budget", 30, hour(5)],
      // the 16-hour rule: 16.2 h → 16.0 → 1 start; 16.3 h → 16.5 → 2; 16.25 h → 16.5 (half up) → 2
      ["S1", "Q1", "100001", "2022/23", "maths", "school_led", 1, "ntp", 30, [...hour(16), [12, true]]],
      ["S2", "Q2", "100001", "2022/23", "maths", "school_led", 1, "ntp", 30, [...hour(16), [18, true]]],
      ["S3", "Q3", "100001", "2022/23", "maths", "school_led", 1, "ntp", 30, [...hour(16), [15, true]]],
      // 12 h maths + 6 h English: 2 starts on Total, 1 in each subject row
      ["T1", "Q4", "100001", "2022/23", "maths", "school_led", 1, "ntp", 30, hour(12)],
      ["T2", "Q4", "100001", "2022/23", "english", "school_led", 1, "ntp", 30, hour(6)],
    ];
    await db.run(`create table run_las as select '919' as la_code`);
    await db.run(`create table stg_schools as select * from (values ('100001', '919', 'primary'), ('100002', '919', 'special')) as s(urn, la_code, phase)`);
    await db.run(`create table stg_pupils (upn VARCHAR, academic_year VARCHAR, urn VARCHAR, nc_year INTEGER)`);
    for (const y of ["2021/22", "2022/23", "2023/24"]) await db.run(`insert into stg_pupils values ('Z1', ?, '100001', 5), ('Z2', ?, '100002', 7)`, [y, y]);
    await db.run(`create table stg_allocations (academic_year VARCHAR, la_code VARCHAR, urn VARCHAR, funding_gbp DOUBLE)`);
    await db.run(
      `create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR, start_date DATE, route VARCHAR, group_size INTEGER, funding_source VARCHAR, hourly_cost_gbp DOUBLE)`,
    );
    await db.run(`create table stg_sessions (tuition_id VARCHAR, minutes INTEGER, attended BOOLEAN)`);
    for (const [id, upn, urn, year, subject, route, size, funding, rate, sessions] of cs) {
      await db.run(`insert into stg_tuition values (?, ?, ?, ?, ?, ?::DATE, ?, ?, ?, ?)`, [
        id,
        upn,
        urn,
        year,
        subject,
        `20${year.slice(2, 4)}-10-01`,
        route,
        size,
        funding,
        rate,
      ]);
      for (const [m, a] of sessions) await db.run(`insert into stg_sessions values (?, ?, ?)`, [id, m, a]);
    }
    await transformNtp(db, settings, ["int_ntp_courses"]);
    await buildNtpMarts(db, settings);
    courses = new Map((await db.all(`select * from int_ntp_courses`)).map((r) => [r.tuition_id as string, r]));
    delivery = await db.all(`select * from mart_ntp_delivery`);
    cost = await db.all(`select * from mart_ntp_cost`);
    db.close();
  }, 60_000);

  it("§14: 2023/24, 2 pupils at £43/h, 15 billed hours: £322.50 a pupil, programme £135.00, school £187.50", () => {
    for (const id of ["E1", "E2"]) {
      const c = courses.get(id)!;
      expect(c.billed_hours).toBe(15);
      expect(c.cost_gbp).toBeCloseTo(322.5, 9);
      expect(c.programme_funding_gbp).toBeCloseTo(135, 9);
      expect(c.school_contribution_gbp).toBeCloseTo(187.5, 9);
    }
    const row = get(cost, { time_period: "202324", urn: null, subject: "Total", breakdown: "total" });
    expect(row.tutees).toBe(2);
    expect(row.cost_per_tutee_gbp).toBeCloseTo(322.5, 9);
    expect(row.programme_funding_per_ntp_pupil_gbp).toBeCloseTo(135, 9);
  });

  it("§6.5: 2021/22 school-led, 3 pupils at £54/h, 15 billed hours: £270 a pupil, £202.50 funded; a 0-minute session bills nothing", () => {
    const c = courses.get("F1")!;
    expect(c.billed_hours).toBe(15);
    expect(c.cost_gbp).toBeCloseTo(270, 9);
    expect(c.programme_funding_gbp).toBeCloseTo(202.5, 9);
  });

  it("the £47 cap in a special school; a blank cost is the route's default; tuition outside the NTP is costed, not funded", () => {
    expect(courses.get("G1")!.programme_funding_gbp).toBeCloseTo(0.6 * 10 * 47, 9);
    expect(courses.get("G1")!.cost_gbp).toBeCloseTo(600, 9);
    expect(courses.get("H1")!.hourly_cost_gbp).toBe(25);
    expect(courses.get("H1")!.programme_funding_gbp).toBeCloseTo(0.95 * 4 * 25, 9);
    const k = courses.get("K1")!;
    expect([k.cost_gbp, k.programme_funding_gbp, k.school_contribution_gbp]).toEqual([150, 0, 150]);
    const english = get(delivery, { time_period: "202223", urn: null, subject: "English", breakdown: "total" });
    const englishCost = get(cost, { time_period: "202223", urn: null, subject: "English", breakdown: "total" });
    expect([english.total_hours, english.ntp_pupils, english.total_courses]).toEqual([6, 1, 1]);
    expect([englishCost.tutees, englishCost.cost_gbp, englishCost.programme_funding_gbp]).toEqual([2, 150 + 180, 0.6 * 6 * 18]);
  });

  it("16.2 h → 1 start, 16.3 h → 2, 16.25 h → 2; 12 h maths + 6 h English: 2 on Total, 1 in each subject", () => {
    const mathsAt = (urn: string | null) => get(delivery, { time_period: "202223", urn, subject: "Mathematics", breakdown: "total" });
    // maths 2022/23 at the primary: Q1 1, Q2 2, Q3 2, Q4 1 (12 h)
    expect(mathsAt("100001").total_courses).toBe(1 + 2 + 2 + 1);
    const total = get(delivery, { time_period: "202223", urn: null, subject: "Total", breakdown: "total" });
    // Total: Q1 1, Q2 2, Q3 2, Q4 18 h → 2; the special school's G1 (10 h) 1; K1 is not ntp
    expect(total.total_courses).toBe(1 + 2 + 2 + 2 + 1);
    expect(total.ntp_pupils).toBe(5);
    expect(total.total_hours).toBeCloseTo(16.2 + 16.3 + 16.25 + 18 + 10, 9);
    // schools: both have census pupils; both arranged ntp courses with hours
    expect([total.total_schools, total.total_schools_participating, total.percentage_schools_participating]).toEqual([2, 2, 100]);
    // 2023/24: only the primary arranged courses
    const y24 = get(delivery, { time_period: "202324", urn: null, subject: "Total", breakdown: "total" });
    expect([y24.total_schools, y24.total_schools_participating, y24.percentage_schools_participating]).toEqual([2, 1, 50]);
  });
});
