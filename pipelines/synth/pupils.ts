// One school's pupils, their attainment history, tuition, sessions and questionnaires.
// Rows are pushed straight to the writers; nothing survives the school but the counters
// the truth and allocations need, so national scale runs in bounded memory.
import { Rng } from "./prng.js";
import { ARE_END, DGP, TA_DATES, TERMS, termShares, type Term } from "./dgp.js";
import { day, iso, weekdayOnOrAfter } from "./dates.js";
import { makeUpn } from "./upn-make.js";
import { gcseGrade, gcsePoints, ncPoints, P_SCALES, snapGcse, snapNc, subLevel, wholeLevel } from "./scores.js";
import type { School } from "./geography.js";
import { csvField, type CsvWriter } from "./csv-writer.js";

export type Subject = "english" | "maths";
export const SUBJECTS: Subject[] = ["english", "maths"];

export interface Writers {
  pupils: CsvWriter;
  attainment: CsvWriter;
  tuition: CsvWriter;
  sessions: CsvWriter;
  viewpoints: CsvWriter;
}

/** Running counters shared by all schools (ids) and the truth accumulators. */
export interface Run {
  rng: Rng;
  yearScale: number;
  nextCourse: number;
  nextTutor: number;
  nextResponse: number;
  nextComment: number;
  truth: TruthAccumulator;
  /** Real rows that planted faults may point at (first LA only). */
  anchors: { y1Pupils: { upn: string; urn: string }[]; courses: { id: string; start: number; end: number }[] };
  /** Places used per school × key stage × subject (for allocations). */
  placesUsed: Map<string, number>;
}

export interface GroupSums {
  n: number;
  effect: number;
  nFull: number;
  effectFull: number;
  nPartial: number;
  effectPartial: number;
  progress: number;
}
export interface TruthAccumulator {
  /** subject → breakdown → group label → sums over tutees in the model sample. */
  groups: Record<string, Record<string, Record<string, GroupSums>>>;
  /** LA → subject → sums (total breakdown). */
  byLa: Record<string, Record<string, GroupSums>>;
  comparisonSpringStep: Record<string, { n: number; progress: number }>;
  eligible: Record<string, number>;
  tutees: Record<string, number>;
  places: number;
  fullPlaces: number;
  courses: number;
  viewpoints: Record<string, Record<string, { n: number; sum: number }>>;
}

export function newTruth(): TruthAccumulator {
  return { groups: {}, byLa: {}, comparisonSpringStep: {}, eligible: {}, tutees: {}, places: 0, fullPlaces: 0, courses: 0, viewpoints: {} };
}

const Y = (b: boolean) => (b ? "Y" : "N");
const TA = TA_DATES.map(day);

export const ETH_NON_EAL: [string, number][] = [
  ["WBRI", 0.85],
  ["WIRI", 0.005],
  ["WOTH", 0.015],
  ["MWBC", 0.017],
  ["MWBA", 0.006],
  ["MWAS", 0.007],
  ["MOTH", 0.01],
  ["AIND", 0.007],
  ["APKN", 0.005],
  ["ABAN", 0.002],
  ["BCRB", 0.016],
  ["BAFR", 0.01],
  ["BOTH", 0.004],
  ["OOTH", 0.004],
  ["CHNE", 0.003],
  ["REFU", 0.004],
  ["NOBT", 0.01],
  ["", 0.005],
];
export const ETH_EAL: [string, number][] = [
  ["WOTH", 0.2],
  ["AIND", 0.1],
  ["APKN", 0.15],
  ["ABAN", 0.1],
  ["AOTH", 0.05],
  ["CHNE", 0.03],
  ["BAFR", 0.15],
  ["OOTH", 0.05],
  ["MOTH", 0.03],
  ["WBRI", 0.02],
  ["REFU", 0.04],
  ["NOBT", 0.04],
  ["BOTH", 0.02],
  ["MWAS", 0.02],
];
export const LANG_BY_ETH: Record<string, [string, number][]> = {
  WOTH: [
    ["POL", 0.5],
    ["TUR", 0.2],
    ["OTH", 0.3],
  ],
  AIND: [
    ["GUJ", 0.4],
    ["PNJ", 0.3],
    ["OTH", 0.3],
  ],
  APKN: [
    ["URD", 0.6],
    ["PNJ", 0.4],
  ],
  ABAN: [["BEN", 1]],
  BAFR: [
    ["SOM", 0.4],
    ["YOR", 0.3],
    ["OTH", 0.3],
  ],
  OOTH: [
    ["ARA", 0.6],
    ["OTH", 0.4],
  ],
};

