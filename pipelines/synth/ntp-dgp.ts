// The data-generating process of `synth --programme ntp` (programmes.md §5): every planted
// parameter lives here and truth.json is written from this object, so the published truth
// cannot drift from what was simulated. Dates are those of 2022/23 and move with --year.
import type { Route } from "../core/ntp-rules.js";

export const NTP_DEFAULT_YEAR = "2022/23";

/** The two standardised tests: reading (English) with its own range in settings, maths on the default 55–145. */
export const STD_TESTS = {
  reading: { test_name: "NGRT", min: 69, max: 141, inSettings: true },
  maths: { test_name: "PUMA", min: 55, max: 145, inSettings: false },
} as const;

/** First day of the KS2 test week and of the GCSE exam series, by calendar year (summer). KS2 was not held in 2020 or 2021, KS1 not assessed. */
export const KS2_TEST_DAY: Record<number, string> = {
  2016: "2016-05-09",
  2017: "2017-05-08",
  2018: "2018-05-14",
  2019: "2019-05-13",
  2022: "2022-05-09",
  2023: "2023-05-09",
  2024: "2024-05-13",
};
/** 2021 had no exams (teacher-assessed grades); the row is dated the first day the series would have had (choice). */
export const GCSE_EXAM_DAY: Record<number, string> = { 2021: "2021-05-17", 2022: "2022-05-16", 2023: "2023-05-15", 2024: "2024-05-09" };
/** KS1 teacher assessment, dated at the end of June; none in 2020 and 2021. */
export const KS1_DAY = (year: number): string | null => (year === 2020 || year === 2021 ? null : `${year}-06-28`);

export const NTP_DGP = {
  description:
    "Standardised scores follow a first-order Markov process on the score itself: at each termly test " +
    "next = prev + kappa*(prev - 100) + b_disadvantaged*dis + b_cla*cla + b_sen_any*sen_any + b_eal*eal + b_female[subject]*female " +
    "+ school shock + sd_noise*e + tuition effect (if the place's courses ended in that step). Results are written rounded to a whole " +
    "number, `<N` / `>N` beyond the test's reporting range. Selection into tuition depends only on the observed baseline test (or, for " +
    "pupils without one, the key-stage baseline), disadvantage, SEN and the school, so the §3 model is correctly specified. " +
    "KS2 scaled scores (Y6) and GCSE grades (Y11) derive from the standardised score after the spring test, tutored or not, with the same draws.",
  occasions: "July (previous year), December, late March, July: k = 0..3; Y11 have left before the last",
  terms: {
    autumn: { firstStart: "09-12", lastStart: "09-23", lastEnd: "12-06", baseline: 0 },
    spring: { firstStart: "01-09", lastStart: "01-20", lastEnd: "03-28", baseline: 1 },
    summer: { firstStart: "04-17", lastStart: "04-28", lastEnd: "07-04", baseline: 2 },
  },
  term_shares: { default: { autumn: 0.3, spring: 0.45, summer: 0.25 }, y6_y11: { autumn: 0.4, spring: 0.6, summer: 0 } },
  step: {
    kappa: -0.08,
    sd_noise: 5.5,
    sd_school_step: 1.0,
    b_disadvantaged: -0.6,
    b_cla: -0.6,
    b_sen_any: -0.8,
    b_eal: 0.4,
    b_female: { english: 0.3, maths: -0.2 },
  },
  initial: {
    mean: 100,
    sd_pupil: 12,
    shifts: { disadvantaged: -7, cla: -3, sen_K: -10, sen_E: -20, eal_english: -4, eal_maths: -1, female_english: 2 },
    school_level: "-25*(school disadvantaged rate - 0.25) + N(0, 3)",
  },
  derived: {
    ks2: "scaled = clamp(round(100 + 0.67*(X_spring - 100) + N(0, 2.5)), 80, 120); X_spring = standardised score after the late-March test",
    gcse: "grade = round(4.6 + (X_spring - 100)/9 + N(0, 0.7)), 'U' below 0.5, at most 9",
    ks1: "from the July score before Y1 ... (choice): GDS >= 112, EXS >= 93, WTS >= 82, PKF >= 76, PK4/PK3/PK2 >= 72/68/64, else PK1",
  },
  impact: {
    formula:
      "per course m = route[route] + size[min(size, 4)] + disadvantaged_bonus*dis; a place's effect = (sum of m_c * attended_hours_c / H) * min(H, 15)/15, " +
      "H = the place's attended hours over its courses; added to the standardised score at the first test after the courses end and carried on (decaying with kappa)",
    route: { school_led: 3.0, tuition_partner: 4.0, academic_mentor: 2.0 } as Record<Route, number>,
    size: { 1: 1.5, 2: 0.75, 3: 0, 4: 0 } as Record<number, number>,
    disadvantaged_bonus: 1.0,
  },
  selection: {
    formula:
      "P(tutored in subject) = logistic(alpha + b_below*(baseline below 90, or KS baseline below expected) + b_dis*dis + b_sen_k*K + b_sen_e*E + s_school)",
    alpha: -2.8,
    b_below: 1.5,
    b_dis: 0.6,
    b_sen_k: 0.3,
    b_sen_e: -0.4,
    sd_school: 0.3,
  },
  rates: {
    fsm: 0.21,
    fsm6_not_fsm: 0.08,
    cla: 0.005,
    pla: 0.006,
    eal: 0.16,
    sen_K: 0.12,
    sen_E: 0.025,
    no_std_y6_y11: 0.1,
    std_absent: 0.01,
    pupil_premium_mismatch: 0.02,
  },
  routes: { default: { school_led: 0.6, tuition_partner: 0.25, academic_mentor: 0.15 }, "2020/21": { tuition_partner: 0.7, academic_mentor: 0.3 } },
  group_sizes: [
    [1, 0.3],
    [2, 0.3],
    [3, 0.36],
    [4, 0.04],
  ] as [number, number][],
  delivery: {
    package_sessions: [
      [15, 60, 0.8],
      [20, 45, 0.1],
      [10, 90, 0.1],
    ] as [number, number, number][],
    long_package_share: 0.03,
    long_package_sessions: [19, 22],
    partial_share: 0.25,
    missed_session_share: 0.07,
    missed_zero_minutes_share: 0.3,
    second_course_share: 0.05,
    second_course_sessions: [4, 8],
    outside_school_day_share: 0.2,
    group_id_share: 0.92,
  },
  funding_sources: [
    ["ntp", 0.9],
    ["pupil_premium", 0.03],
    ["recovery_premium", 0.03],
    ["school_budget", 0.025],
    ["other", 0.015],
  ] as [string, number][],
  other_subjects: { science_share_y7_11: 0.03, other_share_y7_11: 0.01 },
  schools: {
    total: 120,
    special: 5,
    ap: 2,
    secondary_share: 0.15,
    pupils_per_year_group: [25, 35],
    special_per_year_group: [5, 12],
    ap_per_year_group: [3, 8],
  },
} as const;
