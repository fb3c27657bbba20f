// `run` on an ntp folder publishes a release (programmes.md §4, §6.2, §6.4): a synthetic ntp LA
// goes through the whole pipeline; its return and schools file pass the screener's checks and
// the release audit (which finds the ntp catalogue from the data guidance); the §13–§14 figures
// of the return equal truth.json, rounded as published, wherever they are not suppressed; the
// data-quality mart counts the programme-rule breaches truth.json planted; and the breaches are
// listed in private/ only.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { roundHalfAway } from "../pipelines/core/round.ts";
import { auditRelease } from "../pipelines/export/audit.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { screen } from "../pipelines/export/screener.ts";
import { DATABASE_NAME } from "../pipelines/run.ts";
import { siteProgramme, sitePages } from "../pipelines/site/ntp-site.ts";
import { NTP_BREAKDOWNS, OUTCOME_MEASURES } from "../pipelines/measures/ntp-impact.ts";
import { builtNtpRun } from "./fixtures/ntp-site/built.ts";

/** Filters a row breaks down by, at most one of them not Total (programmes.md §4). */
const BREAKDOWN_FILTERS = ["route", "group_size", ...NTP_BREAKDOWNS.filter((d) => d.breakdown !== "total").map((d) => d.breakdown)];

const SUBJECT: Record<string, string> = { english: "English", maths: "Mathematics", science: "Science", other: "Other subjects" };
const ROUTE: Record<string, string> = { tuition_partner: "Tuition partner", academic_mentor: "Academic mentor", school_led: "School-led tutoring" };
const SIZE: Record<string, string> = { "1": "One-to-one", "2": "Two pupils", "3": "Three pupils", "4+": "Four or more pupils" };
const BREACH_RULES = ["group_over_three", "school_led_2020_21", "tutor_not_trained", "nc_year_out_of_scope", "group_over_size"];

// Each figure truth.json gives per row, with the decimals the return publishes it to (measures.md §12, programmes.md §3).
const FIGURES: [string, number][] = [
  ["total_courses", 0],
  ["total_hours", 1],
  ["ntp_pupils", 0],
  ["average_hours_per_course", 1],
  ["tutees", 0],
  ["cost_gbp", 0],
  ["programme_funding_gbp", 0],
  ["school_contribution_gbp", 0],
  ["total_schools_participating", 0],
];

let input = "";
let out = "";
let truth: any;
let la: ReturnType<typeof parseTable>;
let schools: ReturnType<typeof parseTable>;

beforeAll(async () => {
  // The small ntp LA's run, shared with the ntp site's tests (test/fixtures/ntp-site/built.ts): read only.
  const run = await builtNtpRun();
  input = run.input;
  truth = JSON.parse(readFileSync(join(input, "truth.json"), "utf8"));
  out = run.out;
  la = parseTable(readFileSync(join(out, "return", "impact_919_202223.csv"), "utf8"));
  schools = parseTable(readFileSync(join(out, "return", "impact_schools_919_202223.csv"), "utf8"));
}, 600_000);