function ethnicityMajor(code: string): string {
  const c = code.toUpperCase();
  if (c === "" || c === "REFU" || c === "NOBT") return "Unknown";
  if (c === "CHNE" || c[0] === "A") return "Asian / Asian British";
  if (c[0] === "W") return "White";
  if (c[0] === "M") return "Mixed / Multiple ethnic groups";
  if (c[0] === "B") return "Black / African / Caribbean / Black British";
  return "Other ethnic group";
}

interface Pupil {
  upn: string;
  y: number;
  female: boolean;
  fsm: boolean;
  cla: boolean;
  lang: string;
  /** null = unknown (blank, NOT, REF). */
  eal: boolean | null;
  sen: "N" | "A" | "P" | "S";
  eth: string;
  pscale: boolean;
  ability: number;
}

interface Session {
  day: number;
  minutes: number;
  inDay: boolean;
  attended: boolean;
}

interface Course {
  id: string;
  tutor: string;
  start: number;
  end: number;
  sessions: Session[];
  attendedMinutes: number;
}

/** Is this NC year on the GCSE scale at occasion k (0..5)? */
function gcseAt(y: number, k: number): boolean {
  return y === 11 || (y === 10 && k >= 3);
}

/** NC year of a pupil (2009/10 year y) at occasion k. */
const yearAt = (y: number, k: number) => (k < 3 ? y - 1 : y);

export async function generateSchool(school: School, laCode: string, w: Writers, run: Run, eligibleFirstLa: boolean): Promise<void> {
  const rng = run.rng;
  const shocks = TA.map(() => [DGP.step.sd_school_step * rng.normal(), DGP.step.sd_school_step * rng.normal()]);
  const estab = school.laestab.slice(3);
  let tutorCourses = 0;
  let tutor = "";
  let ecawUsed = 0;
  const nextTutor = () => {
    tutorCourses = rng.int(4, 10);
    return `T${String(run.nextTutor++).padStart(6, "0")}`;
  };

  for (let yi = 0; yi < school.years.length; yi++) {
    const y = school.years[yi];
    const size = Math.max(1, Math.round(school.yearSize[yi] * run.yearScale));
    const yy = 2009 - y;
    for (let serial = 0; serial < size; serial++) {
      const p = makePupil(rng, school, y, laCode, estab, yy, serial);
      const ncYear = y === 0 ? "R" : String(y);
      w.pupils.push([p.upn, "2009/10", school.urn, ncYear, p.female ? "F" : "M", Y(p.fsm), Y(p.cla), p.lang, p.sen, p.eth].join(","));
      if (y === 1 && eligibleFirstLa && run.anchors.y1Pupils.length < 40) run.anchors.y1Pupils.push({ upn: p.upn, urn: school.urn });
      if (y === 2) writeKs1Fresh(p, w, rng);
      if (y < 3 || y > 11) continue;
      const eligible = y <= 9 || school.nationalChallenge;
      for (let si = 0; si < 2; si++) {
        const subject = SUBJECTS[si];
        if (eligible) run.truth.eligible[subject] = (run.truth.eligible[subject] ?? 0) + 1;
        // ---- the score process (DGP.step) with selection and tuition inside it ----
        const obs: number[] = new Array(6);
        const x0 = initialScore(p, y, subject, school, rng);
        const below = p.pscale || x0 < (y === 11 ? 20 : 9);
        obs[0] = y === 11 ? snapGcse(x0) : snapNc(x0);
        const term: Term = rng.weighted(termShares(y));
        const selOcc = term === "autumn" ? 2 : 3;
        const effectAt = TERMS[term].baseline + 1;
        let courses: Course[] = [];
        let belowAre = false;
        let effect = 0;
        let hours = 0;
        for (let k = 1; k < 6; k++) {
          if (y === 10 && k === 3) obs[3] = snapGcse(Math.max(16, 34 + 1.4 * (obs[2] - 36) + 3 * rng.normal()));
          else obs[k] = step(obs[k - 1], p, y, k, subject, shocks[k][si] + (k === effectAt ? effect : 0), rng);
          if (k === selOcc && eligible && !below) {
            const s = obs[k];
            belowAre = gcseAt(y, k) ? s < 40 : s < ARE_END(y - 1);
            // Y10's previous score is on the NC scale, so "falling behind" cannot be read off it.
            const falling = y === 10 && k === 3 ? false : s <= obs[k - 1];
            const sel = DGP.selection;
            const lin =
              sel.alpha +
              sel.b_below_are * +belowAre +
              sel.b_falling_behind * +falling +
              sel.b_fsm * +p.fsm +
              sel.b_cla * +p.cla +
              sel.b_sen_a_or_p * +(p.sen === "A" || p.sen === "P") +
              sel.b_sen_s * +(p.sen === "S") +
              school.sSelect;
            if (rng.next() < 1 / (1 + Math.exp(-lin))) {
              courses = makePlace(
                term,
                rng,
                run,
                () => {
                  if (tutorCourses-- <= 0 || !tutor) tutor = nextTutor();
                  return tutor;
                },
                nextTutor,
              );
              hours = courses.reduce((a, c) => a + c.attendedMinutes, 0) / 60;
              const m = p.eal === true ? 0 : DGP.impact.base[subject] + DGP.impact.fsm_bonus * +p.fsm + school.wEffect;
              effect = (Math.min(hours, 10) / 10) * m;
              // The course ends before the next TA date (TERMS), so the effect enters the step
              // to it, before snapping: snapping twice would round the effect itself.
            }
          }
        }
        const rows = writeAttainment(p, below, y, subject, obs, w, rng);
        if (courses.length) {
          writeTuition(p, y, subject, school, courses, belowAre, w, rng, run, () => ecawUsed++ < 6);
          recordTutee(run, laCode, p, y, subject, courses, rows, effect, hours);
        } else if (eligible && !below) {
          const c = (run.truth.comparisonSpringStep[subject] ??= { n: 0, progress: 0 });
          const b = scoreOn(rows, subject, TA[3]);
          const o = scoreOn(rows, subject, TA[4]);
          if (b !== null && o !== null) {
            c.n++;
            c.progress += o - b;
          }
        }
      }
    }
    await flushAll(w);
  }
}

