// Synthetic input data with planted, known effects (issue 4): the seven input files, a
// settings.json, README.txt and truth.json. See dgp.ts for the data-generating process.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "./prng.js";
import { CsvWriter, csvField } from "./csv-writer.js";
import { HERTFORDSHIRE, makeLas, makeSchools, placeNames, type School } from "./geography.js";
import { generateSchool, newTruth, type GroupSums, type Run, type Writers } from "./pupils.js";
import { plantFaults, type Fault } from "./faults.js";
import { DGP, TA_DATES, TERMS } from "./dgp.js";
import { parseSettings, type LocalAuthority } from "../core/settings.js";
// the 2009 files' columns as inputs.md gives them and ingest reads them, in the same order
import { COLUMNS, type Dataset } from "../ingest/datasets.js";
import { academicYearLabel, laterYearWriters, UpnRegister } from "./years.js";
import { synthesiseNtp } from "./ntp.js";

export interface SynthOptions {
  scale: "la" | "national";
  seed: number;
  out: string;
  faults?: boolean;
  /** Total schools (LA scale: in the one LA; national: over all LAs). */
  schools?: number;
  /** Number of LAs (national scale only; default 152). */
  las?: number;
  /** Mean pupils per school (scales every year group). */
  pupilsPerSchool?: number;
  /** Consecutive academic years from 2009/10 (default 1): the same schools, pupils moving up a year (years.ts). */
  years?: number;
  /** Bad rows of each kind with `faults` (default 3). */
  faultsPerKind?: number;
  /** `ntp`: the National Tutoring Programme's LA instead (ntp.ts, programmes.md §5). Default one_to_one_2009. */
  programme?: "one_to_one_2009" | "ntp";
  /** ntp only: the academic year, 2020/21–2023/24 (default 2022/23). */
  year?: string;
}

/** Funding per place: 12 hours (10 tuition + 2 liaison) at £27 plus £100 to the school. */
const FUNDING_PER_PLACE = 12 * 27 + 100;

