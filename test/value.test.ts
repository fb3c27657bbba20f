// mart_places (measures.md §8: places used vs funded, 3.5% benchmark) and mart_value
// (§9: cost) on a hand-built case; every expected figure is worked out by hand below.
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Db, type Row } from "../pipelines/core/db.ts";
import { loadCatalogue } from "../pipelines/export/catalogue.ts";
import { publish } from "../pipelines/export/disclosure.ts";
import { parseSettings, type ResolvedSettings } from "../pipelines/core/settings.ts";
import { buildProgrammeMarts } from "../pipelines/measures/programme.ts";
import { runTransformModels } from "../pipelines/transform/index.ts";

const LA919 = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
const LA920 = { old_code: "920", name: "Isle of Wight", gss_code: "E06000046", region_code: "E12000008", region_name: "South East" };
// Rates other than the defaults, so the test shows the settings are the ones used.
const RATE = 30;
const PAYMENT = 50;
// The year is named: the fixture writes int_places itself and leaves stg_tuition empty, so the
// default (every year with a tuition row, core/run-context.ts) would analyse no year.
const one: ResolvedSettings = parseSettings({ la: LA919, academic_years: ["2009/10"], tutor_hourly_rate_gbp: RATE, school_payment_per_place_gbp: PAYMENT });
const both: ResolvedSettings = parseSettings({
  las: [LA919, LA920],
  academic_years: ["2009/10"],
  tutor_hourly_rate_gbp: RATE,
  school_payment_per_place_gbp: PAYMENT,
});

/** measures.md §9, worked by hand: (hours + 2 hours' liaison) × rate + payment to the school. */
const placeCost = (hours: number) => (hours + 2) * RATE + PAYMENT;

async function contractTables(db: Db): Promise<void> {
  await db.run(`create table stg_schools (urn VARCHAR, laestab VARCHAR, school_name VARCHAR, la_code VARCHAR, phase VARCHAR,
    academy BOOLEAN, national_challenge BOOLEAN, ecaw BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR,
    tutor_id VARCHAR, start_date DATE, end_date DATE, allocation VARCHAR, entry_reason VARCHAR, itp_agreed BOOLEAN,
    mid_check BOOLEAN, targets_set INTEGER, targets_met INTEGER, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_allocations (academic_year VARCHAR, la_code VARCHAR, urn VARCHAR, key_stage INTEGER,
    subject VARCHAR, places INTEGER, funding_gbp DOUBLE, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table int_pupils (academic_year VARCHAR, time_period VARCHAR, la_code VARCHAR, urn VARCHAR, upn VARCHAR,
    nc_year INTEGER, key_stage VARCHAR, fsm BOOLEAN, cla BOOLEAN, eal BOOLEAN, female BOOLEAN, sen VARCHAR, sen_any BOOLEAN,
    ethnicity_major VARCHAR, eligible BOOLEAN, fsm_status VARCHAR, cla_status VARCHAR, first_language VARCHAR, sex VARCHAR,
    sen_provision VARCHAR)`);
  await db.run(`create table int_places (academic_year VARCHAR, time_period VARCHAR, la_code VARCHAR, arranging_urn VARCHAR,
    upn VARCHAR, subject VARCHAR, n_courses INTEGER, start_date DATE, end_date DATE, sessions INTEGER, sessions_attended INTEGER,
    hours DOUBLE, full_place BOOLEAN, cost_gbp DOUBLE)`);
}

async function school(db: Db, urn: string, la: string, academy: boolean, nationalChallenge: boolean): Promise<void> {
  await db.run(`insert into stg_schools values (?, ?, 'School', ?, 'all-through', ?, ?, false, 'schools.csv', 2)`, [
    urn,
    `${la}4000`,
    la,
    academy,
    nationalChallenge,
  ]);
}

/** `n` census pupils named prefix1..prefixN; eligible as measures.md §7 says (worked here, not read from code). */
async function cohort(db: Db, prefix: string, la: string, urn: string, ncYear: number, n: number, nationalChallenge: boolean, fsm = false): Promise<void> {
  const ks = ncYear <= 6 ? "Key stage 2" : ncYear <= 9 ? "Key stage 3" : "Key stage 4";
  const eligible = (ncYear >= 3 && ncYear <= 9) || (ncYear >= 10 && ncYear <= 11 && nationalChallenge);
  await db.run(
    `insert into int_pupils select '2009/10', '200910', ?, ?, ? || (i + 1), ?, ?, ?, false, false, false, 'N', false, 'White', ?,
      ?, 'Not looked after', 'Known or believed to be English', 'Male', 'No SEN provision' from range(?) t(i)`,
    [la, urn, prefix, ncYear, ks, fsm, eligible, fsm ? "FSM eligible" : "Not known to be FSM eligible", n],
  );
}