async function flushAll(w: Writers) {
  await w.pupils.maybeFlush();
  await w.attainment.maybeFlush();
  await w.tuition.maybeFlush();
  await w.sessions.maybeFlush();
  await w.viewpoints.maybeFlush();
}

function makePupil(rng: Rng, school: School, y: number, la: string, estab: string, yy: number, serial: number): Pupil {
  const temporary = rng.bool(0.002);
  const upn = makeUpn(la, estab, yy, serial, temporary);
  const special = school.phase === "special";
  const female = rng.bool(special ? 0.3 : 0.49);
  const fsm = rng.bool(school.fsmRate);
  const cla = rng.bool(0.003 + 0.012 * +fsm);
  const u = rng.next() / (fsm ? 1.5 : 1);
  const sen: Pupil["sen"] = special
    ? rng.bool(0.9)
      ? "S"
      : "P"
    : u < DGP.rates.sen_S
      ? "S"
      : u < DGP.rates.sen_S + DGP.rates.sen_P
        ? "P"
        : u < DGP.rates.sen_S + DGP.rates.sen_P + DGP.rates.sen_A
          ? "A"
          : "N";
  const isEal = rng.bool(school.ealRate);
  const eth = rng.weighted(isEal ? ETH_EAL : ETH_NON_EAL);
  let lang = isEal ? (rng.bool(0.05) ? "OTB" : rng.weighted(LANG_BY_ETH[eth] ?? [["OTH", 1]])) : rng.bool(0.01) ? "ENB" : "ENG";
  const unknown = rng.next();
  if (unknown < 0.004) lang = "";
  else if (unknown < 0.009) lang = "NOT";
  else if (unknown < 0.012) lang = "REF";
  const eal = lang === "" || lang === "NOT" || lang === "REF" ? null : lang !== "ENG" && lang !== "ENB";
  const pscale = sen === "S" && rng.bool(special ? 0.6 : DGP.codes.pscale_share_of_statemented);
  return { upn, y, female, fsm, cla, lang, eal, sen, eth, pscale, ability: rng.normal() };
}

