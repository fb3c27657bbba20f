// One school of the synthetic NTP LA: its pupils, their standardised tests and key-stage
// results, who is tutored, the tutoring groups, courses and sessions (programmes.md §5).
// Each pupil and subject draws every random number of its score path before selection, so
// the tutored path and the untutored one (truth.json's counterfactual) share their draws.
import type { Rng } from "./prng.js";
import { day, iso, weekday, weekdayOnOrAfter } from "./dates.js";
import { makeUpn } from "./upn-make.js";
import { csvField } from "./csv-writer.js";
import { ETH_EAL, ETH_NON_EAL, LANG_BY_ETH } from "./pupils.js";
import { GCSE_EXAM_DAY, KS1_DAY, KS2_TEST_DAY, NTP_DGP, STD_TESTS } from "./ntp-dgp.js";
import type { NtpSchool } from "./ntp-schools.js";
import { DEFAULT_HOURLY_COST_GBP, type Route } from "../core/ntp-rules.js";
import type { CsvWriter } from "./csv-writer.js";

export type NtpSubject = "english" | "maths";
type Term = "autumn" | "spring" | "summer";
const TERMS: Term[] = ["autumn", "spring", "summer"];

export interface NtpWriters {
  pupils: CsvWriter;
  attainment: CsvWriter;
  tuition: CsvWriter;
  sessions: CsvWriter;
}

/** One tuition row as truth.json and the delivery sums need it. */
export interface NtpCourse {
  tuition_id: string;
  upn: string;
  urn: string;
  subject: string;
  route: Route;
  group_size: number;
  group_id: string;
  tutor_id: string;
  tutor_type: string;
  tutor_trained: boolean;
  funding_source: string;
  /** As written: blank = the route's default. */
  hourly_cost_written: string;
  hourly_cost_gbp: number;
  start: number;
  end: number;
  attended_minutes: number;
  billed_minutes: number;
  nc_year: number;
}

export interface NtpPlace {
  upn: string;
  urn: string;
  subject: NtpSubject;
  nc_year: number;
  term: Term;
  disadvantaged: boolean;
  route: Route;
  group_size: number;
  attended_hours: number;
  planted_effect: number;
  std_baseline: boolean;
  std_outcome: boolean;
  effect: { standardised_score: number | null; ks2_scaled_score: number | null; gcse_grade: number | null };
}

export interface NtpYearContext {
  year: string;
  /** First calendar year of the academic year (2022 for 2022/23). */
  start: number;
  la: string;
  occasions: number[];
  termDays: Record<Term, { firstStart: number; lastStart: number; lastEnd: number; baseline: number }>;
  ids: { course: number; tutor: number; group: number };
  courses: NtpCourse[];
  places: NtpPlace[];
  pupilsWritten: number;
  /** First pupils of the first school, for the faults to point at. */
  anchors: { upn: string; urn: string }[];
}

interface NPupil {
  upn: string;
  y: number;
  female: boolean;
  fsm: boolean;
  fsm6: boolean;
  cla: boolean;
  pla: boolean;
  dis: boolean;
  eal: boolean | null;
  sen: "N" | "K" | "E";
  ability: number;
  noStd: boolean;
}

interface PupilSubject {
  p: NPupil;
  subject: NtpSubject;
  x0: number;
  eps: number[];
  absent: boolean[];
  term: Term;
  /** KS results written before the year (KS1 points for Y6, KS2 score for Y11) and later (derived). */
  ksBelow: boolean;
  ksDraw: number;
  selected: boolean;
  courses: NtpCourse[];
  effect: number;
}

const Y = (b: boolean) => (b ? "Y" : "N");
const D = NTP_DGP;