describe("run on an ntp folder (programmes.md §6.2)", () => {
  it("writes the return, schools file, metadata, workbook and guidance of 2022/23", () => {
    expect(readdirSync(join(out, "return")).sort()).toEqual([
      "data-guidance.md",
      "impact_919_202223.aggregation.csv",
      "impact_919_202223.csv",
      "impact_919_202223.meta.csv",
      "impact_919_202223.xlsx",
      "impact_schools_919_202223.csv",
      "impact_schools_919_202223.meta.csv",
    ]);
    expect(existsSync(join(out, DATABASE_NAME))).toBe(true);
  });

  it("the LA file and the schools file pass every FAIL check of the screener", () => {
    for (const f of ["impact_919_202223", "impact_schools_919_202223"]) {
      const results = screen(readFileSync(join(out, "return", `${f}.csv`), "utf8"), readFileSync(join(out, "return", `${f}.meta.csv`), "utf8"), {
        data: `${f}.csv`,
        meta: `${f}.meta.csv`,
      });
      expect(
        results.filter((r) => r.level === "FAIL"),
        f,
      ).toEqual([]);
    }
  });

  it("passes the release audit, which reads the ntp catalogue named by the data guidance", async () => {
    const result = await auditRelease(join(out, "return"));
    expect(result.breaches).toEqual([]);
    // every indicator was readable, so the audit saw the files' cells
    expect(result.cells).toBeGreaterThan(1000);
  });

  it("has the ntp filters, a row breaks down by at most one of route, group size and disadvantage, and no name contains sen_", () => {
    for (const t of [la, schools]) {
      expect(t.columns).toEqual(
        expect.arrayContaining([
          "subject",
          "outcome_measure",
          "route",
          "group_size",
          "disadvantage_status",
          "total_courses",
          "ntp_pupils",
          "programme_funding_gbp",
        ]),
      );
      // rule 60: the only name with sen_ is the harmonised filter sen_provision (§4)
      expect(t.columns.filter((c) => c.includes("sen_"))).toEqual(["sen_provision"]);
      for (const r of t.records) expect(BREAKDOWN_FILTERS.map((f) => r.values[f]).filter((v) => v !== "Total").length).toBeLessThanOrEqual(1);
    }
    // figures that ignore the outcome sit on outcome_measure Total, impact on its measure: each is z on the other's rows
    const impactRows = la.records.filter((r) => r.values.outcome_measure === "Standardised score");
    const otherRows = la.records.filter((r) => r.values.outcome_measure === "Total");
    // per subject: each group of each §5 breakdown (NTP_BREAKDOWNS, Total included), three routes, four sizes
    expect(impactRows.length).toBe(2 * (NTP_BREAKDOWNS.reduce((a, d) => a + d.labels.length, 0) + 3 + 4));
    expect(otherRows.length).toBeGreaterThan(10);
    for (const r of impactRows) expect([r.values.total_courses, r.values.cost_gbp]).toEqual(["z", "z"]);
    for (const r of otherRows) expect([r.values.b, r.values.n_t]).toEqual(["z", "z"]);
    expect(la.records.filter((r) => r.values.outcome_measure === "Total" && r.values.disadvantage_status !== "Total")).toEqual([]);
    expect(new Set(la.records.map((r) => r.values.outcome_measure))).toEqual(new Set(["Total", ...OUTCOME_MEASURES]));
    const subjects = new Set(la.records.map((r) => r.values.subject));
    expect([...subjects].sort()).toEqual(["English", "Mathematics", "Other subjects", "Science", "Total"]);
    const meta = readFileSync(join(out, "return", "impact_919_202223.meta.csv"), "utf8");
    expect(meta).toMatch(/^route,Filter,/m);
    expect(meta).toMatch(/^group_size,Filter,/m);
  });

  it("the workbook has the NTP sheets, and its Glossary every filter and indicator of the return's metadata (programmes.md §6.7)", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, "return", "impact_919_202223.xlsx"));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Cover",
      "Glossary",
      "NTP delivery",
      "NTP cost",
      "NTP impact",
      "NTP pupils and tutors",
      "NTP attainment",
      "NTP delivery (schools)",
      "NTP cost (schools)",
      "NTP pupils and tutors (schools)",
      // the reason for every x (programmes.md §6 item 7; test/ntp-coverage.test.ts)
      "Footnotes",
    ]);
    const glossary = wb.getWorksheet("Glossary")!;
    const codes = new Set<string>();
    for (let r = 2; r <= glossary.rowCount; r++) codes.add(String(glossary.getRow(r).getCell(2).value));
    const meta = parseTable(readFileSync(join(out, "return", "impact_919_202223.meta.csv"), "utf8"));
    const listed = meta.records.map((r) => r.values.col_name);
    expect(listed).toEqual(expect.arrayContaining(["route", "group_size", "outcome_measure", "disadvantage_status", "b", "b_diff"]));
    for (const c of listed) expect(codes.has(c), c).toBe(true);
    expect(String(wb.getWorksheet("Cover")!.getRow(1).getCell(1).value)).toMatch(/^National Tutoring Programme: Hertfordshire \(919\) return 2022\/23/);
  });

  it("the site reads its database as an ntp run and lists the ntp pages, none of the 2009-only ones (the site itself: test/ntp-site.test.ts)", async () => {
    expect(await siteProgramme(join(out, DATABASE_NAME))).toBe("ntp");
    const paths = sitePages("ntp").map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["/pages/ntp-impact", "/pages/ntp-delivery", "/pages/ntp-value"]));
    for (const p of ["/pages/targeting", "/pages/viewpoints", "/pages/impact"]) expect(paths).not.toContain(p);
  });

  it("the data guidance says programme funding is an estimate, not the ESFA reconciliation, and names no one-to-one programme", () => {
    const guidance = readFileSync(join(out, "return", "data-guidance.md"), "utf8");
    expect(guidance.startsWith("# National Tutoring Programme: data guidance")).toBe(true);
    expect(guidance).toMatch(/estimate/);
    expect(guidance).toMatch(/not the Education and Skills Funding Agency's reconciliation/);
    expect(guidance).not.toMatch(/one-to-one tuition impact/i);
    for (const c of ["route", "group_size", "outcome_measure", "disadvantage_status", "total_courses", "programme_funding_gbp", "b", "b_diff"])
      expect(guidance).toContain(`| ${c} |`);
  });
});

