// The eesyscreener port tested against the scenarios of eesyscreener's own tests
// (dfe-analytical-services/eesyscreener, tests/testthat/test-<check>.R and the fixtures in
// tests/testthat/{pass,fail,pass-warn-api}). Nothing of that repository is copied here: each
// upstream case is re-expressed with our own small inline data that sets up the same situation,
// and expects the same PASS / WARNING / FAIL; the comment on each block names the upstream test.
import { describe, expect, it } from "vitest";
import { parseGrid } from "../pipelines/export/csv.ts";
import { screeningSection } from "../pipelines/export/guidance.ts";
import { screen, screenReport, summarise, type ScreenSummary } from "../pipelines/export/screener.ts";
import {
  checkApiCharColLabel,
  checkApiCharColName,
  checkApiCharFilterItems,
  checkApiCharLocCode,
  checkDataDictColName,
  checkDataDictFilItem,
} from "../pipelines/export/screener/api.ts";
import {
  checkColIndSmushed,
  checkColNamesSpaces,
  checkColSnakeCase,
  checkColVarCharacteristic,
  checkColVarStart,
  precheckColInvalidMeta,
  precheckColReqData,
  precheckColReqMeta,
  precheckColToRows,
} from "../pipelines/export/screener/columns.ts";
import { precheckCrossDataToMeta, precheckCrossMetaToData } from "../pipelines/export/screener/cross.ts";
import { checkFilenameSpaces, checkFilenameSpecial, checkFilenamesMatch } from "../pipelines/export/screener/filenames.ts";
import {
  checkFilterBlanks,
  checkFilterDefaults,
  checkFilterGroupLevel,
  checkFilterItemLimit,
  checkFilterObTotal,
  checkFilterWhitespace,
  precheckFilterNotSingular,
} from "../pipelines/export/screener/filters.ts";
import { checkGeneralDupes, checkGeneralNull, checkIndInvalidEntry } from "../pipelines/export/screener/general.ts";
import {
  checkGeogCountryCombos,
  checkGeogIgnoredRows,
  checkGeogLaColPresent,
  checkGeogLaCombos,
  checkGeogLevelCompleted,
  checkGeogNa,
  checkGeogNaCode,
  checkGeogOtherCodeDupes,
  checkGeogOtherCombos,
  checkGeogOtherDupes,
  checkGeogOvercompletedCols,
  checkGeogRegionColPresent,
  checkGeogRegionCombos,
  checkGeogRegionForLa,
  precheckGeogLevel,
  precheckGeogLevelPresent,
} from "../pipelines/export/screener/geography.ts";
import {
  checkHarmonisedEthCharGrp,
  checkHarmonisedEthCharVals,
  checkHarmonisedEthVals,
  checkHarmonisedVariables,
} from "../pipelines/export/screener/harmonised.ts";
import {
  checkMetaColNameDupe,
  checkMetaColNameSpaces,
  checkMetaDupeLabel,
  checkMetaFilGrp,
  checkMetaFilGrpDupe,
  checkMetaFilGrpIsFil,
  checkMetaFilGrpMatch,
  checkMetaFilGrpStripped,
  checkMetaFilterHint,
  checkMetaGeogCatch,
  checkMetaIndDpSet,
  checkMetaIndDpValues,
  checkMetaIndicatorDp,
  checkMetaIndicatorGrouping,
  checkMetaIndUnit,
  checkMetaIndUnitValidation,
  checkMetaLabel,
  precheckMetaColName,
  precheckMetaColType,
  precheckMetaObUnit,
} from "../pipelines/export/screener/meta.ts";
import { DataTable, metaTable, type MetaTable } from "../pipelines/export/screener/table.ts";
import { checkTimePeriod, checkTimePeriodSix, precheckTimeIdMix, precheckTimeIdValid, precheckTimePeriodNum } from "../pipelines/export/screener/time.ts";

type Row = Record<string, string>;
const q = (v: string) => (/[",\n\r]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);
function csvOf(rows: Row[], columns = [...new Set(rows.flatMap(Object.keys))]): string {
  return [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ""))].map((r) => r.map(q).join(",")).join("\n") + "\n";
}
const data = (rows: Row[], columns?: string[]) => new DataTable(parseGrid(csvOf(rows, columns)));
const META_COLS = [
  "col_name",
  "col_type",
  "label",
  "indicator_grouping",
  "indicator_unit",
  "indicator_dp",
  "filter_hint",
  "filter_grouping_column",
  "filter_default",
];
const metaCsv = (rows: Row[], columns = META_COLS) => csvOf(rows, columns);
const meta = (rows: Row[], columns = META_COLS): MetaTable => metaTable(parseGrid(metaCsv(rows, columns)));

// Our stand-in for eesyscreener's example_data / example_meta: a National file with two filters
// (with non-Total defaults) and one count.
const NAT = { time_period: "202223", time_identifier: "Academic year", geographic_level: "National", country_code: "E92000001", country_name: "England" };
const GROUPS: [string, string, string][] = [
  ["Every subject", "All pupils", "500"],
  ["English", "All pupils", "260"],
  ["Maths", "All pupils", "240"],
  ["Every subject", "Girls", "250"],
  ["Every subject", "Boys", "250"],
  ["English", "Girls", "140"],
  ["English", "Boys", "120"],
  ["Maths", "Girls", "110"],
  ["Maths", "Boys", "130"],
];
const baseRows = (): Row[] => GROUPS.map(([subject, sex, n]) => ({ ...NAT, subject, sex, n_pupils: n }));
const baseMetaRows = (): Row[] => [
  { col_name: "subject", col_type: "Filter", label: "Subject", filter_default: "Every subject" },
  { col_name: "sex", col_type: "Filter", label: "Sex of pupil", filter_default: "All pupils" },
  { col_name: "n_pupils", col_type: "Indicator", label: "Number of pupils", indicator_dp: "0" },
];
const D = () => data(baseRows());
const M = () => meta(baseMetaRows());
const withMeta = (extra: Row[]) => meta([...baseMetaRows(), ...extra]);
const edit = (rows: Row[], i: number, patch: Row) => rows.map((r, k) => (k === i ? { ...r, ...patch } : r));
const all = (patch: Row) => baseRows().map((r) => ({ ...r, ...patch }));

describe("the example passes every check (test-*.R 'passes with example data', example_output)", () => {
  it("screen_csv passes with api_suitable on our example", () => {
    const r = screenReport(csvOf(baseRows()), metaCsv(baseMetaRows()), { data: "pupils.csv", meta: "pupils.meta.csv" });
    expect(r.results.filter((x) => x.result !== "PASS")).toEqual([]);
    expect([r.passed, r.apiSuitable, r.overallStage]).toEqual([true, true, "Passed"]);
  });
});