async function place(db: Db, la: string, urn: string, upn: string, subject: string, hours: number): Promise<void> {
  await db.run(`insert into int_places values ('2009/10', '200910', ?, ?, ?, ?, 1, date '2009-10-01', date '2010-03-01', 0, 0, ?, ?, ?)`, [
    la,
    urn,
    upn,
    subject,
    hours,
    hours >= 10,
    placeCost(hours),
  ]);
}

async function allocation(db: Db, la: string, urn: string | null, ks: number, subject: string, places: number, funding: number): Promise<void> {
  await db.run(`insert into stg_allocations values ('2009/10', ?, ?, ?, ?, ?, ?, 'allocations.csv', 2)`, [la, urn, ks, subject, places, funding]);
}

/*
 * LA 919. Schools: S1 100001 (maintained), S2 100002 (academy), S3 100003 (National
 * Challenge), S4 100004 (not National Challenge).
 * Census: S1 40 pupils Y5 (a1..a40), S2 20 Y4
 * (b1..b20), S3 10 Y8 (c1..c10) and 30 Y10 (d1..d30), S4 20 Y7 (e1..e20) and 50 Y10 (g1..g50).
 * Eligible: KS2 40 + 20 = 60; KS3 10 + 20 = 30; KS4 30 (S3 only: S4 is not National Challenge).
 * Places (hours → cost (h + 2)·30 + 50):
 *   S1 English a1 12 (470, full), a2 8 (350), a3 10 (410, full); S1 Maths a1 4 (230), a4 11 (440, full)
 *   S2 English b1 10 (410, full), b2 0 (110)           S3 Maths d1 15 (560, full)
 * Allocations: LA rows KS2 English 10 places £4000, KS2 Maths 8 £3200, KS4 Maths 2 £800;
 *   school rows S1 KS2 English 4 £1600, S1 KS2 Maths 4 £1600, S3 KS4 Maths 2 £800; none for S2.
 */
async function buildCase(db: Db): Promise<void> {
  await contractTables(db);
  await school(db, "100001", "919", false, false);
  await school(db, "100002", "919", true, false);
  await school(db, "100003", "919", false, true);
  await school(db, "100004", "919", false, false);
  await cohort(db, "a", "919", "100001", 5, 40, false);
  await cohort(db, "b", "919", "100002", 4, 20, false);
  await cohort(db, "c", "919", "100003", 8, 10, true);
  await cohort(db, "d", "919", "100003", 10, 30, true);
  await cohort(db, "e", "919", "100004", 7, 20, false);
  await cohort(db, "g", "919", "100004", 10, 50, false);
  await place(db, "919", "100001", "a1", "English", 12);
  await place(db, "919", "100001", "a2", "English", 8);
  await place(db, "919", "100001", "a3", "English", 10);
  await place(db, "919", "100001", "a1", "Mathematics", 4);
  await place(db, "919", "100001", "a4", "Mathematics", 11);
  await place(db, "919", "100002", "b1", "English", 10);
  await place(db, "919", "100002", "b2", "English", 0);
  await place(db, "919", "100003", "d1", "Mathematics", 15);
  await allocation(db, "919", null, 2, "english", 10, 4000);
  await allocation(db, "919", null, 2, "maths", 8, 3200);
  await allocation(db, "919", null, 4, "maths", 2, 800);
  await allocation(db, "919", "100001", 2, "english", 4, 1600);
  await allocation(db, "919", "100001", 2, "maths", 4, 1600);
  await allocation(db, "919", "100003", 4, "maths", 2, 800);
}

/** A second LA (920): one school S5 100005, 10 Y3 pupils, one English place of 10 hours; LA allocation KS2 English 5 £2000. */
async function addSecondLa(db: Db): Promise<void> {
  await school(db, "100005", "920", false, false);
  await cohort(db, "h", "920", "100005", 3, 10, false);
  await place(db, "920", "100005", "h1", "English", 10);
  await allocation(db, "920", null, 2, "english", 5, 2000);
}

