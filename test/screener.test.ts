// Screener unit tests: one clean file pair passes; each mutation breaks one rule of
// ees-rules.md and must FAIL with that rule (row/column named where the rule has them).
import { describe, expect, it } from "vitest";
import { screen, type ScreenResult } from "../pipelines/export/screener.ts";

const HEAD = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "subject", "sex", "n_pupils", "mean_hours"];
const GEO = ["200910", "Academic year", "Local authority", "E92000001", "England", "E12000006", "East of England", "919", "E10000015", "Hertfordshire"];
const ROWS = [
  [...GEO, "Total", "Total", "20", "11.5"],
  [...GEO, "English", "Total", "12", "c"],
  [...GEO, "Total", "Female", "8", "x"],
  [...GEO, "Total", "Male", "12", "-1.5"],
];
const META_HEAD = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint", "filter_grouping_column"];
const META = [
  ["subject", "Filter", "Subject", "", "", "", "Filter by subject", ""],
  ["sex", "Filter", "Sex", "", "", "", "", ""],
  ["n_pupils", "Indicator", "Pupils", "Counts", "", "0", "", ""],
  ["mean_hours", "Indicator", "Mean hours", "Delivery", "", "1", "", ""],
];

interface Case {
  head: string[];
  rows: string[][];
  metaHead: string[];
  meta: string[][];
  names: { data: string; meta: string };
  dataText?: string;
}

const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csv = (head: string[], rows: string[][]) => [head, ...rows].map((r) => r.map(q).join(",")).join("\n") + "\n";

function base(): Case {
  return {
    head: [...HEAD], rows: ROWS.map((r) => [...r]), metaHead: [...META_HEAD], meta: META.map((r) => [...r]),
    names: { data: "impact_919_200910.csv", meta: "impact_919_200910.meta.csv" },
  };
}
function run(c: Case): ScreenResult[] {
  return screen(c.dataText ?? csv(c.head, c.rows), csv(c.metaHead, c.meta), c.names);
}
const col = (c: Case, name: string) => c.head.indexOf(name);
const setAll = (c: Case, name: string, v: string) => c.rows.forEach((r) => (r[col(c, name)] = v));
const dropCol = (c: Case, name: string) => {
  const i = col(c, name);
  c.head.splice(i, 1);
  c.rows.forEach((r) => r.splice(i, 1));
};
const addCol = (c: Case, name: string, values: string[]) => {
  c.head.push(name);
  c.rows.forEach((r, i) => r.push(values[i % values.length]));
};
const metaRow = (c: Case, name: string) => c.meta.find((m) => m[0] === name)!;
const M = { type: 1, label: 2, grouping: 3, unit: 4, dp: 5, hint: 6, group: 7 };

describe("screener: a clean file", () => {
  it("passes with no FAIL and no WARNING", () => {
    expect(run(base())).toEqual([]);
  });
});