// test-check_filename_spaces.R, test-check_filename_special.R, test-check_filenames_match.R, test-screen_filenames.R
describe("filenames", () => {
  it.each([
    ["data.csv", "PASS"],
    ["my data.csv", "FAIL"],
    ["data .meta.csv", "FAIL"],
    [" data.csv", "FAIL"],
  ])("check_filename_spaces %s → %s", (f, want) => {
    expect(checkFilenameSpaces(f).result).toBe(want);
  });
  it.each([
    ["my-data_2.csv", "PASS"],
    ["my_data.meta.csv", "PASS"],
    ["data#.csv", "FAIL"],
    ["da+ta.meta.csv", "FAIL"],
    ["data'@.csv", "FAIL"],
    ["data.v2.csv", "FAIL"],
  ])("check_filename_special %s → %s", (f, want) => {
    expect(checkFilenameSpecial(f).result).toBe(want);
  });
  it.each([
    ["data.csv", "data.meta.csv", "PASS"],
    ["data.csv", "meta.csv", "FAIL"],
    ["data.csv", "data.csv", "FAIL"],
    ["data.csv", "data_meta.csv", "FAIL"],
    ["data.csv", "Data.meta.csv", "FAIL"],
  ])("check_filenames_match %s / %s → %s", (d, m, want) => {
    expect(checkFilenamesMatch(d, m).result).toBe(want);
  });
});

// test-precheck_col_req_meta.R, test-precheck_col_invalid_meta.R, test-precheck_col_req_data.R, test-precheck_col_to_rows.R
describe("precheck columns", () => {
  it("required metadata columns", () => {
    expect(precheckColReqMeta(M()).result).toBe("PASS");
    expect(
      precheckColReqMeta(
        meta(
          baseMetaRows(),
          META_COLS.filter((c) => c !== "label"),
        ),
      ).result,
    ).toBe("FAIL");
    expect(
      precheckColReqMeta(
        meta(
          baseMetaRows(),
          META_COLS.filter((c) => c !== "label" && c !== "col_type"),
        ),
      ).message,
    ).toContain("columns are missing");
  });
  it("invalid metadata columns (filter_default and parent_filter allowed)", () => {
    expect(precheckColInvalidMeta(meta(baseMetaRows(), [...META_COLS, "parent_filter"])).result).toBe("PASS");
    expect(precheckColInvalidMeta(meta(baseMetaRows(), [...META_COLS, "notes"])).result).toBe("FAIL");
  });
  it("required data columns", () => {
    expect(precheckColReqData(D()).result).toBe("PASS");
    expect(precheckColReqData(data(baseRows(), ["time_period", "time_identifier", "geographic_level", "country_code", "subject"])).result).toBe("FAIL");
  });
  it("no more metadata rows than data columns minus five", () => {
    expect(precheckColToRows(D(), M()).result).toBe("PASS");
    expect(precheckColToRows(D(), withMeta([{ col_name: "x1", col_type: "Indicator", label: "X1" }])).result).toBe("FAIL");
  });
});

// test-precheck_cross_meta_to_data.R, test-precheck_cross_data_to_meta.R
describe("precheck cross-file", () => {
  it("filters and grouping columns of the metadata are in the data", () => {
    expect(precheckCrossMetaToData(D(), M()).result).toBe("PASS");
    expect(precheckCrossMetaToData(D(), withMeta([{ col_name: "phase", col_type: "Filter", label: "Phase" }])).result).toBe("FAIL");
    expect(precheckCrossMetaToData(D(), meta(edit(baseMetaRows(), 0, { filter_grouping_column: "subject_group" }))).result).toBe("FAIL");
  });
  it("a data column outside the metadata warns only when it has more than one value and is not an observational unit", () => {
    expect(precheckCrossDataToMeta(data(baseRows().map((r, i) => ({ ...r, extra: String(i % 2) }))), M()).result).toBe("WARNING");
    expect(precheckCrossDataToMeta(data(baseRows().map((r) => ({ ...r, extra: "same" }))), M()).result).toBe("PASS");
    expect(precheckCrossDataToMeta(data(baseRows().map((r, i) => ({ ...r, region_code: String(i) }))), M()).result).toBe("PASS");
  });
});

// test-check_col_names_spaces.R, test-check_col_snake_case.R, test-check_col_var_start.R, test-check_col_ind_smushed.R, test-check_col_var_characteristic.R
describe("check columns", () => {
  const renamed = (from: string, to: string) => data(baseRows().map(({ [from]: v, ...r }) => ({ ...r, [to]: v })));
  it("spaces in column names fail", () => {
    expect(checkColNamesSpaces(D()).result).toBe("PASS");
    expect(checkColNamesSpaces(renamed("n_pupils", "n pupils")).result).toBe("FAIL");
  });
  it.each([
    ["n_pupils", "PASS"],
    ["N_pupils", "WARNING"],
    ["n-pupils", "WARNING"],
    ["N£pupils", "WARNING"],
  ])("snake case %s → %s", (name, want) => {
    expect(checkColSnakeCase(renamed("n_pupils", name)).result).toBe(want);
  });
  it.each([
    ["n_pupils", "PASS"],
    ["N_pupils", "WARNING"],
    ["1_pupils", "WARNING"],
    ["_pupils", "WARNING"],
  ])("variable start %s → %s", (name, want) => {
    expect(checkColVarStart(renamed("n_pupils", name)).result).toBe(want);
  });
  it("an indicator named with a filter entry fails, case-insensitively; a filter so named passes", () => {
    expect(checkColIndSmushed(M()).result).toBe("PASS");
    expect(checkColIndSmushed(withMeta([{ col_name: "pct_female", col_type: "Indicator", label: "F" }])).result).toBe("FAIL");
    expect(
      checkColIndSmushed(
        withMeta([
          { col_name: "n_White_pupils", col_type: "Indicator", label: "W" },
          { col_name: "n_pakistani", col_type: "Indicator", label: "P" },
        ]),
      ).result,
    ).toBe("FAIL");
    expect(checkColIndSmushed(withMeta([{ col_name: "english_level", col_type: "Filter", label: "E" }])).result).toBe("PASS");
  });
  it("characteristic / characteristic_group in the metadata warn", () => {
    expect(checkColVarCharacteristic(M()).result).toBe("PASS");
    expect(checkColVarCharacteristic(withMeta([{ col_name: "characteristic", col_type: "Filter", label: "C" }])).result).toBe("WARNING");
    expect(checkColVarCharacteristic(meta(edit(baseMetaRows(), 1, { filter_grouping_column: "characteristic_group" }))).result).toBe("WARNING");
  });
});