/** Initial (December 2008) score before snapping to the scale. */
function initialScore(p: Pupil, y: number, subject: Subject, school: School, rng: Rng): number {
  const sh = DGP.initial.shifts;
  const pupilPart = 0.8 * p.ability + 0.6 * rng.normal(); // english/maths correlation ≈ 0.64
  let shift = school.level + sh.fsm * +p.fsm + sh.cla * +p.cla;
  shift += p.sen === "A" ? sh.sen_A : p.sen === "P" ? sh.sen_P : p.sen === "S" ? sh.sen_S : 0;
  if (p.eal) shift += subject === "english" ? sh.eal_english : sh.eal_maths;
  if (p.female && subject === "english") shift += sh.female_english;
  if (y === 11) return DGP.initial.y11_gcse_mean + shift * 1.3 + DGP.initial.y11_gcse_sd * pupilPart;
  return ARE_END(y - 1) + 2 + shift + DGP.initial.sd_pupil * pupilPart;
}

function step(prev: number, p: Pupil, y: number, k: number, subject: Subject, shock: number, rng: Rng): number {
  const s = DGP.step;
  const gcse = gcseAt(y, k);
  const sc = gcse ? s.gcse_scale : s.nc_scale;
  const c = gcse ? 40 : ARE_END(y);
  const delta =
    sc.g_per_term +
    sc.kappa * (prev - c) +
    s.b_fsm * +p.fsm +
    s.b_cla * +p.cla +
    s.b_sen_any * +(p.sen !== "N") +
    s.b_eal * +(p.eal === true) +
    s.b_female[subject] * +p.female +
    shock +
    sc.sd_noise * rng.normal();
  return gcse ? snapGcse(prev + delta) : snapNc(prev + delta);
}

/** One attainment row as the emulation of measures.md §1 needs it. */
interface AttRow {
  subject: string;
  stat: boolean;
  day: number;
  points: number | null;
}

function ks1Result(points: number): string {
  const lv = wholeLevel(points);
  return lv === 2 ? subLevel(points) : lv === 0 ? "W" : String(Math.min(lv, 4));
}

function writeKs1Fresh(p: Pupil, w: Writers, rng: Rng) {
  const d = "2010-06-25";
  for (const subject of ["reading", "writing", "maths"]) {
    const r = p.pscale ? rng.pick(P_SCALES.slice(3)) : rng.bool(0.005) ? "A" : ks1Result(snapNc(15 + 0.8 * 4.5 * p.ability + 2 * rng.normal() - 3 * +p.fsm));
    w.attainment.push(`${p.upn},${subject},ks1,${d},${r}`);
  }
}

/**
 * TA rows at the six occasions and the key-stage results that fit the pupil's age, written
 * out; returns them (with points) for the tutee emulation.
 */
function writeAttainment(p: Pupil, below: boolean, y: number, subject: Subject, obs: number[], w: Writers, rng: Rng): AttRow[] {
  const rows: AttRow[] = [];
  const put = (subj: string, assessment: string, d: number, result: string, points: number | null) => {
    w.attainment.push(`${p.upn},${subj},${assessment},${iso(d)},${result}`);
    rows.push({ subject: subj, stat: assessment !== "ta", day: d, points });
  };
  const pIndex = Math.min(P_SCALES.length - 1, 3 + Math.floor(Math.abs(p.ability) * 3) + Math.floor(y / 3));
  for (let k = 0; k < 6; k++) {
    if (y === 11 && k === 5) continue; // Y11 have left by July
    const ny = yearAt(y, k);
    const gcse = gcseAt(y, k);
    const subjects = subject === "maths" ? ["maths"] : ny <= 6 ? ["reading", "writing"] : ["english"];
    if (below) {
      if (gcse) continue;
      const r = P_SCALES[Math.min(P_SCALES.length - 1, pIndex + (k >= 3 ? 1 : 0))];
      for (const s of subjects) put(s, "ta", TA[k], r, null);
      continue;
    }
    const v = obs[k];
    if (gcse) {
      if (rng.bool(DGP.codes.ta_code_rate)) continue; // absent: no row (letters are grades here)
      put(subject, "ta", TA[k], gcseGrade(v), v);
      continue;
    }
    if (subjects.length === 2) {
      // Reading and writing straddle the English score symmetrically, so their mean is it.
      let d = rng.pick([-2, 0, 0, 2]);
      if (v - d < 7 || v + d < 7 || v + d > 53 || v - d > 53) d = 0;
      const code = rng.bool(DGP.codes.ta_code_rate);
      put("reading", "ta", TA[k], code ? "A" : subLevel(v + d), code ? null : v + d);
      put("writing", "ta", TA[k], code ? "A" : subLevel(v - d), code ? null : v - d);
    } else if (rng.bool(DGP.codes.ta_code_rate)) {
      put(subjects[0], "ta", TA[k], rng.bool(0.8) ? "A" : "D", null);
    } else {
      put(subjects[0], "ta", TA[k], subLevel(v), v);
    }
  }
  writeKeyStages(below, y, subject, obs, put, rng);
  return rows;
}