async function get(db: Db, table: string, k: { la?: string; urn?: string | null; subject: string; breakdown?: string; group?: string }): Promise<Row> {
  const rows = await db.all(`select * from ${table} where la_code = ? and urn is not distinct from ? and subject = ? and breakdown = ? and group_label = ?`, [
    k.la ?? "919",
    k.urn ?? null,
    k.subject,
    k.breakdown ?? "total",
    k.group ?? "Total",
  ]);
  expect(rows, JSON.stringify(k)).toHaveLength(1);
  return rows[0]!;
}

let db: Db;
beforeEach(async () => {
  db = await Db.open(":memory:");
  await buildCase(db);
});
afterEach(() => db.close());

describe("mart_places: places used against places funded", () => {
  it("counts places used per LA, key stage and subject against the LA's own allocation rows", async () => {
    await buildFromPlaces(db, one);
    const en2 = await get(db, "mart_places", { subject: "English", breakdown: "key_stage", group: "Key stage 2" });
    expect([en2.places_used, en2.places_funded, en2.funding_gbp]).toEqual([5, 10, 4000]); // S1 3 + S2 2
    expect(en2.utilisation_pct).toBeCloseTo(50, 12);
    const ma4 = await get(db, "mart_places", { subject: "Mathematics", breakdown: "key_stage", group: "Key stage 4" });
    expect([ma4.places_used, ma4.places_funded]).toEqual([1, 2]);
    const total = await get(db, "mart_places", { subject: "Total" });
    expect([total.places_used, total.places_funded, total.funding_gbp]).toEqual([8, 20, 8000]);
    expect(total.utilisation_pct).toBeCloseTo(40, 12);
    const ks2 = await get(db, "mart_places", { subject: "Total", breakdown: "key_stage", group: "Key stage 2" });
    expect([ks2.places_used, ks2.places_funded]).toEqual([7, 18]);
  });

  it("counts places at the arranging school against the school's allocation rows", async () => {
    await buildFromPlaces(db, one);
    const s1 = await get(db, "mart_places", { urn: "100001", subject: "English", breakdown: "key_stage", group: "Key stage 2" });
    expect([s1.places_used, s1.places_funded]).toEqual([3, 4]);
    expect(s1.utilisation_pct).toBeCloseTo(75, 12);
    const s1t = await get(db, "mart_places", { urn: "100001", subject: "Total" });
    expect([s1t.places_used, s1t.places_funded, s1t.funding_gbp]).toEqual([5, 8, 3200]);
    expect(s1t.utilisation_pct).toBeCloseTo(62.5, 12);
  });

  it("leaves an academy with no allocation as not available, with the reason", async () => {
    await buildFromPlaces(db, one);
    const s2 = await get(db, "mart_places", { urn: "100002", subject: "English" });
    expect(s2.places_used).toBe(2);
    expect(s2.places_funded).toBeNull();
    expect(s2.utilisation_pct).toBeNull();
    expect(String(s2.utilisation_pct_na_reason)).toMatch(/academies are funded directly/);
    // a school with neither places nor allocations has no row
    expect(await db.all(`select * from mart_places where urn = '100004'`)).toHaveLength(0);
  });

  it("gives the 3.5% benchmark of the eligible cohort per subject and key stage (KS4 only in National Challenge schools)", async () => {
    await buildFromPlaces(db, one);
    const en2 = await get(db, "mart_places", { subject: "English", breakdown: "key_stage", group: "Key stage 2" });
    expect(en2.eligible_cohort).toBe(60);
    expect(en2.benchmark_places).toBeCloseTo(0.035 * 60, 12); // 2.1
    const ma4 = await get(db, "mart_places", { subject: "Mathematics", breakdown: "key_stage", group: "Key stage 4" });
    expect(ma4.eligible_cohort).toBe(30); // S3's 30; S4's 50 Y10 pupils are not eligible
    expect(ma4.benchmark_places).toBeCloseTo(1.05, 12);
    const total = await get(db, "mart_places", { subject: "Total" });
    expect(total.eligible_cohort).toBe(120); // 60 + 30 + 30
    expect(total.benchmark_places).toBeCloseTo(2 * 0.035 * 120, 12); // both subjects: 8.4
    const s2 = await get(db, "mart_places", { urn: "100002", subject: "English" });
    expect(s2.benchmark_places).toBeCloseTo(0.035 * 20, 12);
  });

  it("has only the total and key stage breakdowns, each key once", async () => {
    await buildFromPlaces(db, one);
    const b = await db.all(`select distinct breakdown from mart_places order by 1`);
    expect(b.map((r) => r.breakdown)).toEqual(["key_stage", "total"]);
    const dup = await db.all(`select time_period, la_code, urn, subject, breakdown, group_label from mart_places group by all having count(*) > 1`);
    expect(dup).toHaveLength(0);
  });
});