// test-precheck_meta_col_type.R, test-precheck_meta_ob_unit.R, test-precheck_meta_col_name.R
describe("precheck meta", () => {
  it("col_type", () => {
    expect(precheckMetaColType(M()).result).toBe("PASS");
    expect(precheckMetaColType(meta(edit(baseMetaRows(), 2, { col_type: "Measure" }))).result).toBe("FAIL");
    expect(precheckMetaColType(meta(edit(baseMetaRows(), 2, { col_type: "" }))).result).toBe("FAIL");
  });
  it("observational units in the metadata fail, school_name excepted", () => {
    expect(precheckMetaObUnit(M()).result).toBe("PASS");
    expect(precheckMetaObUnit(withMeta([{ col_name: "la_name", col_type: "Filter", label: "LA" }])).result).toBe("FAIL");
    expect(precheckMetaObUnit(meta(edit(baseMetaRows(), 0, { filter_grouping_column: "time_period" }))).result).toBe("FAIL");
    expect(precheckMetaObUnit(withMeta([{ col_name: "school_name", col_type: "Filter", label: "School" }])).result).toBe("PASS");
  });
  it("blank col_name", () => {
    expect(precheckMetaColName(M()).result).toBe("PASS");
    expect(precheckMetaColName(withMeta([{ col_name: " ", col_type: "Indicator", label: "B" }])).result).toBe("FAIL");
  });
});

// test-check_meta_*.R
describe("check meta", () => {
  it("duplicate labels (test-check_meta_dupe_label.R)", () => {
    expect(checkMetaDupeLabel(M()).result).toBe("PASS");
    expect(checkMetaDupeLabel(meta(edit(baseMetaRows(), 2, { label: "Subject" }))).result).toBe("FAIL");
  });
  it("indicator with a grouping column (test-check_meta_fil_grp.R)", () => {
    expect(checkMetaFilGrp(M()).result).toBe("PASS");
    expect(checkMetaFilGrp(meta(edit(baseMetaRows(), 2, { filter_grouping_column: "subject" }))).result).toBe("FAIL");
  });
  it("duplicate grouping columns (test-check_meta_fil_grp_dupe.R)", () => {
    expect(checkMetaFilGrpDupe(M()).result).toBe("PASS");
    expect(checkMetaFilGrpDupe(meta(edit(baseMetaRows(), 0, { filter_grouping_column: "phase" }))).result).toBe("PASS");
    expect(checkMetaFilGrpDupe(meta(edit(edit(baseMetaRows(), 0, { filter_grouping_column: "g" }), 1, { filter_grouping_column: "g" }))).result).toBe("FAIL");
  });
  it("grouping column without its own row warns (test-check_meta_fil_grp_is_fil.R)", () => {
    const m = meta(edit(baseMetaRows(), 1, { filter_grouping_column: "sex_group" }));
    expect(checkMetaFilGrpIsFil(m).result).toBe("WARNING");
    expect(
      checkMetaFilGrpIsFil(
        meta([...edit(baseMetaRows(), 1, { filter_grouping_column: "sex_group" }), { col_name: "sex_group", col_type: "Filter", label: "Sex group" }]),
      ).result,
    ).toBe("PASS");
    expect(checkMetaFilGrpIsFil(M()).result).toBe("PASS");
  });
  it("grouping column missing from the data (test-check_meta_fil_grp_match.R)", () => {
    const m = meta(edit(baseMetaRows(), 1, { filter_grouping_column: "sex_group" }));
    expect(checkMetaFilGrpMatch(D(), m).result).toBe("FAIL");
    expect(checkMetaFilGrpMatch(data(baseRows().map((r) => ({ ...r, sex_group: r.sex === "All pupils" ? "All" : "Split" }))), m).result).toBe("PASS");
  });
  it("grouping values that collide once punctuation is stripped (test-check_meta_fil_grp_stripped.R)", () => {
    const m = meta(edit(baseMetaRows(), 0, { filter_grouping_column: "subject_kind" }));
    const kinds = (a: string, b: string) => data(baseRows().map((r) => ({ ...r, subject_kind: r.subject === "English" ? a : b })));
    expect(checkMetaFilGrpStripped(kinds("Core - literacy", "Core numeracy"), m).result).toBe("PASS");
    expect(checkMetaFilGrpStripped(kinds("Core-subject", "Core subject"), m).result).toBe("FAIL");
  });
  it("blank labels: '', and a single space (test-check_meta_label.R)", () => {
    expect(checkMetaLabel(M()).result).toBe("PASS");
    expect(checkMetaLabel(meta(edit(baseMetaRows(), 2, { label: "" }))).result).toBe("FAIL");
    expect(checkMetaLabel(meta(edit(baseMetaRows(), 2, { label: " " }))).result).toBe("FAIL");
  });
  it("indicator with a filter hint (test-check_meta_filter_hint.R, pass/filter_hint_indicator_bug)", () => {
    expect(checkMetaFilterHint(meta(edit(baseMetaRows(), 0, { filter_hint: "Filter by subject" }))).result).toBe("PASS");
    expect(checkMetaFilterHint(meta(edit(baseMetaRows(), 2, { filter_hint: "hint" }))).result).toBe("FAIL");
  });
  it.each([
    ["region", "FAIL"],
    ["la_code", "FAIL"],
    ["School_URN", "FAIL"],
    ["provider_name", "FAIL"],
    ["pupil_group", "PASS"],
    ["local_offer", "PASS"],
  ])("filter named like a geography column: %s → %s (test-check_meta_geog_catch.R)", (name, want) => {
    expect(checkMetaGeogCatch(withMeta([{ col_name: name, col_type: "Filter", label: name }])).result).toBe(want);
  });
  it("school_name as the only filter is not caught (test-check_meta_geog_catch.R)", () => {
    expect(
      checkMetaGeogCatch(
        meta([
          { col_name: "school_name", col_type: "Filter", label: "School" },
          { col_name: "n_pupils", col_type: "Indicator", label: "N" },
        ]),
      ).result,
    ).toBe("PASS");
  });
  it("filter with indicator_dp / indicator_unit / indicator_grouping (test-check_meta_indicator_dp.R, _ind_unit.R, _indicator_grouping.R)", () => {
    expect(checkMetaIndicatorDp(meta(edit(baseMetaRows(), 0, { indicator_dp: "0" }))).result).toBe("FAIL");
    expect(checkMetaIndUnit(meta(edit(baseMetaRows(), 0, { indicator_unit: "%" }))).result).toBe("FAIL");
    expect(checkMetaIndicatorGrouping(meta(edit(baseMetaRows(), 0, { indicator_grouping: "Counts" }))).result).toBe("FAIL");
    for (const check of [checkMetaIndicatorDp, checkMetaIndUnit, checkMetaIndicatorGrouping]) expect(check(M()).result).toBe("PASS");
  });
  it("col_name spaces and duplicates (test-check_meta_col_name_spaces.R, _dupe.R)", () => {
    expect(checkMetaColNameSpaces(meta(edit(baseMetaRows(), 2, { col_name: "n pupils" }))).result).toBe("FAIL");
    expect(checkMetaColNameDupe(withMeta([{ col_name: "n_pupils", col_type: "Indicator", label: "Again" }])).result).toBe("FAIL");
    expect(checkMetaColNameSpaces(M()).result).toBe("PASS");
    expect(checkMetaColNameDupe(M()).result).toBe("PASS");
  });
  it("indicator_dp set (warning) and its values (test-check_meta_ind_dp_set.R, _ind_dp_values.R)", () => {
    expect(checkMetaIndDpSet(meta(edit(baseMetaRows(), 2, { indicator_dp: "" }))).result).toBe("WARNING");
    expect(checkMetaIndDpSet(M()).result).toBe("PASS");
    for (const [dp, want] of [
      ["2", "PASS"],
      ["1.0", "PASS"],
      ["1.5", "FAIL"],
      ["-1", "FAIL"],
      ["one", "FAIL"],
    ]) {
      expect(checkMetaIndDpValues(meta(edit(baseMetaRows(), 2, { indicator_dp: dp }))).result, dp).toBe(want);
    }
    expect(checkMetaIndDpValues(meta(edit(baseMetaRows(), 2, { indicator_dp: "" }))).result).toBe("PASS");
  });
  it.each([
    ["%", "PASS"],
    ["£m", "PASS"],
    ["numberstring", "PASS"],
    ["", "PASS"],
    ["pupils", "FAIL"],
    ["£k", "FAIL"],
  ])("indicator_unit %s → %s (test-check_meta_ind_unit_validation.R, pass/indicator_units_should_pass)", (unit, want) => {
    expect(checkMetaIndUnitValidation(meta(edit(baseMetaRows(), 2, { indicator_unit: unit }))).result).toBe(want);
  });
});