/** The dates of one academic year: test occasions and the terms' course windows. */
export function yearContext(year: string, la: string): NtpYearContext {
  const s = Number(year.slice(0, 4));
  const wk = (d: string) => weekdayOnOrAfter(day(d));
  const before = (d: number) => (weekday(d) === 6 ? d - 1 : weekday(d) === 0 ? d - 2 : d);
  const termDays = {} as NtpYearContext["termDays"];
  for (const t of TERMS) {
    const T = D.terms[t];
    const cal = t === "autumn" ? s : s + 1;
    termDays[t] = {
      firstStart: wk(`${cal}-${T.firstStart}`),
      lastStart: wk(`${cal}-${T.lastStart}`),
      lastEnd: before(day(`${cal}-${T.lastEnd}`)),
      baseline: T.baseline,
    };
  }
  return {
    year,
    start: s,
    la,
    occasions: [wk(`${s}-07-08`), wk(`${s}-12-09`), wk(`${s + 1}-03-30`), wk(`${s + 1}-07-07`)],
    termDays,
    ids: { course: 1, tutor: 1, group: 1 },
    courses: [],
    places: [],
    pupilsWritten: 0,
    anchors: [],
  };
}

/** A standardised score as the test reports it: whole number, `<N`/`>N` beyond the reporting range. */
function stdResult(x: number, subject: NtpSubject): string {
  const t = subject === "english" ? STD_TESTS.reading : STD_TESTS.maths;
  const v = Math.round(x);
  if (v <= t.min) return `<${t.min + 1}`;
  if (v >= t.max) return `>${t.max - 1}`;
  return String(v);
}
/** The value a `std` result reads as (programmes.md §2: `<N` is N − 1, `>N` is N + 1). */
export function stdValue(r: string): number {
  if (r.startsWith("<")) return Number(r.slice(1)) - 1;
  if (r.startsWith(">")) return Number(r.slice(1)) + 1;
  return Number(r);
}

function ks1Code(x: number): string {
  return x >= 112 ? "GDS" : x >= 93 ? "EXS" : x >= 82 ? "WTS" : x >= 76 ? "PKF" : x >= 72 ? "PK4" : x >= 68 ? "PK3" : x >= 64 ? "PK2" : "PK1";
}
/** A teacher-assessed writing judgement (unscored in the ntp profile), down to the pre-key-stage standards and the engagement model. */
function taCode(x: number): string {
  const cuts: [number, string][] = [
    [112, "GDS"],
    [93, "EXS"],
    [82, "WTS"],
    [78, "HNM"],
    [75, "PKF"],
    [72, "PK6"],
    [69, "PK5"],
    [66, "PK4"],
    [63, "PK3"],
    [60, "PK2"],
    [57, "PK1"],
    [53, "BLW"],
  ];
  for (const [cut, code] of cuts) if (x >= cut) return code;
  return "EM";
}
const KS1_POINTS: Record<string, number> = { PKF: 4, WTS: 6, EXS: 8, GDS: 10, PK1: 1, PK2: 2, PK3: 3, PK4: 4 };
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const ks2Scaled = (x: number, noise: number) => clamp(Math.round(100 + 0.67 * (x - 100) + 2.5 * noise), 80, 120);
function gcse(x: number, noise: number): string {
  const g = 4.6 + (x - 100) / 9 + 0.7 * noise;
  return g < 0.5 ? "U" : String(Math.min(9, Math.round(g)));
}