function writeKeyStages(
  below: boolean,
  y: number,
  subject: Subject,
  obs: number[],
  put: (subj: string, assessment: string, d: number, result: string, points: number | null) => void,
  rng: Rng,
) {
  // Score at the end of an earlier NC year n, projected back from the first occasion.
  const back = (n: number) => {
    const nc0 = y === 11 ? 36 + (obs[0] - 34) / 1.4 - 2 : obs[0];
    return snapNc(nc0 + 2 - 3 * (y - 1 - n) + 1.5 * rng.normal());
  };
  // KS1 (end Y2, June): teacher assessment in reading, writing, maths.
  if (y >= 3 && y <= 6) {
    const base = y === 3 ? obs[2] : back(2);
    const d = day(`${2010 - (y - 2)}-06-26`);
    const subs = subject === "maths" ? ["maths"] : ["reading", "writing"];
    for (const s of subs) {
      if (below) put(s, "ks1", d, rng.pick(P_SCALES.slice(2, 8)), null);
      else if (rng.bool(0.005)) put(s, "ks1", d, "A", null);
      else {
        const r = ks1Result(snapNc(base + (subs.length === 2 ? rng.pick([-2, 0, 2]) : 0)));
        put(s, "ks1", d, r, ncPoints(r));
      }
    }
  }
  // KS2 tests (end Y6, May): English and maths levels, with B/N/T/A codes.
  if (y >= 6) {
    const base = y === 6 ? obs[4] : y === 7 ? obs[1] : back(6);
    const d = day(`${2010 - (y - 6)}-05-11`);
    let r: string;
    if (below) r = "B";
    else {
      const u = rng.next();
      const c = DGP.codes;
      if (u < c.ks2_absent) r = "A";
      else if (u < c.ks2_absent + c.ks2_not_awarded) r = "N";
      else if (u < c.ks2_absent + c.ks2_not_awarded + c.ks2_t) r = "T";
      else {
        const lv = wholeLevel(base);
        r = lv <= 1 ? "B" : String(Math.min(lv, 5));
      }
    }
    put(subject, "ks2", d, r, ncPoints(r));
  }
  // KS3 teacher assessment (end Y9, July): whole levels, on the same day as that July's TA.
  if (y >= 9) {
    const d = y === 9 ? TA[5] : y === 10 ? TA[2] : day("2008-07-18");
    const base = y === 9 ? obs[5] : y === 10 ? obs[2] : back(9);
    let r: string;
    if (below) r = P_SCALES[8];
    else if (y === 11 && rng.bool(0.005)) r = "A";
    else {
      const lv = wholeLevel(base);
      r = lv === 0 ? "W" : lv >= 8 && base >= 55 ? "EP" : String(Math.min(lv, 8));
    }
    put(subject, "ks3", d, r, ncPoints(r));
  }
  // KS4 GCSE (end Y11, June).
  if (y === 11 && !below) {
    const g = gcseGrade(snapGcse(obs[4] + 1 + 2 * rng.normal()));
    put(subject, "ks4", day("2010-06-25"), g, gcsePoints(g));
  }
}

/** A pupil's score in a subject on a date, by the rules of measures.md §1. */
function scoreOn(rows: AttRow[], subject: Subject, d: number): number | null {
  const at = rows.filter((r) => r.day === d);
  const pick = (rs: AttRow[]): number | null => {
    const stat = rs.filter((r) => r.stat && r.points !== null);
    const ta = rs.filter((r) => !r.stat && r.points !== null);
    const use = stat.length ? stat : ta;
    return use.length ? use.reduce((a, r) => a + r.points!, 0) / use.length : null;
  };
  if (subject === "maths") return pick(at.filter((r) => r.subject === "maths"));
  const eng = at.filter((r) => r.subject === "english");
  if (eng.length) return pick(eng);
  const rd = pick(at.filter((r) => r.subject === "reading"));
  const wr = pick(at.filter((r) => r.subject === "writing"));
  return rd !== null && wr !== null ? (rd + wr) / 2 : null;
}

