// The seven input datasets of shared/spec/inputs.md: their canonical columns, which
// headers may be absent, which columns hold dates (Excel serials are converted on read),
// and the header aliases we recognise without any setting.
import { DEFAULT_PROGRAMME, type Programme } from "../core/programme.ts";

export const DATASETS = ["schools", "pupils", "attainment", "tuition", "sessions", "viewpoints", "allocations"] as const;
export type Dataset = (typeof DATASETS)[number];

export const REQUIRED_DATASETS: readonly Dataset[] = ["schools", "pupils", "attainment", "tuition"];

export const COLUMNS: Record<Dataset, readonly string[]> = {
  schools: ["urn", "laestab", "school_name", "la_code", "phase", "academy", "national_challenge", "ecaw"],
  pupils: ["upn", "academic_year", "urn", "nc_year", "gender", "fsm", "cla", "first_language", "sen", "ethnicity"],
  attainment: ["upn", "subject", "assessment", "assessed_on", "result"],
  tuition: [
    "tuition_id",
    "upn",
    "urn",
    "academic_year",
    "subject",
    "tutor_id",
    "start_date",
    "end_date",
    "allocation",
    "entry_reason",
    "itp_agreed",
    "mid_check",
    "targets_set",
    "targets_met",
  ],
  sessions: ["tuition_id", "session_date", "minutes", "in_school_day", "attended"],
  viewpoints: ["response_id", "tuition_id", "respondent", "stage", "item", "response", "comment"],
  allocations: ["academic_year", "la_code", "urn", "key_stage", "subject", "places", "funding_gbp"],
};

/** Columns inputs.md marks optional: the header may be missing (the column is then all blank). */
export const OPTIONAL_HEADERS: Partial<Record<Dataset, readonly string[]>> = {
  viewpoints: ["comment"],
  allocations: ["urn"],
};

/**
 * Columns the ntp profile adds (programmes.md §2). A 2009 folder's files are not read for them (a
 * header of that name is an extra column there, as before), but raw_* and stg_* carry them in both
 * profiles, NULL in a 2009 run, so the SQL of validate is one set of files.
 */
export const NTP_COLUMNS: Partial<Record<Dataset, readonly string[]>> = {
  pupils: ["fsm6", "pla", "pupil_premium"],
  attainment: ["test_name"],
  tuition: ["route", "group_size", "group_id", "tutor_type", "tutor_trained", "funding_source", "hourly_cost_gbp"],
};

/** Headers an ntp file may leave out (programmes.md §2): its new optional columns, and 2009 columns it no longer needs. */
const NTP_OPTIONAL_HEADERS: Partial<Record<Dataset, readonly string[]>> = {
  schools: ["national_challenge", "ecaw"],
  pupils: ["pupil_premium"],
  attainment: ["test_name"],
  tuition: ["group_id", "hourly_cost_gbp", "allocation", "entry_reason", "itp_agreed", "mid_check", "targets_set", "targets_met"],
  viewpoints: ["comment"],
  allocations: ["urn", "key_stage", "subject", "places"],
};

/** Every column of raw_<dataset> (both profiles): the 2009 contract's, then the ntp profile's. */
export const RAW_COLUMNS = Object.fromEntries(DATASETS.map((d) => [d, [...COLUMNS[d], ...(NTP_COLUMNS[d] ?? [])]])) as unknown as Record<
  Dataset,
  readonly string[]
>;

/** The columns a file is read for under a programme profile. */
export function columnsOf(dataset: Dataset, programme: Programme = DEFAULT_PROGRAMME): readonly string[] {
  return programme === "ntp" ? RAW_COLUMNS[dataset] : COLUMNS[dataset];
}

/** The headers a file may leave out under a programme profile. */
export function optionalHeadersOf(dataset: Dataset, programme: Programme = DEFAULT_PROGRAMME): readonly string[] {
  return (programme === "ntp" ? NTP_OPTIONAL_HEADERS[dataset] : OPTIONAL_HEADERS[dataset]) ?? [];
}

export const DATE_COLUMNS = new Set(["assessed_on", "start_date", "end_date", "session_date"]);

/**
 * Header spellings seen in school MIS and DfE extracts, per canonical column. Compared after
 * normaliseHeader, so case, spaces, `_` and `-` do not matter. Settings add more per dataset.
 */
const COMMON_ALIASES: Record<string, readonly string[]> = {
  upn: ["Pupil UPN", "Unique Pupil Number"],
  urn: ["School URN", "Unique Reference Number"],
  laestab: ["LA Estab", "LAEstab number", "DfE number", "DfE no"],
  la_code: ["LA", "LA number", "Old LA code"],
  school_name: ["School", "School name", "Establishment name"],
  academic_year: ["Academic yr", "Acad year"],
  nc_year: ["NC year group", "Year group", "NCYearActual", "NC yr"],
  gender: ["Sex"],
  fsm: ["FSM eligible", "FSM eligibility"],
  cla: ["Looked after", "In care", "LAC"],
  first_language: ["Language", "Home language"],
  sen: ["SEN provision", "SEN status"],
  ethnicity: ["Ethnic code", "Ethnic group", "Ethnicity code"],
  assessed_on: ["Assessment date", "Date assessed", "Date"],
  tuition_id: ["Course ID", "Tuition ref"],
  tutor_id: ["Tutor", "Tutor ref"],
  start_date: ["Start", "Date started"],
  end_date: ["End", "Date ended"],
  session_date: ["Session", "Date of session"],
  minutes: ["Duration minutes", "Duration (minutes)", "Length minutes"],
  response_id: ["Return ID", "Questionnaire ID"],
  funding_gbp: ["Funding", "Funding (£)", "Funding £"],
};

/**
 * Words with the same meaning as a column's name, from inputs.md's own description of it, that
 * share no letters with the name: "one row per answer to one questionnaire item" (a question and
 * its answer), mid_check "mid-tuition progress check held" (a mid-point review). They are never
 * read as the column by themselves (a header could mean something else in another export): they
 * only let the header-problem report offer such a header as its "perhaps", which the officer
 * confirms by pasting the header_aliases block.
 */
export const HEADER_SYNONYMS: Record<string, readonly string[]> = {
  item: ["Question", "Question code"],
  response: ["Answer", "Rating"],
  mid_check: ["Mid-point review", "Mid-point check", "Progress check"],
};

export function builtInAliases(dataset: Dataset, programme: Programme = DEFAULT_PROGRAMME): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const column of columnsOf(dataset, programme)) out[column] = [column, ...(COMMON_ALIASES[column] ?? [])];
  return out;
}