function makePupil(rng: Rng, school: NtpSchool, y: number, ctx: NtpYearContext, serial: number) {
  const R = D.rates;
  const estab = school.laestab.slice(3);
  const upn = makeUpn(ctx.la, estab, ctx.start - y, serial, rng.bool(0.002));
  const special = school.phase === "special";
  const female = rng.bool(special || school.phase === "ap" ? 0.3 : 0.49);
  const scale = school.disRate / 0.25;
  const fsm = rng.bool(R.fsm * scale);
  const fsm6 = fsm || rng.bool(R.fsm6_not_fsm * scale);
  const cla = rng.bool(R.cla + 0.01 * +fsm);
  const pla = !cla && rng.bool(R.pla);
  const dis = fsm || fsm6 || cla || pla;
  const u = rng.next();
  const sen: NPupil["sen"] = special
    ? rng.bool(0.95)
      ? "E"
      : "K"
    : school.phase === "ap"
      ? u < 0.15
        ? "E"
        : u < 0.6
          ? "K"
          : "N"
      : u < R.sen_E
        ? "E"
        : u < R.sen_E + R.sen_K * (dis ? 1.4 : 1)
          ? "K"
          : "N";
  const isEal = rng.bool(school.ealRate);
  const eth = rng.weighted(isEal ? ETH_EAL : ETH_NON_EAL);
  let lang = isEal ? (rng.bool(0.05) ? "OTB" : rng.weighted(LANG_BY_ETH[eth] ?? [["OTH", 1]])) : rng.bool(0.01) ? "ENB" : "ENG";
  if (rng.bool(0.006)) lang = "";
  const eal = lang === "" ? null : lang !== "ENG" && lang !== "ENB";
  // The optional pupil_premium flag mostly agrees with disadvantage; a few disagree, for the data-quality report's comparison.
  const pp = rng.bool(R.pupil_premium_mismatch) ? !dis : dis;
  const senWritten = rng.bool(0.004) ? "" : sen;
  const noStd = (y === 6 || y === 11) && rng.bool(R.no_std_y6_y11);
  const p: NPupil = { upn, y, female, fsm, fsm6, cla, pla, dis, eal, sen, ability: rng.normal(), noStd };
  const row = [upn, ctx.year, school.urn, String(y), female ? "F" : "M", Y(fsm), Y(fsm6), Y(cla), Y(pla), Y(pp), lang, senWritten, eth].join(",");
  return { p, row };
}

export async function generateNtpSchool(school: NtpSchool, w: NtpWriters, ctx: NtpYearContext, rng: Rng): Promise<void> {
  const S = D.step;
  // School shocks per occasion step and subject, shared by its pupils.
  const shocks = [0, 1, 2, 3].map(() => [S.sd_school_step * rng.normal(), S.sd_school_step * rng.normal()]);
  const all: PupilSubject[] = [];
  for (let yi = 0; yi < school.years.length; yi++) {
    const y = school.years[yi];
    for (let serial = 0; serial < school.yearSize[yi]; serial++) {
      const { p, row } = makePupil(rng, school, y, ctx, serial);
      w.pupils.push(row);
      ctx.pupilsWritten++;
      if (ctx.anchors.length < 40 && y <= 5) ctx.anchors.push({ upn: p.upn, urn: school.urn });
      for (const subject of ["english", "maths"] as const) all.push(pupilSubject(p, subject, school, ctx, rng));
    }
  }
  // Selection, then groups among the selected of one subject, key stage and term.
  for (const ps of all) ps.selected = select(ps, school, shocks, rng);
  const pools = new Map<string, PupilSubject[]>();
  for (const ps of all) {
    if (!ps.selected) continue;
    const key = `${ps.subject}|${keyStage(ps.p.y)}|${ps.term}`;
    (pools.get(key) ?? pools.set(key, []).get(key)!).push(ps);
  }
  const tutors = new Map<Route, { id: string; type: string; trained: boolean; rate: number }[]>();
  for (const [key, pool] of pools) {
    shuffle(pool, rng);
    const [subject, , term] = key.split("|") as [NtpSubject, string, Term];
    for (let i = 0; i < pool.length; ) {
      const size = Math.min(rng.weighted(D.group_sizes), pool.length - i);
      const route = drawRoute(ctx, rng);
      const members = pool.slice(i, i + size);
      i += size;
      const courses = makeGroup(
        members.map((m) => m.p),
        subject,
        term,
        route,
        size,
        school,
        ctx,
        w,
        rng,
        tutors,
        false,
      );
      members.forEach((m, j) => {
        m.courses.push(courses[j]);
      });
    }
  }
  // A few places take a second, shorter one-to-one course on another route.
  for (const ps of all) {
    if (!ps.selected || !rng.bool(D.delivery.second_course_share)) continue;
    const first = ps.courses[0].route;
    let route = drawRoute(ctx, rng);
    for (let k = 0; k < 10 && route === first; k++) route = drawRoute(ctx, rng);
    if (route === first) continue;
    ps.courses.push(makeGroup([ps.p], ps.subject, ps.term, route, 1, school, ctx, w, rng, tutors, true)[0]);
  }
  // Science and other subjects (delivery and cost only), secondary years.
  for (const [subject, share] of [
    ["science", D.other_subjects.science_share_y7_11],
    ["other", D.other_subjects.other_share_y7_11],
  ] as const) {
    const chosen = all.filter((ps) => ps.subject === "maths" && ps.p.y >= 7 && rng.bool(share)).map((ps) => ps.p);
    for (let i = 0; i < chosen.length; ) {
      const size = Math.min(rng.weighted(D.group_sizes), chosen.length - i);
      const term = rng.pick(["autumn", "spring"] as const);
      makeGroup(chosen.slice(i, i + size), subject, term, drawRoute(ctx, rng), size, school, ctx, w, rng, tutors, false);
      i += size;
    }
  }
  for (const ps of all) writeScores(ps, school, ctx, w, shocks, rng);
  await w.pupils.maybeFlush();
  await w.attainment.maybeFlush();
  await w.tuition.maybeFlush();
  await w.sessions.maybeFlush();
}