// test-precheck_time_period_num.R, test-precheck_time_id_valid.R, test-precheck_time_id_mix.R, test-check_time_period.R, test-check_time_period_six.R
describe("time", () => {
  it.each([
    ["202223", "PASS"],
    ["2022", "PASS"],
    ["2022/23", "FAIL"],
    ["20223", "FAIL"],
    ["", "FAIL"],
  ])("time_period %s → %s", (tp, want) => {
    expect(precheckTimePeriodNum(data(edit(baseRows(), 3, { time_period: tp }))).result).toBe(want);
  });
  it.each([
    ["Academic year", "PASS"],
    ["Week 52", "PASS"],
    ["Week 53", "FAIL"],
    ["academic year", "FAIL"],
    ["", "FAIL"],
  ])("time_identifier %s → %s", (ti, want) => {
    expect(precheckTimeIdValid(data(all({ time_identifier: ti }))).result).toBe(want);
  });
  it("mixing identifiers (time_identifier_mix, financial_quarter, financial_half)", () => {
    const mix = (a: string, b: string) => precheckTimeIdMix(data(baseRows().map((r, i) => ({ ...r, time_identifier: i % 2 ? b : a })))).result;
    expect(mix("Academic year", "Autumn term")).toBe("FAIL");
    expect(mix("Autumn term", "Summer term")).toBe("PASS");
    expect(mix("Financial year Q1", "Financial year Q4")).toBe("PASS");
    expect(mix("Part 1 (April to September)", "Part 2 (October to March)")).toBe("PASS");
    expect(mix("January", "Week 3")).toBe("FAIL");
  });
  it("period length fits the identifier", () => {
    expect(checkTimePeriod(D()).result).toBe("PASS");
    expect(checkTimePeriod(data(all({ time_identifier: "Calendar year" }))).result).toBe("FAIL");
    expect(checkTimePeriod(data(all({ time_identifier: "Financial year", time_period: "2022" }))).result).toBe("FAIL");
    expect(checkTimePeriod(data(all({ time_identifier: "March", time_period: "2022" }))).result).toBe("PASS");
  });
  it.each([
    ["202223", "PASS"],
    ["199900", "PASS"],
    ["202224", "FAIL"],
    ["202122", "PASS"],
  ])("six digit %s → %s", (tp, want) => {
    expect(checkTimePeriodSix(data(all({ time_period: tp }))).result).toBe(want);
  });
});

