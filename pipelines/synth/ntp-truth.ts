// truth.json's delivery and cost figures for the synthetic NTP LA (programmes.md §13–§14),
// computed from the generated courses by the rules the pipeline imports (core/ntp-rules.ts):
// per LA total, subject, route, group size and school; each pupil's hours and starts; each
// course's billed hours, cost and funding. Unrounded, so tests can round as the return does.
import { courseCost, startsFor, type Route } from "../core/ntp-rules.js";
import type { NtpCourse, NtpPlace } from "./ntp-school.js";
import type { NtpSchool } from "./ntp-schools.js";
import { NTP_DGP } from "./ntp-dgp.js";

export const sizeLabel = (n: number) => (n >= 4 ? "4+" : String(n));

export interface CourseTruth {
  tuition_id: string;
  urn: string;
  upn: string;
  subject: string;
  route: Route;
  group_size: number;
  funding_source: string;
  attended_hours: number;
  billed_hours: number;
  hourly_cost_gbp: number;
  cost_per_pupil_hour_gbp: number;
  cost_gbp: number;
  programme_funding_gbp: number;
  school_contribution_gbp: number;
}

export function courseTruth(c: NtpCourse, year: string, phaseOf: Map<string, string>): CourseTruth {
  const billedHours = c.billed_minutes / 60;
  const k = courseCost({
    academicYear: year,
    route: c.route,
    fundingSource: c.funding_source,
    billedHours,
    hourlyCostGbp: c.hourly_cost_gbp,
    groupSize: c.group_size,
    schoolPhase: phaseOf.get(c.urn)!,
  });
  return {
    tuition_id: c.tuition_id,
    urn: c.urn,
    upn: c.upn,
    subject: c.subject,
    route: c.route,
    group_size: c.group_size,
    funding_source: c.funding_source,
    attended_hours: c.attended_minutes / 60,
    billed_hours: billedHours,
    hourly_cost_gbp: c.hourly_cost_gbp,
    cost_per_pupil_hour_gbp: k.costPerPupilHour,
    cost_gbp: k.cost,
    programme_funding_gbp: k.programmeFunding,
    school_contribution_gbp: k.schoolContribution,
  };
}

export interface DeliveryRow {
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

/** §13–§14 figures of one row: the courses in it (every funding source); hours and starts count `ntp` ones only. */
export function deliveryRow(courses: CourseTruth[]): DeliveryRow {
  const hours = new Map<string, number>();
  const tutees = new Set<string>();
  const schools = new Set<string>();
  let cost = 0;
  let funding = 0;
  let contribution = 0;
  for (const c of courses) {
    tutees.add(c.upn);
    cost += c.cost_gbp;
    funding += c.programme_funding_gbp;
    contribution += c.school_contribution_gbp;
    if (c.funding_source !== "ntp") continue;
    hours.set(c.upn, (hours.get(c.upn) ?? 0) + c.attended_hours);
    if (c.attended_hours > 0) schools.add(c.urn);
  }
  let starts = 0;
  let total = 0;
  let pupils = 0;
  for (const h of hours.values()) {
    starts += startsFor(h);
    total += h;
    if (h > 0) pupils++;
  }
  return {
    total_courses: starts,
    total_hours: total,
    ntp_pupils: pupils,
    average_hours_per_course: starts ? total / starts : null,
    tutees: tutees.size,
    cost_gbp: cost,
    programme_funding_gbp: funding,
    school_contribution_gbp: contribution,
    total_schools_participating: schools.size,
  };
}

function groupBy<T>(xs: T[], key: (x: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const x of xs) (out[key(x)] ??= []).push(x);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export function deliveryTruth(courses: CourseTruth[], schools: NtpSchool[]) {
  return {
    note:
      "§13–§14 per row, unrounded. hours/starts/ntp_pupils: `ntp` courses only, a pupil's hours summed over their courses in the row, " +
      "starts by core/ntp-rules.ts (census half-hours: 0, 1 up to 16 h, 2 beyond); cost and school contribution: every course in the row; " +
      "programme funding: `ntp` courses only. On a school row the courses that school arranged. total_schools: schools with a census pupil in NC 1-11.",
    total_schools: schools.length,
    total: deliveryRow(courses),
    by_subject: mapValues(
      groupBy(courses, (c) => c.subject),
      deliveryRow,
    ),
    by_route: mapValues(
      groupBy(courses, (c) => c.route),
      deliveryRow,
    ),
    by_group_size: mapValues(
      groupBy(courses, (c) => sizeLabel(c.group_size)),
      deliveryRow,
    ),
    by_school: mapValues(
      groupBy(courses, (c) => c.urn),
      deliveryRow,
    ),
  };
}

/** Each pupil's `ntp` hours (unrounded) and starts, in total and per subject and route. */
export function pupilTruth(courses: CourseTruth[]) {
  const per = new Map<string, { total: number; subject: Record<string, number>; route: Record<string, number> }>();
  for (const c of courses) {
    if (c.funding_source !== "ntp") continue;
    const p = per.get(c.upn) ?? per.set(c.upn, { total: 0, subject: {}, route: {} }).get(c.upn)!;
    p.total += c.attended_hours;
    p.subject[c.subject] = (p.subject[c.subject] ?? 0) + c.attended_hours;
    p.route[c.route] = (p.route[c.route] ?? 0) + c.attended_hours;
  }
  return [...per.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([upn, p]) => ({
      upn,
      hours: { total: p.total, by_subject: p.subject, by_route: p.route },
      starts: { total: startsFor(p.total), by_subject: mapValues(p.subject, startsFor), by_route: mapValues(p.route, startsFor) },
    }));
}

/** Mean planted effect of the Standardised score measure's model tutees (std baseline and outcome), by subject, route and size of the dominant course. */
export function plantedTruth(places: NtpPlace[]) {
  const cell = (ps: NtpPlace[]) => {
    const m = ps.filter((p) => p.std_baseline && p.std_outcome);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    return {
      tutees: ps.length,
      model_tutees: m.length,
      mean_planted_effect: mean(m.map((p) => p.planted_effect)),
      mean_observed_effect: mean(m.map((p) => p.effect.standardised_score!)),
      full_places: ps.filter((p) => p.attended_hours >= 12).length,
    };
  };
  const bySubject = groupBy(places, (p) => p.subject);
  return {
    note:
      "planted_effect = the latent effect on the standardised score: " +
      NTP_DGP.impact.formula +
      ". " +
      "mean_planted_effect is over the cell's model tutees (a std baseline in [start-365, start] and a std outcome after the courses); " +
      "a place's route and size are its dominant course's (most attended hours, then earliest start, then smallest tuition_id). " +
      "mean_observed_effect is the mean of observed minus untutored score (same draws, after rounding).",
    standardised_score: mapValues(bySubject, (ps) => ({
      total: cell(ps),
      by_route: mapValues(
        groupBy(ps, (p) => p.route),
        cell,
      ),
      by_group_size: mapValues(
        groupBy(ps, (p) => sizeLabel(p.group_size)),
        cell,
      ),
      by_disadvantage: mapValues(
        groupBy(ps, (p) => (p.disadvantaged ? "Disadvantaged" : "Not known to be disadvantaged")),
        cell,
      ),
    })),
  };
}
