// The Department's screener for EES data files, eesyscreener (dfe-analytical-services), ported to
// TypeScript so every return is screened here without R: screen_csv() reads the two files, checks
// their names (screen_filenames()), then runs screen_dfs()'s stages in order; any FAIL in a stage
// stops the run, as run_and_log_check() does. Each check lives in screener/<family>.ts and names
// the R function it ports. After the Department's stages, the checks of ours that ees-rules.md
// and outputs.md list but eesyscreener lacks run as a last stage (screener/project.ts).
import { parseGrid } from "./csv.ts";
import {
  checkApiCharColLabel,
  checkApiCharColName,
  checkApiCharFilterItems,
  checkApiCharLocCode,
  checkDataDictColName,
  checkDataDictFilItem,
  type DataDictionaryRow,
} from "./screener/api.ts";
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
} from "./screener/columns.ts";
import { precheckCrossDataToMeta, precheckCrossMetaToData } from "./screener/cross.ts";
import { checkFilenameSpaces, checkFilenameSpecial, checkFilenamesMatch } from "./screener/filenames.ts";
import {
  checkFilterBlanks,
  checkFilterDefaults,
  checkFilterGroupLevel,
  checkFilterItemLimit,
  checkFilterObTotal,
  checkFilterWhitespace,
  precheckFilterNotSingular,
} from "./screener/filters.ts";
import { checkGeneralDupes, checkGeneralNull, checkIndInvalidEntry } from "./screener/general.ts";
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
  checkGeogRegionForLad,
  type GeogLookups,
  precheckGeogLevel,
  precheckGeogLevelPresent,
} from "./screener/geography.ts";
import { checkHarmonisedEthCharGrp, checkHarmonisedEthCharVals, checkHarmonisedEthVals, checkHarmonisedVariables } from "./screener/harmonised.ts";
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
} from "./screener/meta.ts";
import {
  projectBlankRows,
  projectDuplicateColumns,
  projectEmptyColumns,
  projectIndicatorValues,
  projectMetaColsInData,
  projectRowWidths,
} from "./screener/project.ts";
import { REQ_META_COLS } from "./screener/reference.ts";
import { DataTable, fail, metaTable, pass, type CheckResult, type MetaTable } from "./screener/table.ts";
import { checkTimePeriod, checkTimePeriodSix, precheckTimeIdMix, precheckTimeIdValid, precheckTimePeriodNum } from "./screener/time.ts";

export type { CheckResult, Finding } from "./screener/table.ts";
export type { DataDictionaryRow } from "./screener/api.ts";
export type { GeogLookups } from "./screener/geography.ts";

export const META_COLUMNS = REQ_META_COLS;

export type Level = "FAIL" | "WARNING";
/** One problem found: the check that found it, and the line (header = 1) and column where it applies. */
export interface ScreenResult {
  rule: string;
  level: Level;
  file?: "data" | "meta";
  row?: number;
  column?: string;
  message: string;
}
export interface ScreenNames {
  data: string;
  meta: string;
}
export interface ScreenOptions {
  /** LAs to accept besides geography.ts KNOWN_LAS (a run's settings.las). */
  las?: readonly { old_code: string; gss_code: string; name: string }[];
  /** Lookups for ward, PCon, LAD, LEP, LSIP and EDA code/name pairs (none are held here). */
  lookups?: GeogLookups;
  /** The Department's data dictionary: when given, the two data dictionary checks run (eesyscreener's dd_checks). */
  dataDictionary?: readonly DataDictionaryRow[];
}

export interface StageResult extends CheckResult {
  stage: string;
}
/** screen_csv()'s answer: every check run, the stage reached, passed, and suitable for the API. */
export interface ScreenReport {
  results: StageResult[];
  /** "Passed", or "<stage> checks" for the stage that failed (as screen_csv's overall_stage). */
  overallStage: string;
  passed: boolean;
  /** Passed and every "Check API" result is PASS. */
  apiSuitable: boolean;
  /** Checks of eesyscreener that were not run, and why. */
  notRun: string[];
}

/** The stages of screen_csv() / screen_dfs() in order, then ours. */
export const STAGES = [
  "File read",
  "filename",
  "Precheck columns",
  "Precheck cross-file",
  "Check columns",
  "Precheck meta",
  "Check meta",
  "Precheck time",
  "Precheck filters",
  "Precheck geography",
  "Check time",
  "Check filters",
  "Check geography",
  "Check general",
  "Check indicators",
  "Check harmonised",
  "Check API",
  "Project checks",
] as const;

/** Screens a data file and its metadata: every check's result, in stage order, stopping at the first stage with a FAIL. */
export function screenReport(dataCsvText: string, metaCsvText: string, names: ScreenNames, options: ScreenOptions = {}): ScreenReport {
  // The data's cells go into the buffer of the last screen's (a return screens file after file
  // of about the same size, and fresh memory costs more to touch than the cells cost to write).
  const scratch = spare;
  spare = undefined;
  let used: Int32Array | undefined;
  try {
    return runStages(dataCsvText, metaCsvText, names, options, scratch, (cells) => (used = cells));
  } finally {
    const kept = used ?? scratch;
    if (kept !== undefined && kept.buffer.byteLength <= SPARE_BYTES) spare = new Int32Array(kept.buffer);
  }
}