describe("§13–§14 in the return equal truth.json where not suppressed (programmes.md §6.4)", () => {
  let compared = 0;
  let suppressed = 0;
  const check = (rows: ReturnType<typeof parseTable>["records"], want: Record<string, string>, t: Record<string, number | null>, what: string) => {
    const hits = rows.filter((r) => Object.entries(want).every(([k, v]) => r.values[k] === v));
    expect(hits, what).toHaveLength(1);
    for (const [figure, dp] of FIGURES) {
      const shown = hits[0].values[figure];
      if (shown === "c") {
        suppressed++;
        continue;
      }
      compared++;
      const expected = t[figure];
      if (expected === null) expect(shown, `${what} ${figure}`).toBe("z");
      else expect(Number(shown), `${what} ${figure}`).toBe(roundHalfAway(expected, dp));
    }
  };
  const laRow = { subject: "Total", outcome_measure: "Total", route: "Total", group_size: "Total", disadvantage_status: "Total" };

  it("LA total, per subject, per route and per group size", () => {
    check(la.records, laRow, truth.delivery.total, "LA total");
    for (const [k, t] of Object.entries<any>(truth.delivery.by_subject)) check(la.records, { ...laRow, subject: SUBJECT[k] }, t, `subject ${k}`);
    for (const [k, t] of Object.entries<any>(truth.delivery.by_route)) check(la.records, { ...laRow, route: ROUTE[k] }, t, `route ${k}`);
    for (const [k, t] of Object.entries<any>(truth.delivery.by_group_size)) check(la.records, { ...laRow, group_size: SIZE[k] }, t, `size ${k}`);
    const total = la.records.find((r) => Object.entries(laRow).every(([k, v]) => r.values[k] === v))!;
    expect(Number(total.values.total_schools)).toBe(truth.delivery.total_schools);
  });

  it("per school: the courses each school arranged", () => {
    const entries = Object.entries<any>(truth.delivery.by_school);
    expect(entries.length).toBeGreaterThan(20);
    for (const [urn, t] of entries) check(schools.records, { school_urn: urn, ...laRow }, t, `school ${urn}`);
  });

  it("most figures are published, so the comparison says something", () => {
    expect(compared).toBeGreaterThan(200);
    expect(compared).toBeGreaterThan(3 * suppressed);
  });
});

describe("§7–§8: disadvantaged tutees and hours by tutor type, from the input files (programmes.md §3)", () => {
  it("the LA row's shares equal those counted from tuition.csv, sessions.csv and pupils.csv", () => {
    const rowsOf = (f: string) => parseTable(readFileSync(join(input, f), "utf8")).records.map((r) => r.values);
    const minutes = new Map<string, number>();
    for (const s of rowsOf("sessions.csv")) if (s.attended === "Y") minutes.set(s.tuition_id!, (minutes.get(s.tuition_id!) ?? 0) + Number(s.minutes));
    const disadvantaged = new Set(
      rowsOf("pupils.csv")
        .filter((p) => [p.fsm6, p.fsm, p.cla, p.pla].includes("Y"))
        .map((p) => p.upn),
    );
    const tuition = rowsOf("tuition.csv");
    const hoursOf = (ts: Record<string, string>[]) => ts.reduce((a, t) => a + (minutes.get(t.tuition_id!) ?? 0), 0);
    const total = hoursOf(tuition);
    const byType = (type: string) => hoursOf(tuition.filter((t) => t.tutor_type === type));
    const trainable = tuition.filter(
      (t) => t.route === "school_led" && t.tutor_type !== "qualified_teacher" && (t.tutor_trained === "Y" || t.tutor_trained === "N"),
    );
    const tutees = new Set(tuition.map((t) => t.upn));
    const expected: Record<string, number> = {
      pct_hours_qualified_teacher: (100 * byType("qualified_teacher")) / total,
      pct_hours_teaching_assistant: (100 * byType("teaching_assistant")) / total,
      pct_hours_other_school_staff: (100 * byType("other_school_staff")) / total,
      pct_hours_external_tutor: (100 * byType("external_tutor")) / total,
      pct_hours_trained_tutor: (100 * hoursOf(trainable.filter((t) => t.tutor_trained === "Y"))) / hoursOf(trainable),
      pct_tutees_disadvantaged: (100 * [...tutees].filter((u) => disadvantaged.has(u)).length) / tutees.size,
    };
    const row = la.records.find(
      (r) => r.values.subject === "Total" && ["outcome_measure", "route", "group_size", "disadvantage_status"].every((f) => r.values[f] === "Total"),
    )!;
    for (const [c, v] of Object.entries(expected)) {
      expect(v, c).toBeGreaterThan(0);
      expect(Number(row.values[c]), c).toBe(roundHalfAway(v, 1));
    }
  });
});