// [rule id, what is broken, mutation, expected row, expected column]
const cases: [string, string, (c: Case) => void, number?, string?][] = [
  ["r01_filename_spaces", "space in file name", (c) => (c.names = { data: "impact 919.csv", meta: "impact 919.meta.csv" })],
  ["r02_filename_special", "special character in file name", (c) => (c.names = { data: "impact#919.csv", meta: "impact#919.meta.csv" })],
  ["r03_filename_not_csv", "not a .csv", (c) => (c.names = { data: "impact_919.txt", meta: "impact_919.meta.csv" })],
  ["r03_filenames_match", "meta name does not match", (c) => (c.names.meta = "other.meta.csv")],
  ["r03_encoding", "invalid UTF-8", (c) => (c.rows[0][col(c, "la_name")] = "Hertfordshire\uFFFD")],
  ["ees_row_width", "row wider than header", (c) => c.rows[1].push("extra"), 3],
  ["r03_blank_row", "fully blank row", (c) => c.rows.splice(1, 0, HEAD.map(() => "")), 3],
  ["r04_meta_required_columns", "meta lacks filter_hint", (c) => {
    c.metaHead.splice(M.hint, 1);
    c.meta.forEach((m) => m.splice(M.hint, 1));
  }, 1, "filter_hint"],
  ["r05_meta_invalid_columns", "meta has an extra column", (c) => {
    c.metaHead.push("notes");
    c.meta.forEach((m) => m.push(""));
  }, 1, "notes"],
  ["r06_data_required_columns", "data lacks country_code", (c) => dropCol(c, "country_code"), 1, "country_code"],
  ["r07_col_to_rows", "more meta rows than data columns allow", (c) => {
    for (let i = 0; i < 7; i++) c.meta.push([`extra_${i}`, "Indicator", `Extra ${i}`, "", "", "0", "", ""]);
  }],
  ["r08_meta_not_in_data", "meta names a column the data lacks", (c) => c.meta.push(["n_places", "Indicator", "Places", "", "", "0", "", ""]), 6, "col_name"],
  ["r10_col_name_spaces", "space in a column name", (c) => {
    c.head[col(c, "n_pupils")] = "n pupils";
    metaRow(c, "n_pupils")[0] = "n pupils";
  }, 1, "n pupils"],
  ["r13_indicator_smushed", "indicator names a group", (c) => {
    c.head[col(c, "n_pupils")] = "n_female_pupils";
    metaRow(c, "n_pupils")[0] = "n_female_pupils";
  }, 4, "col_name"],
  ["r13_indicator_smushed", "indicator names a subject", (c) => {
    c.head[col(c, "mean_hours")] = "mean_hours_english";
    metaRow(c, "mean_hours")[0] = "mean_hours_english";
  }, 5, "col_name"],
  ["r15_meta_col_type", "col_type not Filter/Indicator", (c) => (metaRow(c, "n_pupils")[M.type] = "Measure"), 4, "col_type"],
  ["r16_meta_ob_unit", "geography column as a filter", (c) => c.meta.push(["la_name", "Filter", "LA", "", "", "", "", ""]), 6, "col_name"],
  ["r16_meta_ob_unit", "filter named like a geography column (rule 26's pattern)", (c) => {
    addCol(c, "school_id", ["a", "b"]);
    c.meta.push(["school_id", "Filter", "School id", "", "", "", "", ""]);
  }, 6],
  ["r17_meta_col_name_blank", "blank col_name", (c) => c.meta.push(["", "Indicator", "Blank", "", "", "0", "", ""]), 6, "col_name"],
  ["r18_meta_duplicate_label", "duplicate label", (c) => (metaRow(c, "mean_hours")[M.label] = "Pupils"), 5, "label"],
  ["r19_indicator_with_group", "indicator with a grouping column", (c) => (metaRow(c, "n_pupils")[M.group] = "subject"), 4, "filter_grouping_column"],
  ["r20_filter_group_duplicate", "two filters share a grouping column", (c) => {
    addCol(c, "group_col", ["a", "b"]);
    metaRow(c, "subject")[M.group] = "group_col";
    metaRow(c, "sex")[M.group] = "group_col";
  }, 3, "filter_grouping_column"],
  ["r23_groups_stripped", "groupings differ only in punctuation", (c) => (metaRow(c, "mean_hours")[M.grouping] = "Counts!"), undefined, "indicator_grouping"],
  ["r24_label_blank", "blank label", (c) => (metaRow(c, "n_pupils")[M.label] = ""), 4, "label"],
  ["r25_indicator_filter_hint", "indicator with a filter hint", (c) => (metaRow(c, "n_pupils")[M.hint] = "hint"), 4, "filter_hint"],
  ["r27_filter_dp", "filter with dp", (c) => (metaRow(c, "sex")[M.dp] = "0"), 3, "indicator_dp"],
  ["r29_col_name_duplicate", "duplicate col_name", (c) => c.meta.push(["n_pupils", "Indicator", "Pupils again", "", "", "0", "", ""]), 6, "col_name"],
  ["r31_indicator_dp_values", "dp not a whole number", (c) => (metaRow(c, "mean_hours")[M.dp] = "1.5"), 5, "indicator_dp"],
  ["r32_filter_unit", "filter with a unit", (c) => (metaRow(c, "sex")[M.unit] = "%"), 3, "indicator_unit"],
  ["r33_indicator_unit", "unknown unit", (c) => (metaRow(c, "mean_hours")[M.unit] = "hours"), 5, "indicator_unit"],
  ["r34_filter_grouping", "filter with an indicator grouping", (c) => (metaRow(c, "sex")[M.grouping] = "Counts"), 3, "indicator_grouping"],
  ["r35_time_period", "time_period not YYYY(zz)", (c) => (c.rows[2][0] = "2009/10"), 4, "time_period"],
  ["r36_time_identifier", "unknown time identifier", (c) => (c.rows[1][1] = "School year"), 3, "time_identifier"],
  ["r37_time_identifier_mix", "Academic year mixed with Autumn term", (c) => (c.rows[1][1] = "Autumn term"), undefined, "time_identifier"],
  ["r38_filter_single_value", "filter with one value", (c) => setAll(c, "sex", "Total"), undefined, "sex"],
  ["r39_geographic_level", "unknown level", (c) => (c.rows[0][2] = "County"), 2, "geographic_level"],
  ["r40_level_columns", "LA rows without la_name", (c) => dropCol(c, "la_name"), 1, "la_name"],
  ["r41_time_period_length", "Calendar year with a 6-digit period", (c) => setAll(c, "time_identifier", "Calendar year"), 2, "time_period"],
  ["r42_time_period_consecutive", "200920", (c) => setAll(c, "time_period", "200920"), 2, "time_period"],
  ["r44_filter_group_level", "group with more values than its filter", (c) => {
    addCol(c, "sex_group", ["a", "b", "c", "d"]);
    metaRow(c, "sex")[M.group] = "sex_group";
  }, 3, "filter_grouping_column"],
  ["r46_filter_whitespace", "filter value with a leading space", (c) => (c.rows[2][col(c, "sex")] = " Female"), 4, "sex"],
  ["r47_ob_unit_total", "Total in a geography column", (c) => (c.rows[0][col(c, "la_name")] = "Total"), 2, "la_name"],
  ["r48_filter_blank", "blank filter cell", (c) => (c.rows[3][col(c, "subject")] = ""), 5, "subject"],
  ["r49_geog_lookup", "LA name not in the lookup", (c) => setAll(c, "la_name", "Hertford"), 2, "new_la_code"],
  ["r49_geog_lookup", "region name not in the lookup", (c) => setAll(c, "region_name", "East"), 2, "region_code"],
  ["r49_geog_lookup", "old code does not match", (c) => setAll(c, "old_la_code", "918"), 2, "new_la_code"],
  ["r50_geog_level_completed", "blank old_la_code on an LA row", (c) => (c.rows[1][col(c, "old_la_code")] = ""), 3, "old_la_code"],
  ["r53_geog_partial_columns", "region_code without region_name", (c) => dropCol(c, "region_name"), 1, "region_name"],
  ["r55_geog_not_available", "code x with a real name", (c) => (c.rows[0][col(c, "region_code")] = "x"), 2, "region_code"],
  ["r56_geog_overcompleted", "National row with LA columns", (c) => c.rows.push([...GEO.slice(0, 2), "National", ...GEO.slice(3), "Total", "Total", "40", "11.0"]), 6, "old_la_code"],
  ["r57_duplicate_rows", "the same combination twice", (c) => c.rows.push([...c.rows[0]]), 6],
  ["r58_null_values", "NA in a cell", (c) => (c.rows[0][col(c, "mean_hours")] = "NA"), 2, "mean_hours"],
  ["r59_indicator_blank", "blank indicator", (c) => (c.rows[0][col(c, "n_pupils")] = ""), 2, "n_pupils"],
  ["r59_indicator_blank", "obsolete symbol :", (c) => (c.rows[0][col(c, "n_pupils")] = ":"), 2, "n_pupils"],
  ["ees_indicator_symbol", "thousands separator", (c) => (c.rows[0][col(c, "n_pupils")] = "1,234"), 2, "n_pupils"],
  ["ees_indicator_symbol", "percent sign", (c) => (c.rows[0][col(c, "mean_hours")] = "5%"), 2, "mean_hours"],
  ["ees_indicator_symbol", "unknown symbol", (c) => (c.rows[0][col(c, "n_pupils")] = "*"), 2, "n_pupils"],
  ["r03_empty_column", "a column empty in every row", (c) => addCol(c, "notes", [""]), 1, "notes"],
  ["r60_harmonised_names", "non-harmonised SEN filter name", (c) => {
    c.head[col(c, "sex")] = "sen_group";
    metaRow(c, "sex")[0] = "sen_group";
  }, undefined, "sen_group"],
];

