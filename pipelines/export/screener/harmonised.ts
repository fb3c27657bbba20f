// "Check harmonised" (R/check_harmonised.R): harmonised column names and GSS ethnicity values.
import { ETHNICITY_PAIRS, HARMONISED_COL_NAMES } from "./reference.ts";
import { colsOfMeta, fail, pass, quoted, warn, type CheckResult, type DataTable, type MetaTable } from "./table.ts";

const SEARCH = [...new Set(HARMONISED_COL_NAMES.map(([s]) => s))];
const STANDARD = new Set(HARMONISED_COL_NAMES.map(([, n]) => n));

/**
 * Ports check_harmonised_variables(): every metadata col_name (Filter or Indicator) and grouping
 * column that contains, lowercased, a harmonised search string (sen_, primary_need, ethnic, …)
 * must be one of the harmonised names (sen_provision, ethnicity_major, …).
 */
export function checkHarmonisedVariables(meta: MetaTable): CheckResult {
  const bad = colsOfMeta(meta, true).filter((c) => SEARCH.some((s) => c.toLowerCase().includes(s)) && !STANDARD.has(c));
  if (bad.length === 0) return pass("harmonised_variables", "No standardised column name issues found.");
  return fail(
    "harmonised_variables",
    `The following column${bad.length > 1 ? "s" : ""} ${quoted(bad)} appear${bad.length > 1 ? "" : "s"} to relate to contexts that fall under the harmonised data standards. Please verify your column headers against the data standards.`,
    meta.rows.flatMap((r) =>
      (["col_name", "filter_grouping_column"] as const)
        .filter((c) => bad.includes(r[c]))
        .map((c) => ({
          file: "meta" as const,
          row: r.line,
          column: c,
          message: `'${r[c]}' looks like a harmonised variable but is not one of its standard names (e.g. sen_provision, ethnicity_major).`,
        })),
    ),
  );
}

const MAJORS = new Set(ETHNICITY_PAIRS.map(([a]) => a));
const MINORS = new Set(ETHNICITY_PAIRS.map(([, b]) => b));
const PAIRS = new Set(ETHNICITY_PAIRS.map(([a, b]) => `${a}\u0000${b}`));

function nonconforming(check: string, values: string[], type: string): CheckResult {
  return warn(
    check,
    `The following ethnicity filter ${type}${values.length > 1 ? "s" : ""} '${values.join("', '")}' do${values.length > 1 ? "" : "es"} not conform to the GSS standards. Please cross check against the published standards.`,
  );
}

/** Ports check_harmonised_eth_vals(): ethnicity_major / ethnicity_minor values (or pairs, with both) follow the GSS standard (warning). */
export function checkHarmonisedEthVals(data: DataTable): CheckResult {
  const major = data.has("ethnicity_major");
  const minor = data.has("ethnicity_minor");
  if (!major && !minor) return pass("harmonised_eth_vals", "No ethnicity columns found.");
  let bad: string[];
  if (major && minor) {
    const a = data.ids("ethnicity_major");
    const b = data.ids("ethnicity_minor");
    const seen = new Set<string>();
    bad = [];
    for (let i = 0; i < data.size; i++) {
      const key = `${data.values[a[i]]}\u0000${data.values[b[i]]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!PAIRS.has(key)) bad.push(`${data.values[a[i]]}, ${data.values[b[i]]}`);
    }
  } else if (major) bad = data.distinct("ethnicity_major").filter((v) => !MAJORS.has(v));
  else bad = data.distinct("ethnicity_minor").filter((v) => !MINORS.has(v));
  if (bad.length === 0) return pass("harmonised_eth_vals", "All ethnicity values are consistent with the GSS standards.");
  return nonconforming("harmonised_eth_vals", bad, major && minor ? "combination" : "value");
}

/** eth_std_char_groups(): the ethnic harmonised names in title case ("Ethnicity Major", "Minority Ethnic", …). */
const STD_CHAR_GROUPS = [...new Set(HARMONISED_COL_NAMES.filter(([s]) => s.includes("ethnic")).map(([, n]) => n))].map((n) =>
  n.replaceAll("_", " ").replace(/\b\w/g, (ch) => ch.toUpperCase()),
);

/** Ports check_harmonised_eth_char_grp(): a characteristic_group mentioning ethnicity contains a standard group name. */
export function checkHarmonisedEthCharGrp(data: DataTable): CheckResult {
  if (!data.has("characteristic_group")) return pass("harmonised_eth_char_grp", "No characteristic_group column found.");
  const bad = data.distinct("characteristic_group").filter((v) => /ethnic/i.test(v) && !STD_CHAR_GROUPS.some((s) => v.includes(s)));
  if (bad.length === 0) return pass("harmonised_eth_char_grp", "All ethnicity characteristic_group values are consistent with the expected standards.");
  return fail(
    "harmonised_eth_char_grp",
    `The following characteristic_group value${bad.length > 1 ? "s" : ""} '${bad.join("', '")}' appear${bad.length > 1 ? "" : "s"} to relate to ethnicity data, but do${bad.length > 1 ? "" : "es"} not conform to the standard conventions. Expected values: ${STD_CHAR_GROUPS.join(", ")} (or these combined with other filters with 'and' - e.g. 'Gender and Minority Ethnic').`,
  );
}

/** Ports check_harmonised_eth_char_vals(): characteristic values of ethnicity groups are GSS values (warning). */
export function checkHarmonisedEthCharVals(data: DataTable): CheckResult {
  if (!data.has("characteristic_group") || !data.has("characteristic"))
    return pass("harmonised_eth_char_vals", "No characteristic_group and characteristic columns found.");
  const groups = data.ids("characteristic_group");
  const chars = data.ids("characteristic");
  const ethnic = data.test((v) => /ethnic/i.test(v));
  const bad = new Set<string>();
  for (let i = 0; i < data.size; i++) {
    const v = data.values[chars[i]];
    if (ethnic(groups[i]) && !MAJORS.has(v) && !MINORS.has(v)) bad.add(v);
  }
  if (bad.size === 0) return pass("harmonised_eth_char_vals", "All ethnicity characteristic values are consistent with the GSS standards.");
  return nonconforming("harmonised_eth_char_vals", [...bad], "value");
}