function baselineOutcome(rows: AttRow[], subject: Subject, start: number, end: number): [number | null, number | null] {
  const days = [...new Set(rows.map((r) => r.day))].sort((a, b) => a - b);
  let baseline: number | null = null;
  for (const d of days) {
    if (d < start - 365 || d > start) continue;
    const s = scoreOn(rows, subject, d);
    if (s !== null) baseline = s;
  }
  let outcome: number | null = null;
  for (const d of days) {
    if (d <= end || d > end + 365) continue;
    const s = scoreOn(rows, subject, d);
    if (s !== null) {
      outcome = s;
      break;
    }
  }
  return [baseline, outcome];
}

function makeCourse(id: string, tutor: string, start: number, lastEnd: number, targetMinutes: number, rng: Rng): Course {
  const sessions: Session[] = [];
  let d = weekdayOnOrAfter(start);
  let attendedMinutes = 0;
  let gap = rng.bool(0.5) ? 3 : 4;
  while (attendedMinutes < targetMinutes && sessions.length < 20 && d <= lastEnd) {
    const planned = rng.weighted(DGP.delivery.session_minutes);
    const attended = !rng.bool(DGP.delivery.missed_share);
    const minutes = attended ? planned : rng.bool(0.6) ? 0 : planned;
    sessions.push({ day: d, minutes, inDay: !rng.bool(DGP.delivery.outside_school_day_share), attended });
    if (attended) attendedMinutes += minutes;
    d = weekdayOnOrAfter(d + gap);
    gap = 7 - gap;
  }
  return { id, tutor, start: sessions[0].day, end: sessions[sessions.length - 1].day, sessions, attendedMinutes };
}

/** The courses of one place: usually one; cut short in about 10%; two in a few. */
function makePlace(term: Term, rng: Rng, run: Run, tutor: () => string, newTutor: () => string): Course[] {
  const t = TERMS[term];
  const first = day(t.firstStart);
  const start = first + rng.int(0, day(t.lastStart) - first);
  const lastEnd = day(t.lastEnd);
  const id = () => `TU${String(run.nextCourse++).padStart(7, "0")}`;
  if (rng.bool(DGP.delivery.two_course_place_share)) {
    const a = makeCourse(id(), tutor(), start, lastEnd, rng.int(2, 4) * 60, rng);
    const b = makeCourse(id(), newTutor(), a.end + rng.int(3, 7), lastEnd, 600 - a.attendedMinutes + 60, rng);
    return [a, b];
  }
  const target = rng.bool(DGP.delivery.cut_short_share) ? rng.int(2, 9) * 60 : 600;
  return [makeCourse(id(), tutor(), start, lastEnd, target, rng)];
}

function writeTuition(
  p: Pupil,
  y: number,
  subject: Subject,
  school: School,
  courses: Course[],
  belowAre: boolean,
  w: Writers,
  rng: Rng,
  run: Run,
  ecawAvailable: () => boolean,
) {
  const entry = p.cla && rng.bool(0.85) ? "looked_after" : belowAre ? "below_expected_on_entry" : "falling_behind";
  const allocation =
    p.cla && rng.bool(0.8)
      ? "cla"
      : school.ecaw && subject === "english" && (y === 3 || y === 4) && ecawAvailable()
        ? "ecaw"
        : p.fsm && rng.bool(0.7)
          ? "fsm"
          : "core";
  for (const c of courses) {
    const short = c.attendedMinutes < 600;
    const set = rng.bool(0.03) ? "" : String(rng.int(2, 5));
    const met = set === "" ? "" : String(Math.max(0, Number(set) - rng.int(0, short ? 3 : 2)));
    w.tuition.push(
      [
        c.id,
        p.upn,
        school.urn,
        "2009/10",
        subject,
        c.tutor,
        iso(c.start),
        iso(c.end),
        allocation,
        entry,
        Y(!rng.bool(0.08)),
        Y(!rng.bool(short ? 0.5 : 0.15)),
        set,
        met,
      ].join(","),
    );
    for (const s of c.sessions) w.sessions.push(`${c.id},${iso(s.day)},${s.minutes},${Y(s.inDay)},${Y(s.attended)}`);
    writeViewpoints(c.id, w, rng, run);
    run.truth.courses++;
    if (run.anchors.courses.length < 40) run.anchors.courses.push({ id: c.id, start: c.start, end: c.end });
  }
  const ks = y <= 6 ? 2 : y <= 9 ? 3 : 4;
  const k = `${school.urn}|${ks}|${subject}`;
  run.placesUsed.set(k, (run.placesUsed.get(k) ?? 0) + 1);
}