const keyStage = (y: number) => (y <= 2 ? 1 : y <= 6 ? 2 : y <= 9 ? 3 : 4);

function shuffle<T>(xs: T[], rng: Rng) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}

function drawRoute(ctx: NtpYearContext, rng: Rng): Route {
  const shares = ctx.year === "2020/21" ? D.routes["2020/21"] : D.routes.default;
  return rng.weighted(Object.entries(shares) as [Route, number][]);
}

function pupilSubject(p: NPupil, subject: NtpSubject, school: NtpSchool, ctx: NtpYearContext, rng: Rng): PupilSubject {
  const I = D.initial;
  const sh = I.shifts;
  let shift = school.level + sh.disadvantaged * +p.dis + sh.cla * +p.cla + (p.sen === "K" ? sh.sen_K : p.sen === "E" ? sh.sen_E : 0);
  if (p.eal) shift += subject === "english" ? sh.eal_english : sh.eal_maths;
  if (p.female && subject === "english") shift += sh.female_english;
  const x0 = I.mean + shift + I.sd_pupil * (0.8 * p.ability + 0.6 * rng.normal());
  const eps = [0, rng.normal(), rng.normal(), rng.normal()];
  const absent = [0, 1, 2, 3].map(() => rng.bool(D.rates.std_absent));
  const shares = p.y === 6 || p.y === 11 ? D.term_shares.y6_y11 : D.term_shares.default;
  const term = rng.weighted(Object.entries(shares) as [Term, number][]);
  // Key-stage results before this year: KS1 (Y6) or KS2 (Y11), with their own noise.
  const ksDraw = rng.normal();
  let ksBelow = false;
  if (p.y === 6 && KS1_DAY(ctx.start - 3)) ksBelow = (KS1_POINTS[ks1Code(x0 + 6 * ksDraw)] ?? 0) < 8;
  if (p.y === 11) ksBelow = ks2Scaled(x0, 1.6 * ksDraw) < 100;
  return { p, subject, x0, eps, absent, term, ksBelow, ksDraw, selected: false, courses: [], effect: 0 };
}

/** The untutored (or tutored, with `effect` from occasion `at`) score path, unrounded. */
function path(ps: PupilSubject, shocks: number[][], effect: number, at: number): number[] {
  const S = D.step;
  const p = ps.p;
  const si = ps.subject === "english" ? 0 : 1;
  const x = [ps.x0];
  for (let k = 1; k < 4; k++) {
    const drift =
      S.kappa * (x[k - 1] - 100) +
      S.b_disadvantaged * +p.dis +
      S.b_cla * +p.cla +
      S.b_sen_any * +(p.sen !== "N") +
      S.b_eal * +(p.eal === true) +
      S.b_female[ps.subject] * +p.female;
    x.push(x[k - 1] + drift + shocks[k][si] + S.sd_noise * ps.eps[k] + (k === at ? effect : 0));
  }
  return x;
}

