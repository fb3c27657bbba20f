// `synth --programme ntp` (programmes.md §5): one synthetic LA running the National Tutoring
// Programme in one academic year (2022/23 unless --year), its input files in the ntp
// profile's columns (§2), a settings.json with programme "ntp", README.txt and truth.json.
// A generator of its own beside the 2009 one (index.ts), which it leaves untouched.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "./prng.js";
import { CsvWriter, csvField } from "./csv-writer.js";
import { HERTFORDSHIRE, placeNames } from "./geography.js";
import { makeNtpSchools, type NtpSchool } from "./ntp-schools.js";
import { generateNtpSchool, yearContext, type NtpCourse, type NtpYearContext } from "./ntp-school.js";
import { courseTruth, deliveryTruth, plantedTruth, pupilTruth } from "./ntp-truth.js";
import { plantNtpFaults } from "./ntp-faults.js";
import { NTP_DEFAULT_YEAR, NTP_DGP, STD_TESTS } from "./ntp-dgp.js";
import { DEFAULT_HOURLY_COST_GBP, isNtpYear, NTP_YEARS, SUBSIDY } from "../core/ntp-rules.js";
import type { Fault } from "./faults.js";
import { parseSettings } from "../core/settings.js";

export const NTP_COLUMNS = {
  schools: ["urn", "laestab", "school_name", "la_code", "phase", "academy"],
  pupils: ["upn", "academic_year", "urn", "nc_year", "gender", "fsm", "fsm6", "cla", "pla", "pupil_premium", "first_language", "sen", "ethnicity"],
  attainment: ["upn", "subject", "assessment", "assessed_on", "result", "test_name"],
  tuition: [
    "tuition_id",
    "upn",
    "urn",
    "academic_year",
    "subject",
    "tutor_id",
    "start_date",
    "end_date",
    "route",
    "group_size",
    "group_id",
    "tutor_type",
    "tutor_trained",
    "funding_source",
    "hourly_cost_gbp",
    "entry_reason",
  ],
  sessions: ["tuition_id", "session_date", "minutes", "in_school_day", "attended"],
  allocations: ["academic_year", "la_code", "urn", "funding_gbp"],
} as const;
type NtpDataset = keyof typeof NTP_COLUMNS;

export interface NtpSynthOptions {
  seed: number;
  out: string;
  faults?: boolean;
  /** Schools in the LA (default 120). */
  schools?: number;
  /** Academic year, 2020/21–2023/24 (default 2022/23). */
  year?: string;
}

export async function synthesiseNtp(
  opts: NtpSynthOptions,
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<{ files: Record<string, number>; seconds: number }> {
  const t0 = performance.now();
  const year = opts.year ?? NTP_DEFAULT_YEAR;
  if (!isNtpYear(year)) throw new Error(`synth --programme ntp: --year must be one of ${NTP_YEARS.join(", ")}, got "${year}"`);
  // The LA's 2024/25 KS1 would be needed for 2023/24's Y6 baseline; it was never assessed (2020), which the generator handles.
  if (!Number.isInteger(opts.seed)) throw new Error(`--seed must be a whole number, got ${opts.seed}`);
  const nSchools = opts.schools ?? NTP_DGP.schools.total;
  if (!Number.isInteger(nSchools) || nSchools < 20) throw new Error(`synth --programme ntp needs at least 20 schools, got --schools ${opts.schools}`);
  mkdirSync(opts.out, { recursive: true });
  const la = HERTFORDSHIRE;
  const geo = new Rng(opts.seed, 11);
  const schools = makeNtpSchools(la.old_code, nSchools, geo, placeNames(geo));
  const w = Object.fromEntries((Object.keys(NTP_COLUMNS) as NtpDataset[]).map((d) => [d, new CsvWriter(join(opts.out, `${d}.csv`), NTP_COLUMNS[d])])) as Record<
    NtpDataset,
    CsvWriter
  >;
  for (const s of schools) w.schools.push([s.urn, s.laestab, csvField(s.name), s.la, s.phase, s.academy ? "Y" : "N"].join(","));

  const ctx = yearContext(year, la.old_code);
  const rng = new Rng(opts.seed, 12);
  let done = 0;
  for (const s of schools) {
    await generateNtpSchool(s, w, ctx, rng);
    onProgress?.("schools", ++done, schools.length);
  }
  const phaseOf = new Map(schools.map((s) => [s.urn, s.phase as string]));
  const courses = ctx.courses.map((c) => courseTruth(c, year, phaseOf));
  writeAllocations(w.allocations, year, la.old_code, schools, courses, rng);

  const faults: Fault[] = opts.faults ? plantNtpFaults(w, ctx) : [];
  const files: Record<string, number> = {};
  for (const d of Object.keys(NTP_COLUMNS) as NtpDataset[]) {
    await w[d].close();
    files[`${d}.csv`] = w[d].rows;
  }
  const settings = {
    la,
    programme: "ntp",
    academic_years: [year],
    suppression_threshold: 5,
    build_date: `${Number(year.slice(0, 4)) + 1}-09-30`,
    ntp: {
      full_course_hours: 12,
      expected_standardised_score: 85,
      standardised_tests: { [STD_TESTS.reading.test_name]: { min: STD_TESTS.reading.min, max: STD_TESTS.reading.max } },
      hourly_cost_gbp: DEFAULT_HOURLY_COST_GBP,
    },
  };
  parseSettings(settings, "generated settings.json");
  writeFileSync(join(opts.out, "settings.json"), JSON.stringify(settings, null, 2) + "\n");
  writeFileSync(join(opts.out, "README.txt"), readme(opts, year, files));
  const truth = {
    synthetic: true,
    programme: "ntp",
    generator: { programme: "ntp", seed: opts.seed, faults: !!opts.faults, schools: schools.length, year },
    academic_year: year,
    files,
    test_dates: ctx.occasions.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)),
    standardised_tests: STD_TESTS,
    subsidy_table: SUBSIDY[year],
    dgp: NTP_DGP,
    planted_effects: plantedTruth(ctx.places),
    places: ctx.places,
    delivery: deliveryTruth(courses, schools),
    pupils: pupilTruth(courses),
    courses,
    programme_rule_breaches: breaches(ctx, ctx.courses),
    faults: {
      note:
        "One entry per planted bad row: line as a text editor shows it (header = 1); each row breaks exactly the rule listed " +
        "(group_inconsistent lists every row of the group). No row depends on a fault. With no --faults, no row should be quarantined.",
      rows: faults,
      count_by_file: faults.reduce<Record<string, number>>((a, f) => ((a[f.file] = (a[f.file] ?? 0) + 1), a), {}),
    },
  };
  writeFileSync(join(opts.out, "truth.json"), JSON.stringify(truth, null, 1) + "\n");
  onProgress?.("done", schools.length, schools.length);
  return { files, seconds: (performance.now() - t0) / 1000 };
}

