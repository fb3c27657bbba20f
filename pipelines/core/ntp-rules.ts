// The National Tutoring Programme's counting and funding rules (programmes.md §1, §3 §13–§14),
// in one module so that the synthetic generator's truth.json and the pipeline's measures apply
// the very same rules: a start, a census hour, a billed hour, a course's cost and its funding.
import { roundHalfAway } from "./round.js";

export const NTP_YEARS = ["2020/21", "2021/22", "2022/23", "2023/24"] as const;
export type NtpYear = (typeof NTP_YEARS)[number];

export const ROUTES = ["tuition_partner", "academic_mentor", "school_led"] as const;
export type Route = (typeof ROUTES)[number];

export const TUTOR_TYPES = ["qualified_teacher", "teaching_assistant", "other_school_staff", "external_tutor"] as const;
export type TutorType = (typeof TUTOR_TYPES)[number];

export const FUNDING_SOURCES = ["ntp", "pupil_premium", "recovery_premium", "school_budget", "other"] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

/** `settings.ntp.hourly_cost_gbp` defaults: the cost of a tutor-hour when a row leaves it blank (choice). */
export const DEFAULT_HOURLY_COST_GBP: Record<Route, number> = { tuition_partner: 45, academic_mentor: 25, school_led: 30 };

/** Cost counted per pupil-hour in a capped cell: £18, or £47 where the arranging school is special or AP. */
export const CAP_GBP = { standard: 18, special_or_ap: 47 } as const;

export interface SubsidyCell {
  share: number;
  capped: boolean;
}

/**
 * Programme funding share of cost by year and route (§1). School-led tutoring was not open in
 * 2020/21: a course there is a programme-rule breach and earns no funding (share 0, our reading
 * of "not open"). Mentors' 2020/21 salaries were funded in full.
 */
export const SUBSIDY: Record<NtpYear, Record<Route, SubsidyCell>> = {
  "2020/21": { tuition_partner: { share: 0.75, capped: false }, academic_mentor: { share: 1, capped: false }, school_led: { share: 0, capped: false } },
  "2021/22": { tuition_partner: { share: 0.7, capped: false }, academic_mentor: { share: 0.95, capped: false }, school_led: { share: 0.75, capped: true } },
  "2022/23": { tuition_partner: { share: 0.6, capped: true }, academic_mentor: { share: 0.6, capped: true }, school_led: { share: 0.6, capped: true } },
  "2023/24": { tuition_partner: { share: 0.5, capped: true }, academic_mentor: { share: 0.5, capped: true }, school_led: { share: 0.5, capped: true } },
};

/** `settings.ntp.subsidy_share`: cells that override the table, by year then route. */
export type SubsidyOverrides = Partial<Record<string, Partial<Record<string, SubsidyCell>>>>;

export function isNtpYear(year: string): year is NtpYear {
  return (NTP_YEARS as readonly string[]).includes(year);
}

/** The funding cell of a year and route, after any settings override. */
export function subsidyCell(year: string, route: Route, overrides?: SubsidyOverrides): SubsidyCell {
  const o = overrides?.[year]?.[route];
  if (o) return o;
  if (!isNtpYear(year)) throw new Error(`NTP funding: academic year ${year} is outside 2020/21–2023/24, so it has no subsidy share`);
  return SUBSIDY[year][route];
}

/** The cap on cost per pupil-hour for the school that arranged the course. */
export function capFor(phase: string): number {
  return phase === "special" || phase === "ap" ? CAP_GBP.special_or_ap : CAP_GBP.standard;
}

/**
 * Hours to the nearest half hour, halves up, as the school census records tutoring hours
 * (EES NTP methodology). Goes through the shared decimal rounding so 16.25 h is 16.5, never
 * 16.0 from binary noise in a sum of minutes / 60.
 */
export function censusHours(hours: number): number {
  if (!(hours >= 0)) throw new Error(`NTP hours must be 0 or more, got ${hours}`);
  return roundHalfAway(hours * 2, 0) / 2;
}

/** Census hours above which a pupil's tuition in a row counts as a second course start (§13). */
export const START_SPLIT_HOURS = 16;

/** Course starts of one pupil in one row (§13): 0 for no hours, 1 up to 16 census hours, 2 beyond. */
export function startsFor(hours: number): 0 | 1 | 2 {
  const h = censusHours(hours);
  return h === 0 ? 0 : h <= START_SPLIT_HOURS ? 1 : 2;
}

export interface CourseCostInput {
  academicYear: string;
  route: Route;
  fundingSource: string;
  /** Σ minutes of the course's sessions, attended or not, / 60. */
  billedHours: number;
  /** The row's hourly cost of a tutor-hour for the group; blank in the data = the route's default. */
  hourlyCostGbp: number;
  groupSize: number;
  /** Phase of the school that arranged the course (`tuition.urn`). */
  schoolPhase: string;
  overrides?: SubsidyOverrides;
}

export interface CourseCost {
  costPerPupilHour: number;
  cost: number;
  programmeFunding: number;
  schoolContribution: number;
}

/**
 * A course's cost and its split between the programme and the school (§14), unrounded.
 * Funding is an estimate per course, not the ESFA reconciliation (which capped each school's
 * year totals and allocation): 0 unless the course was claimed against the NTP grant.
 */
export function courseCost(c: CourseCostInput): CourseCost {
  if (!(c.groupSize >= 1)) throw new Error(`NTP cost: group size must be 1 or more, got ${c.groupSize}`);
  const costPerPupilHour = c.hourlyCostGbp / c.groupSize;
  const cost = c.billedHours * costPerPupilHour;
  let programmeFunding = 0;
  if (c.fundingSource === "ntp") {
    const cell = subsidyCell(c.academicYear, c.route, c.overrides);
    programmeFunding = cell.capped ? cell.share * c.billedHours * Math.min(costPerPupilHour, capFor(c.schoolPhase)) : cell.share * cost;
  }
  return { costPerPupilHour, cost, programmeFunding, schoolContribution: cost - programmeFunding };
}
