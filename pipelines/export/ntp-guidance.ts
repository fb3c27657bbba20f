// The data guidance's account of an ntp return (programmes.md §3 §13–§14, §4): what a course
// start, an hour and a pound count, and that programme funding is our estimate per course, not
// the ESFA's reconciliation. renderGuidance (guidance.ts) puts these paragraphs where a 2009
// return explains its pupil characteristics and prior-attainment bands.
import { CAP_GBP, ROUTES } from "../core/ntp-rules.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { layoutFor } from "./layout.ts";

export const NTP_GUIDANCE_TITLE = "# National Tutoring Programme: data guidance";

/**
 * The values of each ntp filter (programmes.md §4), each with `Total`: the data guidance lists those
 * of the filters the ntp layout has, so a reader of the CSV files knows every value a filter can
 * take (programmes.md §6 item 7; test/ntp-coverage.test.ts fails for a filter with no list here).
 */
export const NTP_FILTER_VALUES: Record<string, readonly string[]> = {
  subject: ["English", "Mathematics", "Science", "Other subjects"],
  outcome_measure: ["Standardised score", "KS2 scaled score", "GCSE grade"],
  route: ["Tuition partner", "Academic mentor", "School-led tutoring"],
  group_size: ["One-to-one", "Two pupils", "Three pupils", "Four or more pupils"],
  disadvantage_status: ["Disadvantaged", "Not known to be disadvantaged"],
  // the other §5 breakdowns of impact and attainment (programmes.md §3 §5), as the model manifest (measures/models.ts) labels them
  cla_status: ["Looked after", "Not looked after"],
  first_language: ["Known or believed to be English", "Known or believed to be other than English"],
  sex: ["Female", "Male"],
  sen_provision: ["No SEN provision", "SEN support / SEN without an EHC plan", "Education, health and care plan"],
  ethnicity_major: [
    "White",
    "Mixed / Multiple ethnic groups",
    "Asian / Asian British",
    "Black / African / Caribbean / Black British",
    "Other ethnic group",
    "Unknown",
  ],
  key_stage: ["Key stage 1", "Key stage 2", "Key stage 3", "Key stage 4"],
  prior_attainment: ["Below expected", "At or above expected"],
};

/** programmes.md §4: GCSE grades of 2020/21 carry this footnote (guidance, metadata hint, workbook). */
export const GCSE_2021_FOOTNOTE =
  "Footnote, `GCSE grade` in 2020/21: the GCSE grades of summer 2021 were teacher-assessed grades (no exams were sat), so an impact on them is measured on teachers' judgements rather than on exam results and is not comparable with other years.";