const hasStd = (ps: PupilSubject, k: number) => !ps.p.noStd && !ps.absent[k] && !(ps.p.y === 11 && k === 3);

function select(ps: PupilSubject, school: NtpSchool, shocks: number[][], rng: Rng): boolean {
  const sel = D.selection;
  const b = D.terms[ps.term].baseline;
  // The observed baseline: the standardised result at the term's baseline test as written (no
  // tuition yet this year, so the untutored path), else the key-stage result.
  const below = hasStd(ps, b) ? stdValue(stdResult(path(ps, shocks, 0, -1)[b], ps.subject)) < 90 : ps.ksBelow;
  const lin = sel.alpha + sel.b_below * +below + sel.b_dis * +ps.p.dis + sel.b_sen_k * +(ps.p.sen === "K") + sel.b_sen_e * +(ps.p.sen === "E") + school.sSelect;
  return rng.next() < 1 / (1 + Math.exp(-lin));
}

interface Tutor {
  id: string;
  type: string;
  trained: boolean;
  rate: number;
}

function newTutor(route: Route, ctx: NtpYearContext, rng: Rng): Tutor {
  const id = `NT${String(ctx.ids.tutor++).padStart(5, "0")}`;
  let type: string;
  let rate: number;
  if (route === "school_led") {
    type = rng.weighted([
      ["qualified_teacher", 0.45],
      ["teaching_assistant", 0.35],
      ["other_school_staff", 0.15],
      ["external_tutor", 0.05],
    ]);
    rate = type === "qualified_teacher" ? rng.int(36, 54) : type === "external_tutor" ? 40 : rng.int(20, 30);
  } else if (route === "tuition_partner") {
    type = rng.weighted([
      ["external_tutor", 0.8],
      ["qualified_teacher", 0.2],
    ]);
    rate = rng.int(40, 60);
  } else {
    type = rng.weighted([
      ["other_school_staff", 0.6],
      ["qualified_teacher", 0.3],
      ["teaching_assistant", 0.1],
    ]);
    rate = rng.int(22, 28);
  }
  const trained = type === "qualified_teacher" ? rng.bool(0.5) : rng.bool(0.93);
  return { id, type, trained, rate };
}