const LABELS = ["strongly disagree", "disagree", "agree", "strongly agree"];
const COMMENT_WORDS = [
  "more confident with fractions",
  "enjoys the sessions",
  "reads at home now",
  "needs more time",
  "asks questions, which is new",
  "tired after school",
];

function writeViewpoints(courseId: string, w: Writers, rng: Rng, run: Run) {
  const v = DGP.viewpoints;
  const u = 0.35 * rng.normal();
  for (const stage of ["pre", "post"] as const) {
    for (const respondent of ["pupil", "parent", "teacher", "tutor"] as const) {
      const rate = v.return_rate[respondent] * (stage === "post" ? v.post_return_factor : 1);
      if (!rng.bool(rate)) continue;
      const rid = `Q${String(run.nextResponse++).padStart(8, "0")}`;
      for (const item of v.items) {
        const latent = 2.55 + v.respondent_offset[respondent] + (stage === "post" ? v.shift[respondent] : 0) + u + 0.75 * rng.normal();
        const r = Math.min(4, Math.max(1, Math.round(latent)));
        const acc = ((run.truth.viewpoints[respondent] ??= {})[stage] ??= { n: 0, sum: 0 });
        acc.n++;
        acc.sum += r;
        const response = rng.bool(v.label_share) ? LABELS[r - 1] : String(r);
        const comment = rng.bool(v.comment_share) ? csvField(`synthetic comment ${run.nextComment++}: ${rng.pick(COMMENT_WORDS)}`) : "";
        w.viewpoints.push(`${rid},${courseId},${respondent},${stage},${item},${response},${comment}`);
      }
    }
  }
}

function recordTutee(run: Run, la: string, p: Pupil, y: number, subject: Subject, courses: Course[], rows: AttRow[], effect: number, hours: number) {
  const t = run.truth;
  t.tutees[subject] = (t.tutees[subject] ?? 0) + 1;
  t.places++;
  const full = hours >= 10;
  if (full) t.fullPlaces++;
  const start = Math.min(...courses.map((c) => c.start));
  const end = Math.max(...courses.map((c) => c.end));
  const [b, o] = baselineOutcome(rows, subject, start, end);
  if (b === null || o === null || p.eal === null) return; // not in the model sample
  const add = (g: GroupSums) => {
    g.n++;
    g.effect += effect;
    g.progress += o - b;
    if (full) {
      g.nFull++;
      g.effectFull += effect;
    } else {
      g.nPartial++;
      g.effectPartial += effect;
    }
  };
  const empty = (): GroupSums => ({ n: 0, effect: 0, nFull: 0, effectFull: 0, nPartial: 0, effectPartial: 0, progress: 0 });
  const groups: [string, string][] = [
    ["total", "Total"],
    ["fsm_status", p.fsm ? "FSM eligible" : "Not known to be FSM eligible"],
    ["cla_status", p.cla ? "Looked after" : "Not looked after"],
    ["first_language", p.eal ? "Known or believed to be other than English" : "Known or believed to be English"],
    ["sex", p.female ? "Female" : "Male"],
    ["sen_provision", { N: "No SEN provision", A: "School Action", P: "School Action Plus", S: "Statement" }[p.sen]],
    ["ethnicity_major", ethnicityMajor(p.eth)],
    ["key_stage", y <= 6 ? "Key stage 2" : y <= 9 ? "Key stage 3" : "Key stage 4"],
  ];
  const bySubject = (t.groups[subject] ??= {});
  for (const [breakdown, label] of groups) add(((bySubject[breakdown] ??= {})[label] ??= empty()));
  add(((t.byLa[la] ??= {})[subject] ??= empty()));
}