export async function synthesise(
  opts: SynthOptions,
  onProgress?: (stage: string, done: number, total: number) => void,
): Promise<{ files: Record<string, number>; seconds: number }> {
  if (opts.programme === "ntp") {
    if (opts.scale === "national" || opts.las !== undefined || opts.years !== undefined || opts.pupilsPerSchool !== undefined)
      throw new Error(
        "synth --programme ntp makes one LA in one year: --scale national, --las, --years and --pupils-per-school are for the 2009 programme (use --year for another NTP year)",
      );
    return synthesiseNtp({ seed: opts.seed, out: opts.out, faults: opts.faults, schools: opts.schools, year: opts.year }, onProgress);
  }
  if (opts.year !== undefined) throw new Error("--year goes with --programme ntp (the 2009 programme takes --years)");
  if (opts.programme !== undefined && opts.programme !== "one_to_one_2009") throw new Error(`--programme is one_to_one_2009 or ntp, got "${opts.programme}"`);
  const t0 = performance.now();
  const nYears = opts.years ?? 1;
  if (!Number.isInteger(nYears) || nYears < 1 || nYears > 5) throw new Error(`--years must be a whole number from 1 to 5, got ${opts.years}`);
  if (!Number.isInteger(opts.seed)) throw new Error(`--seed must be a whole number, got ${opts.seed}`);
  mkdirSync(opts.out, { recursive: true });
  const national = opts.scale === "national";
  const nLas = national ? (opts.las ?? 152) : 1;
  const totalSchools = opts.schools ?? (national ? 20_000 : 500);
  if (totalSchools < nLas * 2) throw new Error(`Need at least 2 schools per LA (${nLas} LAs), got --schools ${totalSchools}`);

  const geoRng = new Rng(opts.seed, 1);
  const las: LocalAuthority[] = national ? makeLas(nLas, geoRng) : [HERTFORDSHIRE];
  const schoolCounts = splitSchools(las, totalSchools, national, geoRng);
  const names = placeNames(geoRng);
  let urn = 100_000;
  const nextUrn = () => String((urn += geoRng.int(1, 3)));
  const schoolsByLa = las.map((la, i) => makeSchools(la.old_code, schoolCounts[i], geoRng, nextUrn, names, national && geoRng.bool(0.05)));
  const allSchools = schoolsByLa.flat();
  const meanSize = allSchools.reduce((a, s) => a + s.yearSize.reduce((x, y) => x + y, 0), 0) / allSchools.length;
  const yearScale = opts.pupilsPerSchool ? opts.pupilsPerSchool / meanSize : 1;

  const path = (d: Dataset) => join(opts.out, `${d}.csv`);
  const w = Object.fromEntries((Object.keys(COLUMNS) as Dataset[]).map((d) => [d, new CsvWriter(path(d), COLUMNS[d])])) as Record<Dataset, CsvWriter>;

  for (const s of allSchools) {
    w.schools.push([s.urn, s.laestab, csvField(s.name), s.la, s.phase, Y(s.academy), Y(s.nationalChallenge), Y(s.ecaw)].join(","));
  }
  await w.schools.flush();

  const run: Run = {
    rng: new Rng(opts.seed, 2),
    yearScale,
    nextCourse: 1,
    nextTutor: 1,
    nextResponse: 1,
    nextComment: 1,
    truth: newTruth(),
    anchors: { y1Pupils: [], courses: [] },
    placesUsed: new Map(),
  };
  const register = new UpnRegister();
  const schoolByUrn = new Map(allSchools.map((s) => [s.urn, s]));
  const baseTruth = run.truth;
  let freeKeys: [string, string, string][] = [];
  let done = 0;
  for (let k = 0; k < nYears; k++) {
    // Year 0 is the generator's own 2009/10; a later year is the same process on its own random
    // stream, dated k years on (years.ts). truth.json describes 2009/10.
    const writers: Writers = k === 0 ? { ...w, pupils: register.wrap(w.pupils, schoolByUrn) } : laterYearWriters(w, k, schoolByUrn, register);
    if (k > 0) {
      run.rng = new Rng(opts.seed, 100 + k);
      run.truth = newTruth();
    }
    for (let i = 0; i < las.length; i++) {
      run.placesUsed = new Map();
      for (const s of schoolsByLa[i]) {
        await generateSchool(s, las[i].old_code, writers, run, k === 0 && i === 0);
        onProgress?.("schools", ++done, allSchools.length * nYears);
      }
      const free = await writeAllocations(las[i].old_code, schoolsByLa[i], run, w.allocations, academicYearLabel(k));
      if (k === 0 && i === 0) freeKeys = free;
    }
  }
  run.truth = baseTruth;

  let faults: Fault[] = [];
  if (opts.faults) {
    const first = schoolsByLa[0];
    faults = plantFaults(opts.faultsPerKind ?? 3, w, run, { la: las[0].old_code, schoolUrn: first[0].urn, freeAllocationKeys: freeKeys });
  }
  const files: Record<string, number> = {};
  for (const d of Object.keys(COLUMNS) as Dataset[]) {
    await w[d].close();
    files[`${d}.csv`] = w[d].rows;
  }

  const settings = {
    ...(national ? { las } : { la: las[0] }),
    academic_years: Array.from({ length: nYears }, (_, k) => academicYearLabel(k)),
    tutor_hourly_rate_gbp: 27,
    school_payment_per_place_gbp: 100,
    suppression_threshold: 5,
    build_date: "2010-09-30",
  };
  parseSettings(settings, "generated settings.json");
  writeFileSync(join(opts.out, "settings.json"), JSON.stringify(settings, null, 2) + "\n");
  writeFileSync(join(opts.out, "README.txt"), readme(opts, files));
  writeFileSync(join(opts.out, "truth.json"), JSON.stringify(truthJson(opts, run, files, faults, allSchools), null, 2) + "\n");
  onProgress?.("done", allSchools.length * nYears, allSchools.length * nYears);
  return { files, seconds: (performance.now() - t0) / 1000 };
}

const Y = (b: boolean) => (b ? "Y" : "N");