/** One group's courses (a row per member), with their sessions; returns the members' courses in order. */
function makeGroup(
  members: NPupil[],
  subject: string,
  term: Term,
  route: Route,
  size: number,
  school: NtpSchool,
  ctx: NtpYearContext,
  w: NtpWriters,
  rng: Rng,
  tutors: Map<Route, Tutor[]>,
  second: boolean,
): NtpCourse[] {
  const Dl = D.delivery;
  const pool = tutors.get(route) ?? tutors.set(route, []).get(route)!;
  const tutor = pool.length < 3 && (pool.length === 0 || rng.bool(0.3)) ? (pool.push(newTutor(route, ctx, rng)), pool[pool.length - 1]) : rng.pick(pool);
  // Mentors are salaried, so most schools leave their hourly cost blank (the route's default applies).
  const blankCost = route === "academic_mentor" ? rng.bool(0.8) : rng.bool(0.1);
  const costWritten = blankCost ? "" : String(tutor.rate);
  const fundingSource = rng.weighted(D.funding_sources);
  const groupId = size > 1 && rng.bool(Dl.group_id_share) ? `G${String(ctx.ids.group++).padStart(6, "0")}` : "";
  let [n, minutes] = (() => {
    const [nn, mm] = rng.weighted(Dl.package_sessions.map(([a, b, p]) => [[a, b], p] as [[number, number], number]));
    return [nn, mm];
  })();
  if (second) [n, minutes] = [rng.int(Dl.second_course_sessions[0], Dl.second_course_sessions[1]), 60];
  else if (rng.bool(Dl.long_package_share)) [n, minutes] = [rng.int(Dl.long_package_sessions[0], Dl.long_package_sessions[1]), 60];
  const T = ctx.termDays[term];
  const first = second ? T.firstStart + rng.int(10, 25) : rng.int(T.firstStart, T.lastStart);
  // Sessions about twice a week, closer together when the package would overrun the term.
  const spacing = Math.min(3.5, (T.lastEnd - first - 3) / Math.max(1, n - 1));
  const days: number[] = [];
  for (let i = 0; i < n; i++) {
    let d = weekdayOnOrAfter(first + Math.floor(i * spacing));
    if (d > T.lastEnd) d = T.lastEnd;
    days.push(d);
  }
  const inDay = !rng.bool(Dl.outside_school_day_share);
  return members.map((p) => {
    const id = `NTP${String(ctx.ids.course++).padStart(7, "0")}`;
    // A partial place stops early: fewer sessions than 12 hours need.
    const partial = !second && rng.bool(Dl.partial_share);
    const count = partial ? rng.int(2, Math.max(2, Math.floor((12 * 60 - 1) / minutes))) : n;
    let attended = 0;
    let billed = 0;
    for (let i = 0; i < count; i++) {
      const missed = rng.bool(Dl.missed_session_share);
      // A missed session is billed (the tutor was paid) unless it was recorded with 0 minutes.
      const m = missed && rng.bool(Dl.missed_zero_minutes_share) ? 0 : minutes;
      billed += m;
      if (!missed) attended += m;
      w.sessions.push([id, iso(days[i]), String(m), Y(inDay), Y(!missed)].join(","));
    }
    const course: NtpCourse = {
      tuition_id: id,
      upn: p.upn,
      urn: school.urn,
      subject,
      route,
      group_size: size,
      group_id: groupId,
      tutor_id: tutor.id,
      tutor_type: tutor.type,
      tutor_trained: tutor.trained,
      funding_source: fundingSource,
      hourly_cost_written: costWritten,
      hourly_cost_gbp: blankCost ? DEFAULT_HOURLY_COST_GBP[route] : tutor.rate,
      start: days[0],
      end: days[count - 1],
      attended_minutes: attended,
      billed_minutes: billed,
      nc_year: p.y,
    };
    const reason = rng.bool(0.1) ? "" : p.dis ? "disadvantaged" : rng.bool(0.8) ? "below_expected_standard" : "other";
    w.tuition.push(
      [
        id,
        p.upn,
        school.urn,
        ctx.year,
        subject,
        tutor.id,
        iso(course.start),
        iso(course.end),
        route,
        String(size),
        groupId,
        tutor.type,
        Y(tutor.trained),
        fundingSource,
        costWritten,
        reason,
      ]
        .map(csvField)
        .join(","),
    );
    ctx.courses.push(course);
    return course;
  });
}

/** The course with most attended hours (ties: earliest start, smallest tuition_id), which gives a place its route and size. */
export function dominant(courses: NtpCourse[]): NtpCourse {
  return [...courses].sort((a, b) => b.attended_minutes - a.attended_minutes || a.start - b.start || (a.tuition_id < b.tuition_id ? -1 : 1))[0];
}

