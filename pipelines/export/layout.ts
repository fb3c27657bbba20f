// The column layout of the return (outputs.md §1): time, geography, filters, then indicators.
// Shared by the return writer, the workbook and the combiner so the three cannot drift apart.

export const TIME_COLUMNS = ["time_period", "time_identifier"] as const;
export const GEOGRAPHY_COLUMNS = [
  "geographic_level", "country_code", "country_name", "region_code", "region_name", "old_la_code", "new_la_code", "la_name",
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