describe("screener: each broken rule FAILs", () => {
  it.each(cases)("%s: %s", (rule, _what, mutate, row, column) => {
    const c = base();
    mutate(c);
    const fails = run(c).filter((r) => r.level === "FAIL");
    const hit = fails.find((r) => r.rule === rule);
    expect(hit, `expected ${rule}, got ${JSON.stringify(fails)}`).toBeDefined();
    if (row !== undefined) expect(hit!.row).toBe(row);
    if (column !== undefined) expect(hit!.column).toBe(column);
  });
});

describe("screener: warnings do not fail", () => {
  it("warns for a non-snake_case column and a missing Total", () => {
    const c = base();
    c.head[col(c, "n_pupils")] = "N_pupils";
    metaRow(c, "n_pupils")[0] = "N_pupils";
    c.rows[0][col(c, "sex")] = "Unknown";
    c.rows[1][col(c, "sex")] = "Unknown";
    const results = run(c);
    expect(results.filter((r) => r.level === "FAIL")).toEqual([]);
    expect(results.map((r) => r.rule)).toEqual(expect.arrayContaining(["r11_col_snake_case", "r43_filter_default"]));
  });
  it("accepts a synthetic LA only when its codes are given (settings.las)", () => {
    const c = base();
    setAll(c, "la_name", "Exampleshire");
    expect(run(c).some((r) => r.rule === "r49_geog_lookup")).toBe(true);
    const ok = screen(csv(c.head, c.rows), csv(c.metaHead, c.meta), c.names, { las: [{ old_code: "919", gss_code: "E10000015", name: "Exampleshire" }] });
    expect(ok.filter((r) => r.level === "FAIL")).toEqual([]);
  });
  it("stops at the first stage that FAILs, as eesyscreener does", () => {
    const c = base();
    c.names.meta = "other.meta.csv";
    c.rows[0][col(c, "n_pupils")] = "";
    const rules = run(c).map((r) => r.rule);
    expect(rules).toContain("r03_filenames_match");
    expect(rules).not.toContain("r59_indicator_blank");
  });
});
