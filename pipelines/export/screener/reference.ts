// Reference values the checks use, as eesyscreener defines them (its data-raw/*.R and the
// screener app's data/*.csv): written out here from the Department's published standards
// (ud.html, the GSS ethnicity and symbols guidance) so the port runs without R. Geography
// lookups for countries, regions and LAs are geography.ts's.
import { COUNTRIES, REGIONS } from "../geography.ts";

/** data-raw/req_values.R */
export const REQ_META_COLS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint", "filter_grouping_column"];
export const OPTIONAL_META_COLS = ["filter_default", "parent_filter"];
export const REQ_DATA_COLS = ["geographic_level", "time_period", "time_identifier", "country_code", "country_name"];

/** data-raw/acceptable_values.R: the allowed time identifiers, in their mixable groups. */
const TERMS = ["Spring term", "Autumn term", "Summer term"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKS = Array.from({ length: 52 }, (_, i) => `Week ${i + 1}`);
const FY_QUARTERS = [1, 2, 3, 4].map((q) => `Financial year Q${q}`);
const FY_HALVES = ["Part 1 (April to September)", "Part 2 (October to March)"];
export const TIME_ID_GROUPS: readonly string[][] = [
  ["Autumn and spring term"],
  ["Calendar year"],
  ["Financial year"],
  ["Academic year"],
  ["Tax year"],
  ["Reporting year"],
  TERMS,
  WEEKS,
  MONTHS,
  FY_QUARTERS,
  FY_HALVES,
];
export const FOUR_DIGIT_IDS = new Set(["Calendar year", "Reporting year", ...WEEKS, ...MONTHS]);
export const SIX_DIGIT_IDS = new Set(["Autumn and spring term", ...TERMS, "Financial year", "Academic year", "Tax year", ...FY_QUARTERS, ...FY_HALVES]);

export const INDICATOR_UNITS = new Set(["%", "pp", "£", "£m", "numberstring"]);
/** GSS symbols (z, x, c, low) and the legacy ones the screener refuses in indicators. */
export const GSS_SYMBOLS = ["z", "x", "c", "low"];
export const LEGACY_GSS_SYMBOLS = ["~", ":"];

/** data-raw/geography_df.R: each level's code, name and secondary code column. */
export interface GeogLevel {
  level: string;
  code?: string;
  name?: string;
  secondary?: string;
}
export const GEOGRAPHY: readonly GeogLevel[] = [
  { level: "National", code: "country_code", name: "country_name" },
  { level: "Regional", code: "region_code", name: "region_name" },
  { level: "Local authority", code: "new_la_code", name: "la_name", secondary: "old_la_code" },
  { level: "Local authority district", code: "lad_code", name: "lad_name" },
  { level: "RSC region", name: "rsc_region_lead_name" },
  { level: "Parliamentary constituency", code: "pcon_code", name: "pcon_name" },
  { level: "Local skills improvement plan area", code: "lsip_code", name: "lsip_name" },
  { level: "Local enterprise partnership", code: "local_enterprise_partnership_code", name: "local_enterprise_partnership_name" },
  { level: "English devolved area", code: "english_devolved_area_code", name: "english_devolved_area_name" },
  { level: "Opportunity area", code: "opportunity_area_code", name: "opportunity_area_name" },
  { level: "Ward", code: "ward_code", name: "ward_name" },
  { level: "MAT", code: "trust_id", name: "trust_name" },
  { level: "Sponsor", code: "sponsor_id", name: "sponsor_name" },
  { level: "School", code: "school_urn", name: "school_name", secondary: "school_laestab" },
  { level: "Provider", code: "provider_ukprn", name: "provider_name" },
  { level: "Institution", code: "institution_id", name: "institution_name" },
  { level: "Planning area", code: "planning_area_code", name: "planning_area_name" },
  { level: "Police force area", code: "pfa_code", name: "pfa_name" },
];
export const LEVELS = new Set(GEOGRAPHY.map((g) => g.level));
export const levelCols = (g: GeogLevel) => [g.code, g.name, g.secondary].filter((c): c is string => c !== undefined);
export const geogOf = (level: string) => GEOGRAPHY.find((g) => g.level === level);

/** utils.R get_acceptable_ob_units(): time columns and every geography column. */
export const OB_UNITS: readonly string[] = ["time_period", "time_identifier", "geographic_level", ...new Set(GEOGRAPHY.flatMap(levelCols))];
/** utils.R get_geo_code_cols() / get_geo_name_cols() */
export const GEO_CODE_COLS = [...new Set(GEOGRAPHY.flatMap((g) => [g.code, g.secondary]).filter((c): c is string => c !== undefined))];
export const GEO_NAME_COLS = [...new Set(GEOGRAPHY.map((g) => g.name).filter((c): c is string => c !== undefined))];

/** data-raw/potential_ob_units_regex.R (matched case-insensitively). */
export const POTENTIAL_OB_UNITS = new RegExp(
  "(^(country|sch|prov|inst|estab|reg|la|local|rsc|pfa|pcon|lep|mca|oa|ward|mat).*(name|code|urn|ukprn|number|upin|id)$)" +
    "|(^(laestab|estab|sch|school|schools|prov|provider|providers|inst|institution|institutions|name|code|urn|ukprn|number|upin|id|region|la|lad|rsc|pcon|lep|mca|oa|ward|mat)$)",
  "i",
);

/** The screener app's harmonised_col_names.csv: a search string and the names it allows. */
export const HARMONISED_COL_NAMES: readonly [string, string][] = [
  ["sen_", "sen_status"],
  ["sen_", "sen_primary_need"],
  ["sen_", "sen_secondary_need"],
  ["sen_", "sen_provision"],
  ["primary_need", "sen_primary_need"],
  ["secondary_need", "sen_secondary_need"],
  ["establishment_type", "establishment_type"],
  ["establishment_type", "establishment_type_group"],
  ["provider_type", "provider_type"],
  ["school_type", "establishment_type"],
  ["school_type", "establishment_type_group"],
  ["ethnic", "ethnicity_major"],
  ["ethnic", "ethnicity_minor"],
  ["ethnic", "ethnicity_detailed"],
  ["ethnic", "minority_ethnic"],
];

/**
 * GSS ethnicity (major, minor) pairs the screener accepts: the 2021 harmonised standard, each
 * group written both with spaced and unspaced slashes, plus Total and Unknown.
 */
const ETHNIC_GROUPS: [string, string[]][] = [
  ["White", ["English / Welsh / Scottish / Northern Irish / British", "Irish", "Gypsy or Irish Traveller", "Roma", "Any other White background"]],
  [
    "Mixed / Multiple ethnic groups",
    ["White and Black Caribbean", "White and Black African", "White and Asian", "Any other Mixed / Multiple ethnic background"],
  ],
  ["Asian / Asian British", ["Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background"]],
  ["Black / African / Caribbean / Black British", ["African", "Caribbean", "Any other Black / African / Caribbean background"]],
  ["Other ethnic group", ["Arab", "Any other ethnic group"]],
];
const unspaced = (s: string) => s.replaceAll(" / ", "/");
export const ETHNICITY_PAIRS: readonly [string, string][] = [
  ["Total", "Total"],
  ...ETHNIC_GROUPS.flatMap(([major, minors]) => {
    const spaced: [string, string][] = [[major, "Total"], ...minors.map((m): [string, string] => [major, m])];
    const tight: [string, string][] =
      major === "White" ? [["White", unspaced(minors[0])]] : major === "Other ethnic group" ? [] : spaced.map(([a, b]) => [unspaced(a), unspaced(b)]);
    return [...spaced, ...tight];
  }),
  ["Unknown", "Unknown"],
];

/** data-raw/char_limits.R */
export const API_CHAR_LIMITS = { "location-code": 30, "column-name": 50, "column-label": 100, "column-item": 120 } as const;

/** The screener app's universal_geog_options.csv: code z with these names is valid at any level. */
export const EXTRA_GEOG_NAMES = [
  "Not applicable",
  "Unknown",
  "Outside of England",
  "Outside of the United Kingdom",
  "Outside of England and unknown",
  "Outside of the United Kingdom and unknown",
];

/** country.csv and regions.csv: geography.ts's lists plus the rows it does not hold. */
export const ACCEPTABLE_COUNTRIES: ReadonlyMap<string, string[]> = pairsOf([...COUNTRIES, ["z", "England, Wales and Northern Ireland"]]);
export const ACCEPTABLE_REGIONS: ReadonlyMap<string, string[]> = pairsOf([...REGIONS, ["E13000001", "Inner London"], ["E13000002", "Outer London"]]);

function pairsOf(rows: Iterable<readonly [string, string]>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [code, name] of rows) m.set(code, [...(m.get(code) ?? []), name]);
  return m;
}