describe("mart_delivery carries places funded", () => {
  it("beside places used on the total and key stage rows, not applicable by pupil group", async () => {
    await buildFromPlaces(db, one);
    const total = await get(db, "mart_delivery", { subject: "Total" });
    expect([total.places, total.places_funded]).toEqual([8, 20]);
    expect(total.pct_funded_places_used).toBeCloseTo(40, 12);
    expect(total.benchmark_places).toBeCloseTo(8.4, 12);
    const fsm = await get(db, "mart_delivery", { subject: "Total", breakdown: "fsm_status", group: "Not known to be FSM eligible" });
    expect(fsm.places_funded).toBeNull();
    expect(String(fsm.places_funded_na_reason)).toMatch(/^Not applicable/);
  });

  it("with a row for a school funded for places it did not use", async () => {
    await allocation(db, "919", "100004", 3, "english", 3, 1200);
    await buildFromPlaces(db, one);
    const s4 = await get(db, "mart_delivery", { urn: "100004", subject: "English", breakdown: "key_stage", group: "Key stage 3" });
    expect([s4.places, s4.pupils, s4.places_funded, s4.pct_funded_places_used]).toEqual([0, 0, 3, 0]);
    expect(s4.mean_hours).toBeNull();
    expect(String(s4.mean_hours_na_reason)).toMatch(/no places used/);
    expect(s4.eligible_cohort).toBe(20); // S4's 20 Y7 pupils
  });
});

describe("mart_value: cost with the settings' rates", () => {
  it("totals the cost of places and divides by tutees, places and full places", async () => {
    await buildFromPlaces(db, one);
    const r = await get(db, "mart_value", { subject: "Total" });
    const total = 470 + 350 + 410 + 230 + 440 + 410 + 110 + 560; // 2980
    expect([r.tutees, r.places, r.full_places]).toEqual([7, 8, 5]); // a1 has two places
    expect(r.total_cost_gbp).toBeCloseTo(total, 9);
    expect(r.cost_per_tutee_gbp).toBeCloseTo(total / 7, 9);
    expect(r.cost_per_place_gbp).toBeCloseTo(372.5, 9);
    expect(r.cost_per_full_place_gbp).toBeCloseTo(596, 9);
  });

  it("sets funding received against spent on the LA rows", async () => {
    await buildFromPlaces(db, one);
    const r = await get(db, "mart_value", { subject: "Total" });
    expect(r.funding_received_gbp).toBe(8000);
    expect(r.pct_funding_spent).toBeCloseTo((100 * 2980) / 8000, 9); // 37.25
    const ks2 = await get(db, "mart_value", { subject: "Total", breakdown: "key_stage", group: "Key stage 2" });
    expect(ks2.total_cost_gbp).toBeCloseTo(2980 - 560, 9);
    expect(ks2.pct_funding_spent).toBeCloseTo((100 * 2420) / 7200, 9);
    const en = await get(db, "mart_value", { subject: "English" });
    expect([en.tutees, en.full_places]).toEqual([5, 3]);
    expect(en.cost_per_full_place_gbp).toBeCloseTo(1750 / 3, 9);
  });

  it("marks funding not applicable by pupil group, and cost per full place not available without full places", async () => {
    await buildFromPlaces(db, one);
    const fsm = await get(db, "mart_value", { subject: "Total", breakdown: "fsm_status", group: "Not known to be FSM eligible" });
    expect(fsm.funding_received_gbp).toBeNull();
    expect(String(fsm.pct_funding_spent_na_reason)).toMatch(/^Not applicable/);
    const s2ma = await db.all(`select * from mart_value where urn = '100002' and subject = 'Mathematics'`);
    expect(s2ma).toHaveLength(0);
    // S2's English places: b1 full, b2 not; S2 has no allocation (academy)
    const s2 = await get(db, "mart_value", { urn: "100002", subject: "English" });
    expect(s2.cost_per_full_place_gbp).toBeCloseTo(520, 9);
    expect(s2.funding_received_gbp).toBeNull();
    expect(String(s2.pct_funding_spent_na_reason)).toMatch(/academies/);
  });

  it("without full places, cost per full place is not available", async () => {
    await db.run(`update int_places set hours = 1, full_place = false`);
    await buildFromPlaces(db, one);
    const r = await get(db, "mart_value", { subject: "Total" });
    expect(r.full_places).toBe(0);
    expect(r.cost_per_full_place_gbp).toBeNull();
    expect(String(r.cost_per_full_place_gbp_na_reason)).toMatch(/no full places/);
  });
});