function writeScores(ps: PupilSubject, school: NtpSchool, ctx: NtpYearContext, w: NtpWriters, shocks: number[][], rng: Rng) {
  const p = ps.p;
  const b = D.terms[ps.term].baseline;
  let effect = 0;
  let hours = 0;
  if (ps.courses.length) {
    hours = ps.courses.reduce((a, c) => a + c.attended_minutes, 0) / 60;
    if (hours > 0) {
      const I = D.impact;
      const m =
        ps.courses.reduce(
          (a, c) => a + (I.route[c.route] + I.size[Math.min(4, c.group_size)] + I.disadvantaged_bonus * +p.dis) * (c.attended_minutes / 60),
          0,
        ) / hours;
      effect = (m * Math.min(hours, 15)) / 15;
    }
  }
  const untutored = path(ps, shocks, 0, b + 1);
  const tutored = path(ps, shocks, effect, b + 1);
  const put = (subject: string, assessment: string, d: number, result: string, test = "") =>
    w.attainment.push(`${p.upn},${subject},${assessment},${iso(d)},${result},${test}`);
  const stdSubject = ps.subject === "english" ? "reading" : "maths";
  const test = ps.subject === "english" ? STD_TESTS.reading.test_name : STD_TESTS.maths.test_name;
  for (let k = 0; k < 4; k++) {
    if (p.y === 11 && k === 3) continue;
    if (p.noStd) continue;
    put(stdSubject, "std", ctx.occasions[k], ps.absent[k] ? "A" : stdResult(tutored[k], ps.subject), test);
  }
  // Primary schools record a teacher-assessed writing judgement each July (assessment `ta`, kept unscored).
  if (ps.subject === "english" && p.y <= 6) put("writing", "ta", ctx.occasions[3], taCode(tutored[3]));
  // Key stages: KS1 of Y6 (three summers ago), KS2 of Y11 (four summers ago); KS2 of Y6 and GCSE of Y11 this summer.
  const ks1Day = KS1_DAY(ctx.start - 3);
  const ks2Before = KS2_TEST_DAY[ctx.start - 4];
  const ks2Now = KS2_TEST_DAY[ctx.start + 1];
  const gcseNow = GCSE_EXAM_DAY[ctx.start + 1];
  const n1 = rng.normal();
  const n2 = rng.normal();
  let ks2Effect: number | null = null;
  let gcseEffect: number | null = null;
  if (p.y === 6 && ks1Day) {
    const subs = ps.subject === "english" ? ["reading", "writing"] : ["maths"];
    subs.forEach((s, i) => {
      put(s, "ks1", day(ks1Day), ks1Code(ps.x0 + 6 * (i === 0 ? ps.ksDraw : n1)), "");
    });
  }
  if (p.y === 11 && ks2Before) {
    const r = ks2Scaled(ps.x0, 1.6 * ps.ksDraw);
    put(ps.subject === "english" ? "reading" : "maths", "ks2", day(ks2Before), String(r));
    if (ps.subject === "english") put("writing", "ks2", day(ks2Before), ks1Code(ps.x0 + 4 * n1));
  }
  if (p.y === 6 && ks2Now) {
    const absent = rng.bool(0.01);
    const t = ks2Scaled(tutored[2], n2);
    const u = ks2Scaled(untutored[2], n2);
    put(ps.subject === "english" ? "reading" : "maths", "ks2", day(ks2Now), absent ? "A" : String(t));
    if (ps.subject === "english") put("writing", "ks2", day(ks2Now), ks1Code(tutored[2] + 4 * n1));
    if (!absent) ks2Effect = t - u;
  }
  if (p.y === 11 && gcseNow) {
    const none = rng.bool(0.005);
    const t = gcse(tutored[2], n2);
    const u = gcse(untutored[2], n2);
    put(ps.subject, "ks4", day(gcseNow), none ? "X" : t);
    const pts = (g: string) => (g === "U" ? 0 : Number(g));
    if (!none) gcseEffect = pts(t) - pts(u);
  }
  if (!ps.courses.length) return;
  // The Standardised score measure's outcome: the first result after the courses, on the same test.
  let outcome = -1;
  for (let k = b + 1; k < 4; k++) if (hasStd(ps, k)) (outcome = k), (k = 4);
  const start = Math.min(...ps.courses.map((c) => c.start));
  let baselineOk = false;
  for (let k = 0; k <= b; k++) if (hasStd(ps, k) && ctx.occasions[k] >= start - 365) baselineOk = true;
  const d = dominant(ps.courses);
  ctx.places.push({
    upn: p.upn,
    urn: school.urn,
    subject: ps.subject,
    nc_year: p.y,
    term: ps.term,
    disadvantaged: p.dis,
    route: d.route,
    group_size: d.group_size,
    attended_hours: hours,
    planted_effect: effect,
    std_baseline: baselineOk,
    std_outcome: outcome >= 0,
    effect: {
      standardised_score: outcome >= 0 ? stdValue(stdResult(tutored[outcome], ps.subject)) - stdValue(stdResult(untutored[outcome], ps.subject)) : null,
      ks2_scaled_score: ks2Effect,
      gcse_grade: gcseEffect,
    },
  });
}