/** The cells buffer of the last data file screened, kept for the next. */
let spare: Int32Array | undefined;
const SPARE_BYTES = 64 << 20;

function runStages(
  dataText: string,
  metaText: string,
  names: ScreenNames,
  options: ScreenOptions,
  scratch: Int32Array | undefined,
  usedCells: (c: Int32Array) => void,
): ScreenReport {
  const results: StageResult[] = [];
  const notRun: string[] = [];
  const done = (): ScreenReport => {
    const failed = results.find((r) => r.result === "FAIL");
    const passed = failed === undefined;
    return {
      results,
      overallStage: failed ? `${failed.stage} checks` : "Passed",
      passed,
      apiSuitable: passed && results.filter((r) => r.stage === "Check API").every((r) => r.result === "PASS"),
      notRun,
    };
  };
  /** Runs one stage; true when it FAILed (the run then stops, as run_and_log_check() does). */
  const stage = (name: (typeof STAGES)[number], checks: () => CheckResult[]) => {
    for (const r of checks()) results.push({ ...r, stage: name });
    return results.some((r) => r.result === "FAIL");
  };

  // File read (read_ees_files(): a .csv (or .gz data) MIME type, then duckdb reads both files;
  // a read error is one FAIL named file_read). Ours: the EES import's row width and header rules.
  let data: DataTable | undefined;
  let meta: MetaTable | undefined;
  let metaGrid: DataTable | undefined;
  const readIssues = stage("File read", () => {
    const out: CheckResult[] = [];
    for (const [which, name] of [
      ["Data", names.data],
      ["Meta data", names.meta],
    ] as const) {
      if (!/\.csv$/i.test(name) && !(which === "Data" && /\.gz$/i.test(name)))
        out.push(fail("file_read", `${which} file at ${name} does not have a CSV or GZIP MIME type.`));
    }
    for (const [which, text] of [
      ["data", dataText],
      ["meta", metaText],
    ] as const) {
      if (text.includes("\uFFFD")) out.push(fail("file_read", `The ${which} file is not valid UTF-8 (it holds a replacement character); save it as UTF-8.`));
    }
    try {
      const grid = parseGrid(dataText, scratch);
      usedCells(grid.cells);
      data = new DataTable(grid);
      const mg = parseGrid(metaText);
      metaGrid = new DataTable(mg);
      meta = metaTable(mg);
    } catch (e) {
      out.push(fail("file_read", `The file is not valid CSV: ${(e as Error).message}`));
      return out;
    }
    out.push(
      projectRowWidths("data", data),
      projectRowWidths("meta", metaGrid),
      projectDuplicateColumns("data", data.columns),
      projectDuplicateColumns("meta", meta.columns),
    );
    if (!out.some((r) => r.result === "FAIL")) out.unshift(pass("file_read", "Both files were read."));
    return out;
  });
  if (readIssues || !data || !meta || !metaGrid) return done();
  const d: DataTable = data;
  const m: MetaTable = meta;
  const mg: DataTable = metaGrid;

  if (
    stage("filename", () => [
      checkFilenameSpaces(names.data),
      checkFilenameSpaces(names.meta),
      checkFilenameSpecial(names.data),
      checkFilenameSpecial(names.meta),
      checkFilenamesMatch(names.data, names.meta),
    ])
  )
    return done();
  if (stage("Precheck columns", () => [precheckColReqMeta(m), precheckColInvalidMeta(m), precheckColReqData(d), precheckColToRows(d, m)])) return done();
  if (stage("Precheck cross-file", () => [precheckCrossMetaToData(d, m), precheckCrossDataToMeta(d, m)])) return done();
  if (stage("Check columns", () => [checkColNamesSpaces(d), checkColSnakeCase(d), checkColVarStart(d), checkColIndSmushed(m), checkColVarCharacteristic(m)]))
    return done();
  if (stage("Precheck meta", () => [precheckMetaColType(m), precheckMetaObUnit(m), precheckMetaColName(m)])) return done();
  if (
    stage("Check meta", () => [
      checkMetaDupeLabel(m),
      checkMetaFilGrp(m),
      checkMetaFilGrpDupe(m),
      checkMetaFilGrpIsFil(m),
      checkMetaFilGrpMatch(d, m),
      checkMetaFilGrpStripped(d, m),
      checkMetaLabel(m),
      checkMetaFilterHint(m),
      checkMetaGeogCatch(m),
      checkMetaIndicatorDp(m),
      checkMetaColNameSpaces(m),
      checkMetaColNameDupe(m),
      checkMetaIndDpSet(m),
      checkMetaIndDpValues(m),
      checkMetaIndUnit(m),
      checkMetaIndUnitValidation(m),
      checkMetaIndicatorGrouping(m),
    ])
  )
    return done();
  if (stage("Precheck time", () => [precheckTimePeriodNum(d), precheckTimeIdValid(d), precheckTimeIdMix(d)])) return done();
  if (stage("Precheck filters", () => [precheckFilterNotSingular(d, m)])) return done();
  if (stage("Precheck geography", () => [precheckGeogLevel(d), precheckGeogLevelPresent(d)])) return done();
  if (stage("Check time", () => [checkTimePeriod(d), checkTimePeriodSix(d)])) return done();
  if (
    stage("Check filters", () => [
      checkFilterDefaults(d, m),
      checkFilterGroupLevel(d, m),
      checkFilterItemLimit(d, m),
      checkFilterWhitespace(d, m),
      checkFilterObTotal(d, m),
      checkFilterBlanks(d, m),
    ])
  )
    return done();
  if (
    stage("Check geography", () => {
      const other = checkGeogOtherCombos(d, options.lookups);
      const [ward, pcon, lad, lep, lsip, eda] = other;
      return [
        checkGeogCountryCombos(d),
        checkGeogRegionCombos(d),
        ward,
        pcon,
        lad,
        lep,
        lsip,
        eda,
        checkGeogLaCombos(d, options.las),
        checkGeogLevelCompleted(d),
        checkGeogIgnoredRows(d),
        checkGeogOtherDupes(d),
        checkGeogLaColPresent(d),
        checkGeogRegionColPresent(d),
        checkGeogRegionForLa(d),
        checkGeogRegionForLad(d),
        checkGeogNa(d),
        checkGeogNaCode(d),
        checkGeogOtherCodeDupes(d),
        checkGeogOvercompletedCols(d, m),
      ];
    })
  )
    return done();
  if (stage("Check general", () => [checkGeneralDupes(d, m), checkGeneralNull(d, m)])) return done();
  if (stage("Check indicators", () => [checkIndInvalidEntry(d, m)])) return done();
  if (stage("Check harmonised", () => [checkHarmonisedVariables(m), checkHarmonisedEthVals(d), checkHarmonisedEthCharGrp(d), checkHarmonisedEthCharVals(d)]))
    return done();
  const dd = options.dataDictionary;
  if (!dd) notRun.push("data_dict_col_name and data_dict_fil_item: the Department's data dictionary is not held here (they only ever warn, for the API)");
  if (
    stage("Check API", () => [
      checkApiCharColName(d),
      checkApiCharColLabel(m),
      checkApiCharLocCode(d),
      checkApiCharFilterItems(d, m),
      ...(dd ? [checkDataDictColName(m, dd), checkDataDictFilItem(d, m, dd)] : []),
    ])
  )
    return done();
  stage("Project checks", () => [
    projectMetaColsInData(d, m),
    projectBlankRows("data", d),
    projectBlankRows("meta", mg),
    projectEmptyColumns(d),
    projectIndicatorValues(d, m),
  ]);
  return done();
}