// test-precheck_filter_not_singular.R, test-check_filter_*.R
describe("filters", () => {
  it("a filter with one value fails", () => {
    expect(precheckFilterNotSingular(D(), M()).result).toBe("PASS");
    expect(precheckFilterNotSingular(data(all({ sex: "All pupils" })), M()).result).toBe("FAIL");
    expect(precheckFilterNotSingular(D(), meta([{ col_name: "n_pupils", col_type: "Indicator", label: "N" }])).result).toBe("PASS");
  });
  it("defaults: Total or filter_default, grouping columns need Total (test 'test filter default combinations')", () => {
    expect(checkFilterDefaults(D(), M()).result).toBe("PASS");
    expect(checkFilterDefaults(D(), meta(baseMetaRows().map((r) => ({ ...r, filter_default: "" })))).result).toBe("WARNING");
    expect(
      checkFilterDefaults(
        data(baseRows().map((r) => ({ ...r, sex: r.sex === "All pupils" ? "Total" : r.sex }))),
        meta(edit(baseMetaRows(), 1, { filter_default: "" })),
      ).result,
    ).toBe("PASS");
    const grouped = meta(edit(baseMetaRows(), 1, { filter_grouping_column: "sex_group" }));
    expect(checkFilterDefaults(data(baseRows().map((r) => ({ ...r, sex_group: r.sex === "All pupils" ? "Total" : "Split" }))), grouped).result).toBe("PASS");
    expect(checkFilterDefaults(data(baseRows().map((r) => ({ ...r, sex_group: r.sex === "All pupils" ? "All" : "Split" }))), grouped).result).toBe("WARNING");
  });
  it("a group with more levels than its filter fails", () => {
    const grouped = meta(edit(baseMetaRows(), 0, { filter_grouping_column: "subject_group" }));
    expect(checkFilterGroupLevel(data(baseRows().map((r) => ({ ...r, subject_group: r.subject === "Maths" ? "Numeracy" : "Other" }))), grouped).result).toBe(
      "PASS",
    );
    expect(checkFilterGroupLevel(data(baseRows().map((r, i) => ({ ...r, subject_group: `g${i}` }))), grouped).result).toBe("FAIL");
    expect(checkFilterGroupLevel(D(), M()).result).toBe("PASS");
  });
  it("item limit (the limit is a parameter upstream too)", () => {
    expect(checkFilterItemLimit(D(), M(), 3).result).toBe("PASS");
    expect(checkFilterItemLimit(D(), M(), 2).result).toBe("FAIL");
  });
  it("leading or trailing whitespace in a filter value", () => {
    expect(checkFilterWhitespace(D(), M()).result).toBe("PASS");
    expect(checkFilterWhitespace(data(edit(baseRows(), 1, { subject: "English " })), M()).result).toBe("FAIL");
    expect(checkFilterWhitespace(data(edit(edit(baseRows(), 1, { subject: " English" }), 3, { sex: "Girls  " })), M()).message).toMatch(/^2 filter label/);
  });
  it.each(["Total", "All", "total", "all"])("'%s' in an observational unit column fails", (v) => {
    expect(
      checkFilterObTotal(
        data(baseRows().map((r, i) => ({ ...r, geographic_level: "Regional", region_code: i === 0 ? v : "E12000001", region_name: "North East" }))),
        M(),
      ).result,
    ).toBe("FAIL");
  });
  it("ob-unit totals: regex-named columns count; school_name exempt only as the only filter", () => {
    expect(checkFilterObTotal(D(), M()).result).toBe("PASS");
    expect(checkFilterObTotal(data(baseRows().map((r) => ({ ...r, lep_id: "Total" }))), M()).result).toBe("FAIL");
    const schools = data([
      { ...NAT, geographic_level: "School", school_name: "Total", n_pupils: "5" },
      { ...NAT, geographic_level: "School", school_name: "Oak", n_pupils: "5" },
    ]);
    expect(
      checkFilterObTotal(
        schools,
        meta([
          { col_name: "school_name", col_type: "Filter", label: "School" },
          { col_name: "n_pupils", col_type: "Indicator", label: "N" },
        ]),
      ).result,
    ).toBe("PASS");
    expect(
      checkFilterObTotal(
        schools,
        meta([
          { col_name: "school_name", col_type: "Filter", label: "School" },
          { col_name: "other", col_type: "Filter", label: "O" },
          { col_name: "n_pupils", col_type: "Indicator", label: "N" },
        ]),
      ).result,
    ).toBe("FAIL");
  });
  it("blank filter or group cells fail", () => {
    expect(checkFilterBlanks(D(), M()).result).toBe("PASS");
    expect(checkFilterBlanks(data(edit(baseRows(), 4, { sex: "" })), M()).result).toBe("FAIL");
    const grouped = meta(edit(baseMetaRows(), 0, { filter_grouping_column: "subject_group" }));
    expect(checkFilterBlanks(data(baseRows().map((r, i) => ({ ...r, subject_group: i === 2 ? "" : "G" }))), grouped).result).toBe("FAIL");
  });
});