describe("the impact models on the Standardised score (programmes.md §3), in the return", () => {
  it("per subject, the whole cohort, each route, each group size and each disadvantage group; route and size parts partition the model's tutees", async () => {
    const db = await Db.open(join(out, DATABASE_NAME), { access_mode: "READ_ONLY" });
    try {
      const rows = await db.all<{ subject: string; breakdown: string; group_label: string; n_t: number; b: number | null }>(
        `select subject, breakdown, group_label, n_t, b from mart_ntp_impact where outcome_measure = 'Standardised score' order by all`,
      );
      for (const subject of ["English", "Mathematics"]) {
        const of = (breakdown: string) => rows.filter((r) => r.subject === subject && r.breakdown === breakdown);
        expect(of("total").map((r) => r.group_label)).toEqual(["Total"]);
        expect(of("route").map((r) => r.group_label)).toEqual(["Academic mentor", "School-led tutoring", "Tuition partner"]);
        expect(of("group_size").map((r) => r.group_label)).toEqual(["Four or more pupils", "One-to-one", "Three pupils", "Two pupils"]);
        expect(of("disadvantage_status").map((r) => r.group_label)).toEqual(["Disadvantaged", "Not known to be disadvantaged"]);
        const total = of("total")[0]!.n_t;
        expect(total).toBeGreaterThan(100);
        // a place has one dominant course, so one route and one size
        for (const split of ["route", "group_size", "disadvantage_status"])
          expect(
            of(split).reduce((a, r) => a + r.n_t, 0),
            `${subject} ${split}`,
          ).toBe(total);
        expect(of("total")[0]!.b).not.toBeNull();
      }
      // the disadvantage gap (§5) on the Disadvantaged row: the difference of the two groups' models, SEs in quadrature
      for (const subject of ["English", "Mathematics"]) {
        const gap = await db.all<{ group_label: string; b: number; se: number; b_diff: number | null; se_diff: number | null }>(
          `select group_label, b, se, b_diff, se_diff from mart_ntp_impact
           where subject = ? and breakdown = 'disadvantage_status' and outcome_measure = 'Standardised score' order by group_label`,
          [subject],
        );
        const [dis, not] = gap as [(typeof gap)[0], (typeof gap)[0]];
        expect(dis.group_label).toBe("Disadvantaged");
        expect(dis.b_diff).toBeCloseTo(dis.b - not.b, 10);
        expect(dis.se_diff).toBeCloseTo(Math.sqrt(dis.se ** 2 + not.se ** 2), 10);
        expect(not.b_diff).toBeNull();
      }
      // cost per point of impact (§9, §14): the model tutees' cost / (b × n_t) where b > 0 with its CI above 0
      const perPoint = await db.all<{
        subject: string;
        breakdown: string;
        b: number;
        ci_low: number;
        n_t: number;
        tutee_cost_gbp: number;
        cost_per_point_gbp: number | null;
        outcome_measure: string;
      }>(`select subject, breakdown, b, ci_low, n_t, tutee_cost_gbp, cost_per_point_gbp, outcome_measure from mart_ntp_impact where b is not null`);
      for (const r of perPoint) {
        if (r.ci_low > 0) expect(r.cost_per_point_gbp).toBeCloseTo(r.tutee_cost_gbp / (r.b * r.n_t), 6);
        else expect(r.cost_per_point_gbp).toBeNull();
      }
      for (const subject of ["English", "Mathematics"]) {
        const whole = perPoint.find((r) => r.subject === subject && r.breakdown === "total" && r.outcome_measure === "Standardised score")!;
        expect(whole.cost_per_point_gbp).not.toBeNull();
        // the model's tutees are most of the subject's pupils with tuition, so most of its cost
        const cost = await db.one<{ c: number }>(
          `select cost_gbp as c from mart_ntp_cost where urn is null and subject = ? and breakdown = 'total' and la_code = '919'`,
          [subject],
        );
        expect(whole.tutee_cost_gbp).toBeLessThanOrEqual(cost!.c + 1e-6);
        expect(whole.tutee_cost_gbp).toBeGreaterThan(0.8 * cost!.c);
      }
      // the return's impact rows are the published (disclosure-controlled) ones
      const published = await db.all<Record<string, string>>(`select * from published_ntp_impact`);
      expect(published.length).toBe((await db.one<{ n: number }>(`select count(*)::INTEGER as n from mart_ntp_impact`))!.n);
      expect(published.filter((p) => p.outcome_measure === "Standardised score").length).toBe(rows.length);
      for (const p of published) {
        const hits = la.records.filter(
          (r) =>
            r.values.subject === p.subject &&
            r.values.outcome_measure === p.outcome_measure &&
            BREAKDOWN_FILTERS.every((f) => r.values[f] === (p.breakdown === f ? p.group_label : "Total")),
        );
        expect(hits, `${p.subject} ${p.breakdown} ${p.group_label}`).toHaveLength(1);
        for (const c of ["n_t", "n_c", "b", "se", "ci_low", "ci_high", "b_diff", "se_diff", "cost_per_point_gbp"])
          expect(hits[0]!.values[c], `${p.group_label} ${c}`).toBe(p[c]);
      }
    } finally {
      db.close();
    }
  });
});