/** Schools per LA: Hertfordshire about 2.5% of the country, the rest log-normally spread. */
function splitSchools(las: LocalAuthority[], total: number, national: boolean, rng: Rng): number[] {
  if (!national) return [total];
  const herts = Math.max(2, Math.round(total * 0.025));
  const weights = las.map((la) => (la.old_code === "919" ? 0 : Math.exp(0.6 * rng.normal())));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((x, i) => (las[i].old_code === "919" ? herts : Math.max(2, Math.round(((total - herts) * x) / sum))));
  return counts;
}

/**
 * Funded places: per school (LA-maintained schools that used places: places used plus a
 * little slack) and the LA total per key stage and subject (the schools' sum plus a
 * central reserve). Academies, funded directly, have no rows. Returns (urn, key stage,
 * subject) keys of this LA's schools that have no row, where planted faults can go.
 */
async function writeAllocations(la: string, schools: School[], run: Run, out: CsvWriter, year: string): Promise<[string, string, string][]> {
  const totals = new Map<string, number>();
  const free: [string, string, string][] = [];
  const hasKs4 = schools.some((s) => s.nationalChallenge);
  const keys: [number, string][] = [];
  for (const ks of hasKs4 ? [2, 3, 4] : [2, 3]) for (const subject of ["english", "maths"]) keys.push([ks, subject]);
  for (const [ks, subject] of keys) totals.set(`${ks}|${subject}`, 0);
  const schoolRows: string[] = [];
  for (const s of schools) {
    for (const ks of [2, 3, 4]) {
      for (const subject of ["english", "maths"]) {
        const used = run.placesUsed.get(`${s.urn}|${ks}|${subject}`) ?? 0;
        if (used === 0 || s.academy) free.push([s.urn, String(ks), subject]);
      }
    }
    for (const [ks, subject] of keys) {
      const used = run.placesUsed.get(`${s.urn}|${ks}|${subject}`) ?? 0;
      if (used === 0 || s.academy) continue;
      const places = used + run.rng.int(0, 2);
      totals.set(`${ks}|${subject}`, totals.get(`${ks}|${subject}`)! + places);
      schoolRows.push([year, la, s.urn, ks, subject, places, places * FUNDING_PER_PLACE].join(","));
    }
  }
  for (const [ks, subject] of keys) {
    const places = totals.get(`${ks}|${subject}`)! + run.rng.int(0, 10);
    out.push([year, la, "", ks, subject, places, places * FUNDING_PER_PLACE].join(","));
  }
  for (const r of schoolRows) out.push(r);
  await out.maybeFlush();
  return free;
}

function readme(opts: SynthOptions, files: Record<string, number>): string {
  return [
    "SYNTHETIC DATA - NOT REAL PUPILS",
    "",
    "Every pupil, school, tutor and result in this folder was invented by the Tuition Impact",
    "synthetic data generator (pipelines/synth). No real pupil data was used. Hertfordshire's",
    "LA codes are real; its schools, names and numbers are not.",
    "",
    `Generated with: --scale ${opts.scale} --seed ${opts.seed}${opts.faults ? " --faults" : ""}` +
      (opts.schools ? ` --schools ${opts.schools}` : "") +
      (opts.las ? ` --las ${opts.las}` : "") +
      (opts.pupilsPerSchool ? ` --pupils-per-school ${opts.pupilsPerSchool}` : "") +
      (opts.years && opts.years > 1 ? ` --years ${opts.years}` : ""),
    "",
    "Rows per file:",
    ...Object.entries(files).map(([f, n]) => `  ${f}: ${n}`),
    "",
    "truth.json holds every planted parameter (effects by subject and group, dose-response,",
    "school variation, selection) and, with --faults, every planted bad row by file and line.",
    "",
  ].join("\n");
}

function summarise(g: GroupSums) {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    tutees_in_model: g.n,
    expected_b: g.n ? r(g.effect / g.n) : null,
    expected_b_full_place: g.nFull ? r(g.effectFull / g.nFull) : null,
    expected_b_partial_place: g.nPartial ? r(g.effectPartial / g.nPartial) : null,
    tutees_in_model_full: g.nFull,
    tutees_in_model_partial: g.nPartial,
    tutee_mean_progress: g.n ? r(g.progress / g.n) : null,
  };
}