// test-precheck_geog_level.R, test-precheck_geog_level_present.R, test-check_geog_*.R
describe("geography", () => {
  const la = {
    geographic_level: "Local authority",
    region_code: "E12000006",
    region_name: "East of England",
    old_la_code: "919",
    new_la_code: "E10000015",
    la_name: "Hertfordshire",
  };
  const laRows = (patch: Row = {}) => baseRows().map((r) => ({ ...r, ...la, ...patch }));
  it("levels", () => {
    expect(precheckGeogLevel(D()).result).toBe("PASS");
    expect(precheckGeogLevel(data(edit(baseRows(), 0, { geographic_level: "County" }))).result).toBe("FAIL");
    expect(precheckGeogLevelPresent(D()).result).toBe("PASS");
    expect(precheckGeogLevelPresent(data(laRows())).result).toBe("PASS");
    expect(precheckGeogLevelPresent(data(laRows().map(({ la_name: _, ...r }) => r))).result).toBe("FAIL");
  });
  it("country and region combinations, with x skipped and z + universal names allowed", () => {
    expect(checkGeogCountryCombos(D()).result).toBe("PASS");
    expect(checkGeogCountryCombos(data(all({ country_name: "england" }))).result).toBe("FAIL");
    expect(checkGeogCountryCombos(data(all({ country_code: "x", country_name: "Anything" }))).result).toBe("PASS");
    expect(checkGeogCountryCombos(data(all({ country_code: "z", country_name: "Outside of the United Kingdom" }))).result).toBe("PASS");
    expect(checkGeogRegionCombos(data(laRows())).result).toBe("PASS");
    expect(checkGeogRegionCombos(data(laRows({ region_name: "East" }))).result).toBe("FAIL");
    expect(checkGeogRegionCombos(data(laRows({ region_code: "E13000001", region_name: "Inner London" }))).result).toBe("PASS");
  });
  it("LA combinations (old code, new code, name); x and blank codes skipped", () => {
    expect(checkGeogLaCombos(data(laRows())).result).toBe("PASS");
    expect(checkGeogLaCombos(data(laRows({ old_la_code: "918" }))).result).toBe("FAIL");
    expect(checkGeogLaCombos(data(laRows({ new_la_code: "x", la_name: "Nowhere" }))).result).toBe("PASS");
    expect(checkGeogLaCombos(data(laRows({ old_la_code: "" }))).result).toBe("PASS");
    expect(checkGeogLaCombos(data(laRows({ la_name: "Exampleshire" })), [{ old_code: "919", gss_code: "E10000015", name: "Exampleshire" }]).result).toBe(
      "PASS",
    );
  });
  it("ward/PCon/LAD/LEP/LSIP/EDA combinations against a given lookup, and a warning where none is held", () => {
    const lad = data(baseRows().map((r) => ({ ...r, geographic_level: "Local authority district", lad_code: "E07000240", lad_name: "St Albans" })));
    const [, , ladResult] = checkGeogOtherCombos(lad, { lad: new Map([["E07000240", ["St Albans"]]]) }).slice(0);
    expect(ladResult.result).toBe("PASS");
    expect(checkGeogOtherCombos(lad, { lad: new Map([["E07000240", ["St. Albans"]]]) })[2].result).toBe("FAIL");
    expect(checkGeogOtherCombos(lad)[2].result).toBe("WARNING");
    expect(checkGeogOtherCombos(D()).every((r) => r.result === "PASS")).toBe(true);
  });
  it("level columns completed (new_la_code may be blank)", () => {
    expect(checkGeogLevelCompleted(data(laRows())).result).toBe("PASS");
    expect(checkGeogLevelCompleted(data(laRows({ new_la_code: "" }))).result).toBe("PASS");
    expect(checkGeogLevelCompleted(data(edit(laRows(), 3, { la_name: "" }))).result).toBe("FAIL");
    expect(checkGeogLevelCompleted(data(edit(laRows(), 3, { old_la_code: "" }))).result).toBe("FAIL");
  });
  it("ignored rows", () => {
    const at = (levels: string[]) =>
      data(
        levels.map((l, i) => ({
          ...NAT,
          geographic_level: l,
          school_urn: "1",
          school_name: "S",
          school_laestab: "1",
          provider_ukprn: "1",
          provider_name: "P",
          institution_id: "1",
          institution_name: "I",
          n_pupils: String(i),
        })),
      );
    expect(checkGeogIgnoredRows(D()).result).toBe("PASS");
    expect(checkGeogIgnoredRows(at(["School", "School"])).result).toBe("PASS");
    expect(checkGeogIgnoredRows(at(["Provider"])).result).toBe("PASS");
    expect(checkGeogIgnoredRows(at(["Institution", "Planning area"])).result).toBe("FAIL");
    expect(checkGeogIgnoredRows(at(["National", "School"])).result).toBe("PASS");
    expect(checkGeogIgnoredRows(at(["School", "Provider"])).result).toBe("FAIL");
  });
  it("MAT / Sponsor / Opportunity area names and codes one-to-one (test-check_geog_other_dupes.R, _other_code_dupes.R)", () => {
    const mat = (pairs: [string, string][]) =>
      data(pairs.map(([trust_id, trust_name], i) => ({ ...NAT, geographic_level: "MAT", trust_id, trust_name, n_pupils: String(i) })));
    expect(
      checkGeogOtherDupes(
        mat([
          ["1", "A"],
          ["2", "B"],
        ]),
      ).result,
    ).toBe("PASS");
    expect(
      checkGeogOtherDupes(
        mat([
          ["1", "A"],
          ["2", "A"],
        ]),
      ).result,
    ).toBe("FAIL");
    expect(
      checkGeogOtherCodeDupes(
        mat([
          ["1", "A"],
          ["1", "B"],
        ]),
      ).result,
    ).toBe("FAIL");
    expect(
      checkGeogOtherCodeDupes(
        mat([
          ["", "A"],
          ["", "B"],
        ]),
      ).result,
    ).toBe("PASS");
  });
  it("LA / region columns come together", () => {
    expect(checkGeogLaColPresent(D()).result).toBe("PASS");
    expect(checkGeogLaColPresent(data(laRows().map(({ old_la_code: _, ...r }) => r))).result).toBe("FAIL");
    expect(checkGeogRegionColPresent(data(laRows().map(({ region_name: _, ...r }) => r))).result).toBe("FAIL");
  });
  it("region for LA rows warns when missing", () => {
    expect(checkGeogRegionForLa(data(laRows())).result).toBe("PASS");
    expect(checkGeogRegionForLa(data(laRows({ region_code: "", region_name: "" }))).result).toBe("WARNING");
    expect(checkGeogRegionForLa(data(laRows().map(({ region_code: _, region_name: __, ...r }) => r))).result).toBe("WARNING");
  });
  it("x goes with Not available at the tested levels; National and Regional are not tested (test-check_geog_na.R, _na_code.R)", () => {
    const school = (urn: string, name: string) =>
      data([{ ...NAT, geographic_level: "School", school_urn: urn, school_name: name, school_laestab: "1", n_pupils: "5" }]);
    expect(checkGeogNa(school("x", "Not available")).result).toBe("PASS");
    expect(checkGeogNa(school("x", "Oak School")).result).toBe("FAIL");
    expect(checkGeogNaCode(school("100", "Not available")).result).toBe("FAIL");
    expect(checkGeogNa(data(all({ country_code: "x", country_name: "Somewhere" }))).result).toBe("PASS");
  });
  it("geography columns filled on rows of other levels fail (test-check_geog_overcompleted_cols.R)", () => {
    const mixed = [...baseRows().slice(0, 1), ...laRows().slice(1)];
    expect(checkGeogOvercompletedCols(data(mixed), M()).result).toBe("PASS");
    expect(checkGeogOvercompletedCols(data(edit(mixed, 0, { region_code: "E12000006" })), M()).result).toBe("FAIL");
    expect(checkGeogOvercompletedCols(data(edit(mixed, 0, { region_code: "E12000006", la_name: "Hertfordshire" })), M()).message).toMatch(
      /columns are completed/,
    );
    const withLep = data([
      ...mixed.slice(0, 3),
      {
        ...mixed[3],
        geographic_level: "Local enterprise partnership",
        local_enterprise_partnership_code: "E37000001",
        local_enterprise_partnership_name: "A LEP",
        region_code: "",
        region_name: "",
        old_la_code: "",
        new_la_code: "",
        la_name: "",
      },
      ...mixed.slice(4).map((r) => ({ ...r, local_enterprise_partnership_code: "E37000001" })),
    ]);
    expect(checkGeogOvercompletedCols(withLep, M()).result).toBe("FAIL");
  });
});

// test-check_general_dupes.R, test-check_general_null.R, test-check_ind_invalid_entry.R
describe("general and indicators", () => {
  it("duplicate rows over time, geography and filters", () => {
    expect(checkGeneralDupes(D(), M()).result).toBe("PASS");
    expect(checkGeneralDupes(data([...baseRows(), { ...baseRows()[4], n_pupils: "1" }]), M()).result).toBe("FAIL");
    const twice = data([...baseRows(), baseRows()[1], baseRows()[2]]);
    expect(checkGeneralDupes(twice, M()).message).toMatch(/are 2 duplicate rows/);
  });
  it("filter group columns are part of the key", () => {
    const rows = [...baseRows().map((r) => ({ ...r, g: "a" })), ...baseRows().map((r) => ({ ...r, g: "b" }))];
    expect(checkGeneralDupes(data(rows), meta(edit(baseMetaRows(), 0, { filter_grouping_column: "g" }))).result).toBe("PASS");
    expect(checkGeneralDupes(data(rows), M()).result).toBe("FAIL");
  });
  it("School rows are left out unless the file is School-only", () => {
    const school = {
      ...NAT,
      geographic_level: "School",
      school_urn: "1",
      school_name: "Oak",
      school_laestab: "1",
      subject: "English",
      sex: "Girls",
      n_pupils: "3",
    };
    expect(checkGeneralDupes(data([...baseRows(), school, school]), M()).result).toBe("PASS");
    expect(checkGeneralDupes(data([school, school]), M()).result).toBe("FAIL");
  });
  it.each([
    ["NA", "FAIL"],
    ["null", "FAIL"],
    ["NULL", "FAIL"],
    ["N/A", "WARNING"],
    ["..", "WARNING"],
    ["-", "WARNING"],
    ["c", "PASS"],
    ["-3", "PASS"],
  ])("cell %s → %s", (v, want) => {
    expect(checkGeneralNull(data(edit(baseRows(), 2, { n_pupils: v })), M()).result).toBe(want);
  });
  it("NULL symbols in the metadata fail; legacy symbols there do not warn", () => {
    expect(checkGeneralNull(D(), meta(edit(baseMetaRows(), 0, { filter_hint: "NA" }))).result).toBe("FAIL");
    expect(checkGeneralNull(D(), meta(edit(baseMetaRows(), 0, { filter_hint: "N/A" }))).result).toBe("PASS");
  });
  it.each([
    ["", "FAIL"],
    ["~", "FAIL"],
    [":", "FAIL"],
    ["x", "PASS"],
    ["low", "PASS"],
  ])("indicator cell '%s' → %s", (v, want) => {
    expect(checkIndInvalidEntry(data(edit(baseRows(), 6, { n_pupils: v })), M()).result).toBe(want);
  });
});