export function ntpGuidanceParagraphs(settings: ResolvedSettings): string[] {
  const ntp = settings.ntp;
  const costs = ntp ? ROUTES.map((r) => `${r.replaceAll("_", " ")} £${ntp.hourly_cost_gbp[r]}`).join(", ") : "";
  return [
    "These files describe the tuition the schools of the LA arranged through the National Tutoring Programme (NTP): its delivery, named as in the Department's NTP statistics, and its cost. A row breaks down by at most one of `route` (the Department's `ntp_pillar`), `group_size` and the pupil characteristics of impact and attainment; the others are `Total` on it. Subjects are English, mathematics, science and other subjects; subject `Total` counts distinct pupils across them.",
    "",
    `Filter values (each filter is also \`Total\` where a row does not break down by it): ${layoutFor("ntp")
      .filterColumns.filter((f) => f in NTP_FILTER_VALUES)
      .map((f) => `\`${f}\`: ${NTP_FILTER_VALUES[f].join(", ")}`)
      .join("; ")}.`,
    "",
    "Impact is measured on three outcomes (`outcome_measure`), each its own analysis, in English and mathematics: the adjusted difference between pupils with tuition, whatever its funding, and pupils of the same NC years without it, with school-clustered confidence intervals, in points of the outcome's own scale. `Standardised score` (years 1 to 11) is the first standardised test after a pupil's tuition, on the test of their baseline (the latest in the year before it began). `KS2 scaled score` (year 6) is the KS2 test after the tuition, and `GCSE grade` (year 11) the GCSE grade (9 to 1, U as 0); their baseline is the standardised score of the year before the tuition, else the latest KS1 teacher assessment (KS2) or KS2 scaled score (GCSE), and a model whose pupils have baselines on two scales has a baseline slope and an intercept for each scale. Progress and mean baseline are published for the standardised score only. KS2 scaled score in 2020/21 is `x`: there were no KS2 tests in 2021.",
    "",
    `${GCSE_2021_FOOTNOTE}`,
    "",
    "A place's route and group size are those of its course with most attended hours. Route and group-size rows are parts of one model over the whole cohort, each with its difference from school-led tutoring or from three pupils (`b_diff`); each group of `disadvantage_status`, `cla_status`, `first_language`, `sex`, `sen_provision` (a blank SEN code is in no group), `ethnicity_major`, `key_stage` (Key stage 1 is years 1 and 2) and `prior_attainment` (the baseline below, or at or above, the expected standard of its own scale: KS1 teacher assessment 8 (expected), KS2 100, GCSE grade 4, standardised score as set, default 85) is a model over that group's pupils. The gap of a two-valued characteristic (disadvantaged, looked after, first language other than English, male; minus the other group) is on the row of that group: in impact (`b_diff`) and in mean progress (`gap_progress_t`, `gap_progress_c`). Attainment (`pupils_att_*`, `mean_outcome_*`, the shares below the expected standard at baseline, at it at outcome and at the high standard at outcome (KS2 110, GCSE grade 5, standardised score 115), the conversion rate) is over the pupils of the impact model, tutees (`_t`) beside comparison pupils (`_c`); on a route or group-size row, that part's tutees and all comparison pupils. Delivery and cost ignore the outcome: they sit on `outcome_measure` `Total`, where impact is `z`, and impact is `z` on their rows. The dose (`n_full`, `b_full`, `se_full`, `ci_full_low`, `ci_full_high` and the same for `partial`) is the model of the whole cohort or of the group again with its tutees split into those with a full place (at least the full course's attended hours in the subject) and those with a partial place: the impact of each against the same comparison pupils, estimated only when each has at least 10 tutees in the model (else `x`); it is `z` on route and group-size rows. Balance (`bal_*`) sets the model's tutees beside its comparison pupils on the same rows: the mean baseline (`x` where the model's baselines are on more than one scale) and the % disadvantaged, looked after, with a first language other than English, female and with SEN, each with the standardised difference (the difference divided by the standard deviation pooled over the two); it too is `z` on route and group-size rows.",
    "",
    "Delivery counts courses claimed against the NTP grant only (`funding_source` ntp). Each course counts under its own route and group size, so a pupil with courses on two routes adds to both route rows. A pupil's attended hours in a row are rounded to the nearest half hour as the school census records them, then `total_courses` (course starts) counts 1 for up to 16 hours and 2 above: starts are an estimate of packages begun, not a count of tuition records, and they do not add up across subjects or routes. `total_hours` sums the unrounded hours; `ntp_pupils` counts pupils with any NTP hours. `total_schools` counts schools with census pupils in years 1 to 11; `total_schools_participating` those of them that arranged an NTP course with attended hours in the row. On a School row, every pupil figure counts the courses that school arranged.",
    "",
    "`pct_tutees_disadvantaged` and the shares of attended pupil-hours by tutor type count every course in the row, whatever its funding source; `pct_hours_trained_tutor` is the share of school-led hours taught by tutors other than qualified teachers whose tutor training is passed, of those whose training is recorded.",
    "",
    "`pct_tp_courses_pupil_premium` sets the tuition partners of 2021/22 beside that year's target that 65% of their pupils be eligible for pupil premium: of the tuition partner courses claimed against the NTP grant, the share whose pupil is recorded as pupil premium in the school census of the year, or, where the pupil premium flag is blank, is disadvantaged (FSM in the last 6 years, FSM, looked after or previously looked after). It counts courses, not pupils, and is `z` on every other route, year and group-size row.",
    "",
    `Cost covers every course in the row, whatever its funding source: the hours billed (every session's minutes, attended or not) times the tutor-hour's cost shared among the group. Where the tuition file gives no hourly cost, the route's default is used (${costs}); academic mentors were salaried, so their cost is an estimate.`,
    "",
    `Programme funding is this project's estimate, course by course, of the share of cost the NTP grant paid: the year and route's subsidy share of the cost, counting at most £${CAP_GBP.standard} a pupil-hour (£${CAP_GBP.special_or_ap} at special schools and alternative provision) where that year's rules capped it. It is not the Education and Skills Funding Agency's reconciliation, which capped each school's totals for the year and its allocation, so it will not match a school's reconciled grant. School contribution is cost less programme funding. Figures are comparable in kind with the Department's end-of-year NTP statistics, which come from schools' year-end statements, so they will not match them to the hour.`,
    "",
  ];
}
