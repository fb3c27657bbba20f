// The column layout of the return (outputs.md §1): time, geography, filters, then indicators.
// Shared by the return writer, the workbook and the combiner so the three cannot drift apart.

export const TIME_COLUMNS = ["time_period", "time_identifier"] as const;
export const GEOGRAPHY_COLUMNS = [
  "geographic_level",
  "country_code",
  "country_name",
  "region_code",
  "region_name",
  "old_la_code",
  "new_la_code",
  "la_name",
] as const;
export const SCHOOL_COLUMNS = ["school_urn", "school_laestab", "school_name"] as const;

/** Filters in the order they appear, with their metadata label and hint; the mart `breakdown` names one of them. */
export const FILTERS = [
  { col: "subject", label: "Subject", hint: "English, mathematics or both" },
  { col: "fsm_status", label: "Free school meals status", hint: "" },
  { col: "cla_status", label: "Looked after status", hint: "" },
  { col: "first_language", label: "First language", hint: "" },
  { col: "sex", label: "Sex", hint: "" },
  { col: "sen_provision", label: "SEN provision", hint: "" },
  { col: "ethnicity_major", label: "Ethnicity (major group)", hint: "" },
  { col: "key_stage", label: "Key stage", hint: "" },
  // a band of the subject's baseline (measures.md §5): on English and Mathematics rows only
  { col: "prior_attainment", label: "Prior attainment", hint: "Baseline against the age-related expectation" },
] as const;
export const FILTER_COLUMNS: string[] = FILTERS.map((f) => f.col);
/** Breakdowns of the marts: `total`, or one of the filter columns other than subject. */
export const BREAKDOWNS = ["total", ...FILTER_COLUMNS.filter((c) => c !== "subject")];

export const SUBJECT_ORDER = ["English", "Mathematics", "Total"];

/**
 * The ntp profile's filters (programmes.md §4), for the measures an ntp run builds so far: §13
 * delivery and §14 cost, each course under its own route and group size. A row breaks down by
 * at most one of them. Kept apart from FILTERS so a 2009 return keeps its columns byte for byte.
 */
export const NTP_FILTERS = [
  { col: "subject", label: "Subject", hint: "English, mathematics, science, other subjects or all of them" },
  // read from the marts' outcome_measure column, not from a breakdown: Total for figures that ignore the outcome
  {
    col: "outcome_measure",
    label: "Outcome measure",
    hint: "The result impact is measured on (GCSE grades of 2020/21 were teacher-assessed; no KS2 tests in 2021); Total for delivery and cost",
  },
  { col: "route", label: "NTP route", hint: "The Department's ntp_pillar: tuition partner, academic mentor or school-led tutoring" },
  { col: "group_size", label: "Group size", hint: "Pupils taught together in most sessions" },
  { col: "disadvantage_status", label: "Disadvantage status", hint: "Disadvantaged: FSM in the last 6 years, FSM, looked after or previously looked after" },
  // the other §5 breakdowns of impact and attainment (programmes.md §3 §5): the 2009 columns, ntp's SEN codes and Key stage 1
  { col: "cla_status", label: "Looked after status", hint: "" },
  { col: "first_language", label: "First language", hint: "" },
  { col: "sex", label: "Sex", hint: "" },
  { col: "sen_provision", label: "SEN provision", hint: "SEN support or an education, health and care plan, from the census" },
  { col: "ethnicity_major", label: "Ethnicity (major group)", hint: "" },
  { col: "key_stage", label: "Key stage", hint: "Key stage 1 is years 1 and 2" },
  { col: "prior_attainment", label: "Prior attainment", hint: "Baseline against the expected standard of its own scale" },
] as const;
/** Filters whose value is a column of the marts rather than their breakdown. */
const NTP_COLUMN_FILTERS = ["outcome_measure"];
export const NTP_SUBJECT_ORDER = ["English", "Mathematics", "Science", "Other subjects", "Total"];

/** A return's filters, mart breakdowns and subject order: one set per programme profile. */
export interface ReturnLayout {
  filters: readonly { col: string; label: string; hint: string }[];
  filterColumns: string[];
  breakdowns: string[];
  subjectOrder: string[];
  /** Filters read from a mart column of that name ('Total' where a mart has none), not from the breakdown. */
  columnFilters: string[];
}

export function layoutFor(programme: "one_to_one_2009" | "ntp"): ReturnLayout {
  const filters = programme === "ntp" ? NTP_FILTERS : FILTERS;
  const filterColumns = filters.map((f) => f.col);
  const columnFilters = programme === "ntp" ? NTP_COLUMN_FILTERS : [];
  return {
    filters,
    filterColumns,
    breakdowns: ["total", ...filterColumns.filter((c) => c !== "subject" && !columnFilters.includes(c))],
    subjectOrder: programme === "ntp" ? NTP_SUBJECT_ORDER : SUBJECT_ORDER,
    columnFilters,
  };
}

/** Every filter of either profile: for readers of a release whatever its profile (labels, the audit). */
export const ALL_FILTERS = [...FILTERS, ...NTP_FILTERS.filter((f) => !FILTERS.some((g) => g.col === f.col))];

export const COUNTRY = { code: "E92000001", name: "England" } as const;
export const TIME_IDENTIFIER = "Academic year";

/** The file names of one return. */
export function returnNames(scope: string, timePeriod: string) {
  return {
    la: `impact_${scope}_${timePeriod}.csv`,
    laMeta: `impact_${scope}_${timePeriod}.meta.csv`,
    schools: `impact_schools_${scope}_${timePeriod}.csv`,
    schoolsMeta: `impact_schools_${scope}_${timePeriod}.meta.csv`,
    aggregation: `impact_${scope}_${timePeriod}.aggregation.csv`,
    workbook: `impact_${scope}_${timePeriod}.xlsx`,
  };
}

/** Side file the combiner reads: how each indicator of the LA file becomes a National figure. */
export const AGGREGATION_COLUMNS = ["col_name", "combine", "weight_col"] as const;