// test-check_harmonised_variables.R, test-check_harmonised_eth_*.R
describe("harmonised", () => {
  it("column names under the harmonised standards, filters and indicators alike", () => {
    expect(checkHarmonisedVariables(M()).result).toBe("PASS");
    expect(checkHarmonisedVariables(withMeta([{ col_name: "ethnic_group", col_type: "Filter", label: "E" }])).result).toBe("FAIL");
    expect(
      checkHarmonisedVariables(
        withMeta([
          { col_name: "sen_type", col_type: "Filter", label: "S" },
          { col_name: "ethnic_group", col_type: "Filter", label: "E" },
        ]),
      ).message,
    ).toMatch(/columns 'sen_type', 'ethnic_group'/);
    expect(checkHarmonisedVariables(withMeta([{ col_name: "bal_sen_t", col_type: "Indicator", label: "B" }])).result).toBe("FAIL");
    expect(
      checkHarmonisedVariables(
        withMeta([
          { col_name: "sen_provision", col_type: "Filter", label: "S" },
          { col_name: "ethnicity_major", col_type: "Filter", label: "E" },
        ]),
      ).result,
    ).toBe("PASS");
    expect(checkHarmonisedVariables(meta(edit(baseMetaRows(), 0, { filter_grouping_column: "School_Type_group" }))).result).toBe("FAIL");
  });
  it("ethnicity values, alone and as major/minor pairs (warnings)", () => {
    const eth = (major: string, minor?: string) =>
      data(
        baseRows().map((r, i) => ({
          ...r,
          ethnicity_major: i === 0 ? major : "Total",
          ...(minor === undefined ? {} : { ethnicity_minor: i === 0 ? minor : "Total" }),
        })),
      );
    expect(checkHarmonisedEthVals(D()).result).toBe("PASS");
    expect(checkHarmonisedEthVals(eth("Asian / Asian British")).result).toBe("PASS");
    expect(checkHarmonisedEthVals(eth("Asian")).result).toBe("WARNING");
    expect(checkHarmonisedEthVals(eth("Black/African/Caribbean/Black British", "Caribbean")).result).toBe("PASS");
    expect(checkHarmonisedEthVals(eth("White", "Caribbean")).result).toBe("WARNING");
  });
  it("characteristic_group / characteristic for ethnicity", () => {
    const ch = (group: string, value: string) =>
      data(baseRows().map((r, i) => ({ ...r, characteristic_group: i === 0 ? group : "Total", characteristic: i === 0 ? value : "Total" })));
    expect(checkHarmonisedEthCharGrp(ch("Ethnicity Major", "White")).result).toBe("PASS");
    expect(checkHarmonisedEthCharGrp(ch("Gender and Minority Ethnic", "White")).result).toBe("PASS");
    expect(checkHarmonisedEthCharGrp(ch("Ethnic group", "White")).result).toBe("FAIL");
    expect(checkHarmonisedEthCharVals(ch("Ethnicity Minor", "Indian")).result).toBe("PASS");
    expect(checkHarmonisedEthCharVals(ch("Ethnicity Minor", "Indian subcontinent")).result).toBe("WARNING");
  });
});

// test-check_api_char_limit.R, test-check_data_dictionary.R, pass-warn-api/*
describe("API", () => {
  const long = "a".repeat(51);
  it("character limits warn", () => {
    expect(checkApiCharColName(D()).result).toBe("PASS");
    expect(checkApiCharColName(data(baseRows().map((r) => ({ ...r, [long]: "1" })))).result).toBe("WARNING");
    expect(checkApiCharColLabel(meta(edit(baseMetaRows(), 2, { label: "L".repeat(101) }))).result).toBe("WARNING");
    expect(checkApiCharColLabel(meta(edit(baseMetaRows(), 2, { label: "L".repeat(100) }))).result).toBe("PASS");
    expect(checkApiCharLocCode(data(all({ country_code: "E".repeat(31) }))).result).toBe("WARNING");
    expect(checkApiCharFilterItems(data(edit(baseRows(), 1, { subject: "S".repeat(121) })), M()).result).toBe("WARNING");
    expect(checkApiCharFilterItems(data(all({ country_name: "N".repeat(121) })), M()).result).toBe("WARNING");
  });
  it("a long name passes the screener but is not API-suitable (pass-warn-api/variable_name_length)", () => {
    const rows = baseRows().map((r) => ({ ...r, [long]: r.sex === "Girls" ? "1" : "2" }));
    const r = screenReport(csvOf(rows), metaCsv([...baseMetaRows(), { col_name: long, col_type: "Indicator", label: "Long", indicator_dp: "0" }]), {
      data: "d.csv",
      meta: "d.meta.csv",
    });
    expect([r.passed, r.apiSuitable]).toEqual([true, false]);
  });
  it("data dictionary col_names and filter items, when a dictionary is given", () => {
    const dd = [
      { col_name: "sex", col_type: "Filter", filter_item: "Girls" },
      { col_name: "sex", col_type: "Filter", filter_item: "Boys" },
      { col_name: "sex", col_type: "Filter", filter_item: "All pupils" },
      { col_name: "n_pupils", col_type: "Indicator" },
    ];
    expect(checkDataDictColName(M(), dd).result).toBe("WARNING"); // subject is not in it
    expect(checkDataDictColName(meta(baseMetaRows().slice(1)), dd).result).toBe("PASS");
    expect(checkDataDictFilItem(D(), M(), dd).result).toBe("PASS");
    expect(checkDataDictFilItem(data(edit(baseRows(), 3, { sex: "Female" })), M(), dd).result).toBe("WARNING");
    expect(checkDataDictFilItem(D(), meta(baseMetaRows().slice(0, 1)), dd).result).toBe("PASS");
  });
});