describe("the programme's rules: the data-quality reading and the private list (programmes.md §2)", () => {
  it("mart_ntp_data_quality counts on its LA Total row the courses truth.json planted per rule", async () => {
    const db = await Db.open(join(out, DATABASE_NAME), { access_mode: "READ_ONLY" });
    try {
      const row = await db.one<Record<string, bigint | number>>(
        `select * from mart_ntp_data_quality where urn is null and subject = 'Total' and breakdown = 'total' and la_code = '919'`,
      );
      const planted = truth.programme_rule_breaches as Record<string, string[]>;
      for (const rule of BREACH_RULES) expect(Number(row![`dq_${rule}`]), rule).toBe(new Set(planted[rule]).size);
      expect(Number(row!.dq_courses_breaching)).toBe(new Set(Object.values(planted).flat()).size);
      expect(Number(row!.dq_courses_breaching)).toBeGreaterThan(0);
      expect(Number(row!.dq_ntp_courses)).toBe(truth.courses.length);
      // standardised results beyond a test's reporting range, as the attainment file writes them
      const std = readFileSync(join(input, "attainment.csv"), "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(","))
        .filter((f) => f[2] === "std");
      expect(Number(row!.dq_std_results)).toBe(std.length);
      const below = std.filter((f) => f[4]!.startsWith("<")).length;
      const above = std.filter((f) => f[4]!.startsWith(">")).length;
      expect(below + above).toBeGreaterThan(0);
      expect([Number(row!.dq_std_below_range), Number(row!.dq_std_above_range)]).toEqual([below, above]);
      // published for the site (catalogue level none), under disclosure control like every mart
      expect(await db.one(`select count(*)::INTEGER as n from published_ntp_data_quality`)).toEqual({ n: expect.any(Number) });
    } finally {
      db.close();
    }
  });

  it("private/programme_breaches.csv lists every breach with its rule, and nothing under return/ names a pupil", () => {
    const list = parseTable(readFileSync(join(out, "private", "programme_breaches.csv"), "utf8"));
    const planted = truth.programme_rule_breaches as Record<string, string[]>;
    for (const rule of BREACH_RULES) {
      const listed = list.records
        .filter((r) => r.values.rule === rule)
        .map((r) => r.values.tuition_id)
        .sort();
      expect(listed, rule).toEqual([...new Set(planted[rule])].sort());
    }
    const upns = new Set(list.records.map((r) => r.values.upn));
    expect(upns.size).toBeGreaterThan(0);
    for (const f of readdirSync(join(out, "return")).filter((n) => !n.endsWith(".xlsx"))) {
      const text = readFileSync(join(out, "return", f), "utf8");
      for (const upn of upns) expect(text.includes(upn), `${f} ${upn}`).toBe(false);
    }
  });
});