/** Every FAIL and WARNING of a screen as one line each (a check's findings, or its message). */
export function problems(report: ScreenReport): ScreenResult[] {
  return report.results
    .filter((r) => r.result !== "PASS")
    .flatMap((r): ScreenResult[] => {
      const level = r.result as Level;
      if (r.findings.length === 0) return [{ rule: r.check, level, message: r.message }];
      return r.findings.map((f) => ({
        rule: r.check,
        level,
        file: f.file,
        ...(f.row === undefined ? {} : { row: f.row }),
        ...(f.column === undefined ? {} : { column: f.column }),
        message: f.message,
      }));
    });
}

/** Screens a data file and its metadata; returns every FAIL and WARNING (empty = clean). */
export function screen(dataCsvText: string, metaCsvText: string, names: ScreenNames, options: ScreenOptions = {}): ScreenResult[] {
  return problems(screenReport(dataCsvText, metaCsvText, names, options));
}

export class ReturnCheckError extends Error {
  override name = "ReturnCheckError";
}

/** Throws ReturnCheckError naming check, row and column for the first FAILs; returns the results. */
export function assertScreened(file: string, results: ScreenResult[]): ScreenResult[] {
  const fails = results.filter((r) => r.level === "FAIL");
  if (fails.length > 0) {
    const lines = fails
      .slice(0, 20)
      .map(
        (r) =>
          `  - rule ${r.rule}${r.row ? `, ${r.file === "meta" ? "metadata " : ""}row ${r.row}` : ""}${r.column ? `, column ${r.column}` : ""}: ${r.message}`,
      );
    const more = fails.length > 20 ? `\n  … and ${fails.length - 20} more` : "";
    throw new ReturnCheckError(`${file} fails the EES screener:\n${lines.join("\n")}${more}`);
  }
  return results;
}

/** What the guidance states about a screen: each check's result, without the findings. */
export interface ScreenSummary {
  overallStage: string;
  passed: boolean;
  apiSuitable: boolean;
  results: { stage: string; check: string; result: CheckResult["result"] }[];
  notRun: string[];
}

export function summarise(report: ScreenReport): ScreenSummary {
  return {
    overallStage: report.overallStage,
    passed: report.passed,
    apiSuitable: report.apiSuitable,
    notRun: report.notRun,
    results: report.results.map(({ stage, check, result }) => ({ stage, check, result })),
  };
}