/** Programme funding per school that tutored, a little above its estimated claim, and the funding the LA held. */
function writeAllocations(out: CsvWriter, year: string, la: string, schools: NtpSchool[], courses: ReturnType<typeof courseTruth>[], rng: Rng) {
  const claim = new Map<string, number>();
  for (const c of courses) claim.set(c.urn, (claim.get(c.urn) ?? 0) + c.programme_funding_gbp);
  out.push([year, la, "", String(rng.int(20, 60) * 1000)].join(","));
  for (const s of schools) {
    const f = claim.get(s.urn) ?? 0;
    if (f > 0) out.push([year, la, s.urn, String(Math.round(f * (0.95 + 0.3 * rng.next())))].join(","));
  }
}

/** Programme-rule breaches in the valid rows (§2), by the rule ids of validate's programme_breaches: they load and are listed in the data-quality report. */
function breaches(ctx: NtpYearContext, courses: NtpCourse[]) {
  const from = Date.parse("2021-11-01") / 86_400_000;
  const mentorRule = Number(ctx.year.slice(0, 4)) >= 2022;
  const ids = (f: (c: NtpCourse) => boolean) => courses.filter(f).map((c) => c.tuition_id);
  return {
    group_over_three: ids((c) => c.group_size >= 4),
    school_led_2020_21: ids((c) => c.route === "school_led" && ctx.year === "2020/21"),
    tutor_not_trained: ids(
      (c) =>
        (c.route === "school_led" || (mentorRule && c.route === "academic_mentor")) &&
        c.start >= from &&
        c.tutor_type !== "qualified_teacher" &&
        !c.tutor_trained,
    ),
    nc_year_out_of_scope: ids((c) => c.nc_year < 1 || c.nc_year > 11),
    group_over_size: (() => {
      const n = new Map<string, NtpCourse[]>();
      for (const c of courses) if (c.group_id) (n.get(c.group_id) ?? n.set(c.group_id, []).get(c.group_id)!).push(c);
      return [...n.values()].filter((g) => g.length > g[0].group_size).flatMap((g) => g.map((c) => c.tuition_id));
    })(),
  };
}

function readme(opts: NtpSynthOptions, year: string, files: Record<string, number>): string {
  return [
    "SYNTHETIC DATA - NOT REAL PUPILS",
    "",
    "Every pupil, school, tutor and result in this folder was invented by the Tuition Impact",
    "synthetic data generator (pipelines/synth, programme ntp). No real pupil data was used.",
    "Hertfordshire's LA codes are real; its schools, names and numbers are not.",
    "",
    `Generated with: --programme ntp --seed ${opts.seed}${opts.faults ? " --faults" : ""}${opts.schools ? ` --schools ${opts.schools}` : ""} --year ${year}`,
    "",
    "Rows per file:",
    ...Object.entries(files).map(([f, n]) => `  ${f}: ${n}`),
    "",
    "truth.json holds every planted parameter, each tutee's planted and observed effect, each pupil's",
    "hours and starts, each course's billed hours, cost and funding, the delivery figures per LA,",
    "subject, route, group size and school, and, with --faults, every planted bad row by file and line.",
    "",
  ].join("\n");
}