function truthJson(opts: SynthOptions, run: Run, files: Record<string, number>, faults: Fault[], schools: School[]) {
  const t = run.truth;
  const expected: Record<string, Record<string, Record<string, ReturnType<typeof summarise>>>> = {};
  for (const [subject, bd] of Object.entries(t.groups)) {
    expected[subject] = {};
    for (const [breakdown, groups] of Object.entries(bd)) {
      expected[subject][breakdown] = {};
      for (const [label, g] of Object.entries(groups).sort(([a], [b]) => a.localeCompare(b))) expected[subject][breakdown][label] = summarise(g);
    }
  }
  const byLa: Record<string, Record<string, ReturnType<typeof summarise>>> = {};
  for (const [la, subs] of Object.entries(t.byLa).sort(([a], [b]) => a.localeCompare(b))) {
    byLa[la] = {};
    for (const [s, g] of Object.entries(subs)) byLa[la][s] = summarise(g);
  }
  const comparison = Object.fromEntries(
    Object.entries(t.comparisonSpringStep).map(([s, c]) => [s, { pupils: c.n, mean_progress: c.n ? c.progress / c.n : null }]),
  );
  return {
    synthetic: true,
    generator: {
      scale: opts.scale,
      seed: opts.seed,
      faults: !!opts.faults,
      schools: schools.length,
      options: { ...opts, out: undefined, programme: undefined },
    },
    academic_year: "2009/10",
    academic_years: Array.from({ length: nYearsOf(opts) }, (_, k) => academicYearLabel(k)),
    academic_years_note:
      "planted_effects, naive_comparison and rates describe 2009/10. Later years (synth --years) run the same process on their own random stream, " +
      "dated on, with the pupils of 2009/10 moving up a year; their tutees' baselines may come from the year before (see pipelines/synth/years.ts).",
    files,
    ta_dates: TA_DATES,
    terms: TERMS,
    dgp: DGP,
    planted_effects: {
      note:
        "expected_b is the mean planted effect over the tutees the generator itself finds in the model sample (baseline and outcome by " +
        "measures.md §1-2, first_language known). With a small tuition rate, the §3 OLS b for a group estimates about this value " +
        "(b is a variance-weighted average of heterogeneous effects). EAL pupils' effect is exactly 0. Dose: effect scales with " +
        "min(hours, 10)/10, so expected_b_full_place is the full-place value and expected_b_partial_place the partial one.",
      by_subject_and_group: expected,
      by_la_total: byLa,
    },
    naive_comparison: {
      note:
        "Approximate: comparison pupils' progress December 2009 TA -> April 2010 TA (the spring step where their anchors fall). " +
        "The naive difference tutee_mean_progress - this is biased DOWNWARD relative to expected_b because tutees are low " +
        "attainers and slow progressers and growth rises with prior attainment.",
      by_subject: comparison,
    },
    rates: {
      eligible_pupils_by_subject: t.eligible,
      tutees_by_subject: t.tutees,
      tutee_share_of_eligible: Object.fromEntries(Object.entries(t.tutees).map(([s, n]) => [s, n / (t.eligible[s] || 1)])),
      places: t.places,
      full_places: t.fullPlaces,
      courses: t.courses,
    },
    viewpoints_realised_mean: Object.fromEntries(
      Object.entries(t.viewpoints).map(([r, st]) => [r, Object.fromEntries(Object.entries(st).map(([s, a]) => [s, a.n ? a.sum / a.n : null]))]),
    ),
    faults: {
      note:
        "One entry per planted bad row: line as a text editor shows it (header = 1). Each row breaks exactly the rule listed; " +
        "duplicate_key lists every row of the pair; parent_quarantined rows depend on a pupil or course row that is itself " +
        "quarantined. With no --faults, no row should be quarantined.",
      rows: faults,
      count_by_file: faults.reduce<Record<string, number>>((a, f) => ((a[f.file] = (a[f.file] ?? 0) + 1), a), {}),
    },
  };
}

const nYearsOf = (opts: SynthOptions) => opts.years ?? 1;