// test-screen_csv.R, test-screen_dfs.R, test-zzz_integration.R: the stages stop at the first FAIL.
describe("screen_csv: stages", () => {
  const names = { data: "pupils.csv", meta: "pupils.meta.csv" };
  it("a filename failure stops before the data checks (fail/filename spaces)", () => {
    const r = screenReport(csvOf(edit(baseRows(), 0, { n_pupils: "" })), metaCsv(baseMetaRows()), { data: "my pupils.csv", meta: "my pupils.meta.csv" });
    expect(r.overallStage).toBe("filename checks");
    expect(r.results.some((x) => x.check === "ind_invalid_entry")).toBe(false);
  });
  it("a failing stage reports its stage and passed = FALSE (fail/blanks_indicators)", () => {
    const r = screenReport(csvOf(edit(baseRows(), 0, { n_pupils: "" })), metaCsv(baseMetaRows()), names);
    expect([r.passed, r.overallStage]).toEqual([false, "Check indicators checks"]);
  });
  it("a file that is not .csv fails at file read (fail/invalid_type)", () => {
    expect(screenReport(csvOf(baseRows()), metaCsv(baseMetaRows()), { data: "pupils.txt", meta: "pupils.meta.txt" }).overallStage).toBe("File read checks");
  });
  it("the data dictionary checks are reported as not run when no dictionary is given", () => {
    expect(screenReport(csvOf(baseRows()), metaCsv(baseMetaRows()), names).notRun.join(" ")).toMatch(/data_dict_col_name/);
  });
  it.each([
    [
      "an indicator named for a group (fail/indicators_smushed)",
      (rows: Row[], m: Row[]) => [rows.map(({ n_pupils, ...r }) => ({ ...r, n_female: n_pupils })), edit(m, 2, { col_name: "n_female" })],
      "col_ind_smushed",
    ],
    [
      "a National row filling LA columns (fail/overcompleted_cols)",
      (rows: Row[], m: Row[]) => [edit(rows, 0, { region_code: "E12000006", region_name: "East of England" }), m],
      "geog_overcompleted_cols",
    ],
    ["Total as a level (fail/total)", (rows: Row[], m: Row[]) => [edit(rows, 0, { geographic_level: "Total" }), m], "geog_level"],
    ["duplicate rows (fail/duplicate_rows)", (rows: Row[], m: Row[]) => [[...rows, rows[0]], m], "general_dupes"],
    [
      "a SEN filter under a non-harmonised name (fail via check_harmonised_variables)",
      (rows: Row[], m: Row[]) => [rows.map(({ sex, ...r }) => ({ ...r, sen_group: sex })), edit(m, 1, { col_name: "sen_group" })],
      "harmonised_variables",
    ],
  ] as [string, (rows: Row[], m: Row[]) => [Row[], Row[]], string][])("%s", (_what, mutate, check) => {
    const [rows, m] = mutate(baseRows(), baseMetaRows());
    const r = screenReport(csvOf(rows), metaCsv(m), names);
    expect(r.passed).toBe(false);
    expect(r.results.find((x) => x.result === "FAIL")?.check).toBe(check);
  });
});

// Our own checks beyond eesyscreener (ees-rules.md rules 3 and 8, outputs.md §1–§2), and the row/column findings
describe("project checks and findings", () => {
  const names = { data: "pupils.csv", meta: "pupils.meta.csv" };
  it.each([
    ["a ragged row", () => [csvOf(baseRows()).replace(/500\n/, "500,extra\n"), metaCsv(baseMetaRows())], "project_data_row_widths"],
    [
      "a metadata indicator missing from the data",
      () => [
        csvOf(baseRows().map((r) => ({ ...r, release: "1" }))),
        metaCsv([...baseMetaRows(), { col_name: "n_places", col_type: "Indicator", label: "Places", indicator_dp: "0" }]),
      ],
      "project_meta_cols_in_data",
    ],
    ["a thousands separator", () => [csvOf(edit(baseRows(), 0, { n_pupils: "1,500" })), metaCsv(baseMetaRows())], "project_indicator_values"],
    ["a column empty in every row", () => [csvOf(baseRows().map((r) => ({ ...r, notes: "" }))), metaCsv(baseMetaRows())], "project_empty_columns"],
  ] as [string, () => [string, string], string][])("%s fails", (_what, files, check) => {
    const [d, m] = files();
    const fails = screen(d, m, names).filter((r) => r.level === "FAIL");
    expect(fails.map((f) => f.rule)).toContain(check);
  });
  it("findings name the row and column", () => {
    const fails = screen(csvOf(edit(baseRows(), 3, { sex: "" })), metaCsv(baseMetaRows()), names).filter((r) => r.level === "FAIL");
    expect(fails).toEqual([expect.objectContaining({ rule: "filter_blanks", row: 5, column: "sex" })]);
  });
});

// data-guidance.md names the checks that ran and their result, and claims no more (issue 15).
describe("data guidance: the checks that ran", () => {
  it("lists every check per file with its result, 'not run' after a failing stage, and no claim of passing the Department's screener", () => {
    const names = { data: "pupils.csv", meta: "pupils.meta.csv" };
    const ok = summarise(screenReport(csvOf(baseRows()), metaCsv(baseMetaRows()), names));
    const bad = summarise(screenReport(csvOf(edit(baseRows(), 0, { n_pupils: "" })), metaCsv(baseMetaRows()), names));
    const file = (name: string, screened: ScreenSummary) => ({
      name,
      metaName: name.replace(".csv", ".meta.csv"),
      level: "la" as const,
      columns: [],
      indicators: [],
      rowCount: 9,
      screened,
    });
    const text = screeningSection([file("a.csv", ok), file("b.csv", bad)]).join("\n");
    expect(text).toContain("| Check indicators | ind_invalid_entry | PASS | FAIL |");
    expect(text).toContain("| Check harmonised | harmonised_variables | PASS | not run |");
    expect(text).toContain("- `a.csv`: no check failed.");
    expect(text).toContain("- `b.csv`: failed at Check indicators checks.");
    expect(text).toMatch(/Not run: data_dict_col_name/);
    expect(text).not.toMatch(/passes the (Department's|EES) screener/i);
  });
});