describe("several LAs", () => {
  it("gives each LA its single-LA figures and adds National rows", async () => {
    await buildFromPlaces(db, one);
    const alone = await db.all(`select * from mart_value where la_code = '919' order by all`);
    const alonePlaces = await db.all(`select * from mart_places where la_code = '919' order by all`);
    await addSecondLa(db);
    await buildFromPlaces(db, both);
    expect(await db.all(`select * from mart_value where la_code = '919' order by all`)).toEqual(alone);
    expect(await db.all(`select * from mart_places where la_code = '919' order by all`)).toEqual(alonePlaces);
    const nat = await get(db, "mart_value", { la: "National", subject: "Total" });
    expect([nat.tutees, nat.places]).toEqual([8, 9]);
    expect(nat.total_cost_gbp).toBeCloseTo(2980 + 410, 9);
    expect(nat.funding_received_gbp).toBe(10000);
    const natPlaces = await get(db, "mart_places", { la: "National", subject: "English", breakdown: "key_stage", group: "Key stage 2" });
    expect([natPlaces.places_used, natPlaces.places_funded, natPlaces.eligible_cohort]).toEqual([6, 15, 70]);
    expect(await db.all(`select * from mart_delivery where la_code = 'National' and urn is not null`)).toHaveLength(0);
  });
});

describe("pipelines/measures/catalogue/programme.csv", () => {
  const CATALOGUE_DIR = "pipelines/measures/catalogue";
  // ees-rules.md rule 13: an indicator name holding one of these fails the screener
  const SMUSHED = [
    "male",
    "female",
    "asian",
    "chinese",
    "indian",
    "pakistani",
    "bangladeshi",
    "black",
    "african",
    "caribbean",
    "white",
    "roma",
    "irish",
    "english",
    "british",
    "scottish",
    "welsh",
    "northern irish",
    "arab",
  ];

  it("names real mart columns, follows the EES naming rules and measures.md §12 decimal places", async () => {
    const dir = mkdtempSync(join(tmpdir(), "programme-catalogue-"));
    try {
      copyFileSync(join(CATALOGUE_DIR, "programme.csv"), join(dir, "programme.csv"));
      await buildFromPlaces(db, one);
      const rows = await loadCatalogue(db, dir);
      expect(rows.length).toBeGreaterThan(30);
      for (const r of rows) {
        const cols = (await db.all<{ column_name: string }>(`select column_name from information_schema.columns where table_name = ?`, [r.mart])).map(
          (c) => c.column_name,
        );
        expect(cols, `${r.mart}.${r.indicator}`).toContain(r.indicator);
        for (const c of r.count_basis) expect(cols, `${r.indicator} count_basis ${c}`).toContain(c);
        for (const word of SMUSHED) expect(r.indicator.toLowerCase(), r.indicator).not.toContain(word);
      }
      // measures.md §12: % and hours to 1 dp, £ to 0; each rule's rows exist, so none checks nothing.
      for (const [rule, want] of [
        [(r: (typeof rows)[number]) => r.unit === "%", 1],
        [(r: (typeof rows)[number]) => r.unit === "£", 0],
        [(r: (typeof rows)[number]) => /hours/.test(r.indicator), 1],
      ] as const) {
        const hit = rows.filter(rule);
        expect(hit.length).toBeGreaterThan(0);
        for (const r of hit) expect(r.dp, r.indicator).toBe(want);
      }
      // publishes through disclosure control without error, never carrying a comment or a tutor id
      await publish(db, one, { catalogueDir: dir });
      const pub = await db.all(`select * from published_delivery where la_code = '919' and urn is null and subject = 'Total' and breakdown = 'total'`);
      expect(pub).toHaveLength(1);
      expect(pub[0]!.places).toBe("8");
      expect(pub[0]!.places_funded).toBe("20");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses labels and indicator names no other catalogue file uses", async () => {
    const all = await loadCatalogue(db, CATALOGUE_DIR);
    const names = all.map((r) => r.indicator);
    const labels = all.map((r) => r.label);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(labels).size).toBe(labels.length);
    expect(readdirSync(CATALOGUE_DIR)).toContain("programme.csv");
  });
});

/** int_programme_places (a transform model) over the hand-built int_places, then the programme marts. */
async function buildFromPlaces(db: Db, s: ResolvedSettings): Promise<void> {
  await runTransformModels(db, s, ["int_programme_places"]);
  await buildProgrammeMarts(db, s);
}
