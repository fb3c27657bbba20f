// The data-generating process: every planted parameter lives here, and truth.json is
// written from this object, so the published truth cannot drift from what was simulated.

/** Assessment occasions: termly teacher assessment dates in 2008/09 and 2009/10. */
export const TA_DATES = ["2008-12-12", "2009-04-03", "2009-07-17", "2009-12-11", "2010-04-01", "2010-07-16"] as const;

/** Tuition terms of 2009/10: each lies between two TA dates, so a course's baseline and
 * outcome are the TA results either side of its term (one step of the score process). */
export const TERMS = {
  autumn: { firstStart: "2009-09-14", lastStart: "2009-10-09", lastEnd: "2009-12-10", baseline: 2 },
  spring: { firstStart: "2010-01-06", lastStart: "2010-01-29", lastEnd: "2010-03-31", baseline: 3 },
  summer: { firstStart: "2010-04-19", lastStart: "2010-05-07", lastEnd: "2010-07-15", baseline: 4 },
} as const;
export type Term = keyof typeof TERMS;

/** Share of courses per term by NC year. Spring always holds the majority of starts and
 * ends, so the comparison anchors (median start/end per NC year) fall in spring and the
 * comparison pupils' baseline→outcome is one step, like every tutee's. Y6 have no summer
 * course (the KS2 tests sit in May), Y10 no autumn (their July 2009 TA is on the NC scale,
 * Dec 2009 on GCSE grades), Y11 no summer (they have left). */
export function termShares(ncYear: number): [Term, number][] {
  if (ncYear === 6 || ncYear === 11)
    return [
      ["autumn", 0.3],
      ["spring", 0.7],
    ];
  if (ncYear === 10)
    return [
      ["spring", 0.7],
      ["summer", 0.3],
    ];
  return [
    ["autumn", 0.25],
    ["spring", 0.55],
    ["summer", 0.2],
  ];
}

export const DGP = {
  description:
    "Scores follow a first-order Markov process on the OBSERVED point scores: at each termly step " +
    "next = snap(obs + g_ks + kappa*(obs - c_year) + b_fsm*fsm + b_cla*cla + b_sen*sen_any + b_eal*eal + b_female[subject]*female " +
    "+ v_school_step + e + tuition_effect if a course ended in that step), snap = nearest sub-level (NC scale) or grade (GCSE scale). " +
    "Selection into tuition depends only on observed scores at or before the comparison pupils' baseline occasion and on the " +
    "covariates (selection on observables), so outcome ~ baseline(by key stage) + NC year + fsm + cla + eal + female + sen_any + tutored " +
    "(measures.md §3) is correctly specified and b estimates the tutees' mean effect. Because growth rises with the baseline " +
    "(kappa > 0) and falls with fsm/sen/cla, and tutees are drawn from low and slow-progressing pupils, the naive tutee-minus-comparison " +
    "progress difference is biased downward.",
  step: {
    nc_scale: { g_per_term: 1.0, kappa: 0.02, c_year: "ARE at the end of the pupil's 2009/10 NC year: 15 + 3*(nc_year - 2)", sd_noise: 1.7 },
    gcse_scale: { g_per_term: 2.0, kappa: 0.02, c_year: 40, sd_noise: 3.5 },
    b_fsm: -0.5,
    b_cla: -0.5,
    b_sen_any: -0.6,
    b_eal: 0.3,
    b_female: { english: 0.3, maths: -0.1 },
    sd_school_step: 0.6,
  },
  initial: {
    occasion: "2008-12-12",
    mean_nc: "ARE at the end of NC year (y-1) + 2, y = 2009/10 NC year",
    sd_pupil: 4.0,
    shifts: { fsm: -2, cla: -2, sen_A: -2.5, sen_P: -3.5, sen_S: -5, eal_english: -2.5, eal_maths: -1, female_english: 1 },
    working_below:
      "a pupil whose initial score in a subject is below 9 points (NC scale) or 20 (GCSE scale) works below the scales in that subject: " +
      "P-scale results (NC contexts) or no TA row (GCSE contexts), never tutored in it; so is a statemented pupil with pscale_share_of_statemented. " +
      "This keeps the scored pupils clear of the W and U floors, where snapping would make the process non-linear.",
    school_level: "-12*(school FSM rate - 0.15) + N(0, 1.5)",
    y10_to_gcse: "Dec 2009 GCSE points = snap(max(16, 34 + 1.4*(Jul 2009 NC points - 36) + N(0, 3)))",
    y11_gcse_mean: 38,
    y11_gcse_sd: 8,
  },
  impact: {
    formula:
      "effect = dose * (eal ? 0 : base[subject] + fsm_bonus*fsm + w_school), dose = min(hours delivered, 10)/10, " +
      "added to the first score after the course ends (and carried by every later score)",
    base: { english: 1.5, maths: 2.0 },
    fsm_bonus: 1.0,
    eal_effect: 0,
    sd_w_school: 0.5,
  },
  selection: {
    formula:
      "P(tutored in subject) = logistic(alpha + 1.7*below_are + 0.8*falling_behind + 0.35*fsm + 1.8*cla + 0.3*sen_A_or_P - 0.8*sen_S + s_school), " +
      "below_are: score at the selection occasion below the ARE of the end of the previous NC year (GCSE: below C); " +
      "falling_behind: that score not above the previous one; selection occasion = July 2009 TA for autumn courses, " +
      "December 2009 TA for spring and summer; s_school ~ N(0, 0.3); P-scale pupils are never tutored",
    alpha: -4.87,
    b_below_are: 1.7,
    b_falling_behind: 0.8,
    b_fsm: 0.35,
    b_cla: 1.8,
    b_sen_a_or_p: 0.3,
    b_sen_s: -0.8,
    sd_school: 0.3,
  },
  rates: { fsm: 0.15, cla: 0.005, eal: 0.15, sen_A: 0.11, sen_P: 0.06, sen_S: 0.027, tutored_per_subject_of_eligible: 0.035 },
  delivery: {
    session_minutes: [
      [60, 0.85],
      [45, 0.08],
      [30, 0.05],
      [90, 0.02],
    ] as [number, number][],
    missed_share: 0.05,
    outside_school_day_share: 0.15,
    cut_short_share: 0.1,
    two_course_place_share: 0.015,
  },
  viewpoints: {
    formula: "response = clamp(round(2.55 + respondent_offset + shift*post + course_u + e), 1, 4), course_u ~ N(0, 0.35), e ~ N(0, 0.75)",
    respondent_offset: { pupil: 0.1, parent: 0.2, teacher: -0.1, tutor: 0.0 },
    shift: { pupil: 0.45, parent: 0.35, teacher: 0.4, tutor: 0.5 },
    return_rate: { pupil: 0.85, parent: 0.45, teacher: 0.6, tutor: 0.75 },
    post_return_factor: 0.85,
    items: ["confidence", "enjoyment", "independence", "uses_strategies", "asks_for_help"],
    comment_share: 0.04,
    label_share: 0.1,
  },
  codes: { ta_code_rate: 0.004, ks2_absent: 0.01, ks2_not_awarded: 0.003, ks2_t: 0.003, pscale_share_of_statemented: 0.25 },
} as const;

export const ARE_END = (nc: number) => 15 + 3 * (nc - 2);
