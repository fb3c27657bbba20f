// The sheets of the return's workbook, laid out for people who open it in Excel (outputs.md §1):
// one sheet per topic, headed by the metadata labels rather than the CSV's column codes (a
// Glossary sheet pairs the two), the viewpoints the site publishes as a sheet of their own,
// and the schools' figures for all pupils only (every school × group row is in the schools CSV,
// which the cover says). Every cell is the CSV's (or published_viewpoints') own text: only the
// headers and which rows and columns a sheet shows differ, so the workbook cannot disagree with
// the files it sits beside.
import { type Db, ident, literal } from "../core/db.ts";
import type { LocalAuthority } from "../core/settings.ts";
import { type CatalogueRow, martTable, publishedTable } from "./catalogue.ts";
import { ALL_FILTERS, GEOGRAPHY_COLUMNS, SCHOOL_COLUMNS, SUBJECT_ORDER, TIME_COLUMNS } from "./layout.ts";
// Labels and filter columns of either programme profile: a 2009 file has only the 2009 filters, an ntp file adds routes and group sizes
const FILTERS = ALL_FILTERS;
const FILTER_COLUMNS: string[] = ALL_FILTERS.map((f) => f.col);
import type { WorkbookSheet, WorkbookSpec } from "./workbook.ts";
import { GCSE_2021_FOOTNOTE } from "./ntp-guidance.ts";

/** A data file of the return as the workbook needs it (ReturnFile has this shape). */
export interface SheetSource {
  level: "la" | "school";
  columns: string[];
  rows: string[][];
  indicators: CatalogueRow[];
}

/** Headings of the columns that have no metadata label: the code in words (as EES shows them). */
const PLAIN_LABELS: Record<string, string> = {
  time_period: "Time period",
  time_identifier: "Time identifier",
  geographic_level: "Geographic level",
  country_code: "Country code",
  country_name: "Country name",
  region_code: "Region code",
  region_name: "Region name",
  old_la_code: "Old LA code",
  new_la_code: "New LA code",
  la_name: "LA name",
  school_urn: "School URN",
  school_laestab: "School LAESTAB",
  school_name: "School name",
  respondent: "Respondent",
  item: "Questionnaire item",
};

/** Sheet names by topic (mart), in words a reader would look for. */
const TOPIC_NAMES: Record<string, string> = {
  // at most 31 characters with " (schools)" (Excel's limit on a sheet name)
  mart_attainment: "Attainment & progress",
  mart_targeting: "Targeting",
  mart_impact: "Impact",
  mart_balance: "Balance",
  mart_matched: "Exact matching",
  mart_gaps: "Gaps",
  mart_delivery: "Delivery",
  mart_places: "Places",
  mart_value: "Value for money",
  mart_school_progress: "School comparison",
  mart_viewpoints: "Viewpoints",
  // the ntp profile (programmes.md §13–§14)
  mart_ntp_delivery: "NTP delivery",
  mart_ntp_cost: "NTP cost",
  mart_ntp_impact: "NTP impact",
  mart_ntp_attainment: "NTP attainment",
  mart_ntp_practice: "NTP pupils and tutors",
};

const TIME = new Set<string>(TIME_COLUMNS);
const GEOGRAPHY = new Set<string>(GEOGRAPHY_COLUMNS);
const SCHOOL = new Set<string>(SCHOOL_COLUMNS);

function topicName(mart: string): string {
  const t = martTable(mart);
  if (TOPIC_NAMES[t]) return TOPIC_NAMES[t];
  const words = t.slice("mart_".length).replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function plainLabel(code: string): string {
  if (PLAIN_LABELS[code]) return PLAIN_LABELS[code];
  const words = code.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function filterLabel(code: string): string {
  return FILTERS.find((f) => f.col === code)?.label ?? plainLabel(code);
}

/** One row of the Glossary: a column heading, its code in the CSV, and what it holds. */
interface GlossaryEntry {
  label: string;
  code: string;
  kind: string;
  unit: string;
  dp: string;
  grouping: string;
  sheets: string[];
}

/** Collects the topic sheets of a workbook, and the glossary of every heading they use. */
export class WorkbookLayout {
  readonly sheets: WorkbookSheet[] = [];
  private readonly glossary = new Map<string, GlossaryEntry>();
  /** Rows of the schools file left out of the workbook (a school × group breakdown). */
  schoolRowsLeftOut = 0;

  /** The topic sheets of one data file (LA or schools). */
  addFile(file: SheetSource): void {
    const base = file.columns.filter((c) => !file.indicators.some((r) => r.indicator === c));
    const filterIdx = base.map((c) => file.columns.indexOf(c)).filter((i) => FILTER_COLUMNS.includes(file.columns[i]) && file.columns[i] !== "subject");
    // Schools: the figures for all pupils only (every filter but subject at Total); the
    // breakdowns of each school by group stay in the schools CSV (said on the cover).
    const rows = file.level === "school" ? file.rows.filter((r) => filterIdx.every((i) => r[i] === "Total")) : file.rows;
    if (file.level === "school") this.schoolRowsLeftOut += file.rows.length - rows.length;
    const topics = [...new Set(file.indicators.map((r) => martTable(r.mart)))];
    for (const t of topics) {
      const inds = file.indicators.filter((r) => martTable(r.mart) === t);
      const indIdx = inds.map((r) => file.columns.indexOf(r.indicator));
      // A row whose every figure of the topic is z (the topic has no figure for that group)
      // tells the reader nothing; it stays in the CSV.
      const kept = rows.filter((r) => indIdx.some((i) => r[i] !== "z"));
      // A filter that is Total on every row of the sheet breaks nothing down: left out.
      const baseIdx = base.map((c) => file.columns.indexOf(c)).filter((i) => !filterIdx.includes(i) || kept.some((r) => r[i] !== "Total"));
      const name = `${topicName(t)}${file.level === "school" ? " (schools)" : ""}`;
      this.add(
        name,
        [...baseIdx, ...indIdx].map((i) => file.columns[i]),
        inds,
        kept.map((r) => [...baseIdx, ...indIdx].map((i) => r[i])),
      );
    }
  }

  /** A sheet of published rows that are not in a data file (e.g. viewpoints). */
  addRows(name: string, columns: string[], indicators: CatalogueRow[], rows: string[][]): void {
    if (rows.length > 0) this.add(name, columns, indicators, rows);
  }

  private add(name: string, columns: string[], indicators: CatalogueRow[], rows: string[][]): void {
    const byCode = new Map(indicators.map((r) => [r.indicator, r]));
    const labels = columns.map((c) => {
      const ind = byCode.get(c);
      const entry: Omit<GlossaryEntry, "sheets"> = ind
        ? { label: ind.label, code: c, kind: "Indicator", unit: ind.unit, dp: String(ind.dp), grouping: ind.grouping }
        : FILTER_COLUMNS.includes(c)
          ? { label: filterLabel(c), code: c, kind: "Filter", unit: "", dp: "", grouping: "" }
          : {
              label: plainLabel(c),
              code: c,
              kind: TIME.has(c) ? "Time" : GEOGRAPHY.has(c) ? "Geography" : SCHOOL.has(c) ? "School" : "Dimension",
              unit: "",
              dp: "",
              grouping: "",
            };
      const seen = this.glossary.get(c);
      if (seen) {
        if (!seen.sheets.includes(name)) seen.sheets.push(name);
      } else this.glossary.set(c, { ...entry, sheets: [name] });
      return entry.label;
    });
    const dup = labels.find((l, i) => labels.indexOf(l) !== i);
    if (dup)
      throw new Error(
        `Workbook sheet "${name}": two columns would have the heading "${dup}" (${columns.filter((_, i) => labels[i] === dup).join(", ")}); give one a different label in the indicator catalogue.`,
      );
    this.sheets.push({
      name,
      columns,
      labels,
      dp: Object.fromEntries(indicators.filter((r) => columns.includes(r.indicator)).map((r) => [r.indicator, r.dp])),
      rows,
    });
  }

  /** The Glossary sheet: every heading used, its code in the CSV files, unit, decimals and sheets. */
  glossarySheet(): WorkbookSheet {
    const columns = ["label", "code", "kind", "unit", "dp", "grouping", "sheets"];
    const labels = ["Column heading in this workbook", "Column name in the CSV files", "Type", "Unit", "Decimal places", "Group of figures", "Sheets"];
    const rows = [...this.glossary.values()].map((e) => [e.label, e.code, e.kind, e.unit, e.dp, e.grouping, e.sheets.join("; ")]);
    return { name: "Glossary", columns, labels, dp: { dp: 0 }, rows };
  }
}

/**
 * The viewpoints the site publishes (LA and National rows of published_viewpoints; catalogue
 * level none, so not in the CSV files), as one sheet's columns and rows.
 */
export async function viewpointRows(
  db: Db,
  catalogue: CatalogueRow[],
  timePeriod: string,
  las: LocalAuthority[],
  national: boolean,
): Promise<{ columns: string[]; indicators: CatalogueRow[]; rows: string[][] } | undefined> {
  const indicators = catalogue.filter((r) => martTable(r.mart) === "mart_viewpoints");
  const table = publishedTable("mart_viewpoints");
  if (indicators.length === 0) return undefined;
  if (!(await db.hasTable(table))) return undefined;
  const codes = las.map((l) => l.old_code);
  if (national) codes.push("National");
  const names = new Map(las.map((l) => [l.old_code, l.name]));
  const columns = ["time_period", "geographic_level", "old_la_code", "la_name", "subject", "respondent", "item", ...indicators.map((r) => r.indicator)];
  const found = (await db.rows(
    `select time_period, la_code, subject, respondent, item, ${indicators.map((r) => `coalesce(cast(${ident(r.indicator)} as varchar), 'z')`).join(", ")}
       from ${ident(table)}
      where urn is null and time_period = $1 and la_code in (${codes.map((_, i) => `$${i + 2}`).join(", ")})
      order by la_code = 'National', la_code, coalesce(list_position([${SUBJECT_ORDER.map(literal).join(", ")}], subject), 100), respondent, item`,
    [timePeriod, ...codes],
  )) as (string | null)[][];
  const rows = found.map(([tp, la, subject, respondent, item, ...values]) => [
    tp ?? "",
    la === "National" ? "National" : "Local authority",
    la === "National" ? "" : (la ?? ""),
    names.get(la ?? "") ?? "",
    subject ?? "",
    respondent ?? "",
    item ?? "",
    ...values.map((v) => v ?? "z"),
  ]);
  return { columns, indicators, rows };
}

export interface WorkbookSpecOptions {
  title: string;
  buildDate: string;
  inputs: { file: string; sha256: string }[];
  timePeriod: string;
  las: LocalAuthority[];
  national: boolean;
  suppressionThreshold?: number;
}

/** Everything writeWorkbook needs for one return: cover notes, glossary, topic and viewpoint sheets. */
export async function workbookSpec(
  db: Db,
  catalogue: CatalogueRow[],
  files: (SheetSource & { name: string })[],
  o: WorkbookSpecOptions,
): Promise<WorkbookSpec> {
  const layout = new WorkbookLayout();
  for (const f of files) layout.addFile(f);
  const views = await viewpointRows(db, catalogue, o.timePeriod, o.las, o.national);
  if (views) layout.addRows(topicName("mart_viewpoints"), views.columns, views.indicators, views.rows);
  const notes: [string, string][] = [
    [
      "Headings",
      "Each column is headed by its label from the metadata; the Glossary sheet gives the column name each heading has in the CSV files, its unit and decimal places.",
    ],
  ];
  const schools = files.find((f) => f.level === "school");
  if (schools && layout.schoolRowsLeftOut > 0) {
    notes.push([
      "Schools",
      `The sheets marked (schools) give each school's figures for all its pupils, subject by subject. The same figures broken down by pupil group (${layout.schoolRowsLeftOut.toLocaleString("en-GB")} more rows) are in the CSV file ${schools.name}.`,
    ]);
  }
  notes.push([
    "Rows left out",
    "A row whose every figure on a sheet is z (not applicable) is left out of that sheet, and so is a filter column that is Total on every row; both are in the CSV files.",
  ]);
  if (views)
    notes.push([
      "Viewpoints",
      "Questionnaire answers before and after tuition for the LA as a whole, as the report site shows them (not part of the CSV files). Comments are never published.",
    ]);
  // An ntp workbook carries its footnotes too (programmes.md §6 item 7) and says what it is in the profile's words;
  // a 2009 one stays as it was, byte for byte (§6 item 1).
  const ntp = catalogue.some((r) => martTable(r.mart).startsWith("mart_ntp_"));
  const footnotes = ntp ? await footnoteSheet(db, files, o) : undefined;
  if (footnotes)
    notes.push([
      "Footnotes",
      "The Footnotes sheet gives the reason for every x in this workbook's files, with the number of cells it explains, as data-guidance.md does.",
    ]);
  // programmes.md §4: GCSE grades of 2020/21 carry a footnote (teacher-assessed), in the workbook as in the guidance
  if (ntp && o.timePeriod === "202021") notes.push(["GCSE grade 2020/21", GCSE_2021_FOOTNOTE.replaceAll("`", "")]);
  return {
    title: o.title,
    buildDate: o.buildDate,
    inputs: o.inputs,
    files: files.map((f) => f.name),
    sheets: [layout.glossarySheet(), ...layout.sheets, ...(footnotes ? [footnotes] : [])],
    notes,
    suppressionThreshold: o.suppressionThreshold,
    ...(ntp ? { what: NTP_WORKBOOK_WHAT } : {}),
  };
}

const NTP_WORKBOOK_WHAT =
  "The return of a local authority's evaluation of the National Tutoring Programme (its delivery, cost and impact) to the Department, in Explore Education Statistics form: the same tables as the CSV files beside this workbook.";

/**
 * The Footnotes sheet: the reason for every x of the files' indicators in the workbook's year and
 * LAs (published_footnotes, which data-guidance.md lists for the whole run), with its cells.
 * Undefined where no cell is x. Its headings name no indicator, so the release audit reads it as
 * text, as it reads the Glossary.
 */
async function footnoteSheet(db: Db, files: SheetSource[], o: WorkbookSpecOptions): Promise<WorkbookSheet | undefined> {
  if (!(await db.hasTable("published_footnotes"))) return undefined;
  const indicators = new Map(files.flatMap((f) => f.indicators).map((r) => [r.indicator, r.label]));
  if (indicators.size === 0) return undefined;
  const codes = [...o.las.map((l) => l.old_code), ...(o.national ? ["National"] : [])];
  const found = await db.all<{ indicator: string; reason: string; n: number }>(
    `select indicator, reason, count(*)::INTEGER as n from published_footnotes
      where time_period = ? and la_code in (${codes.map(literal).join(", ")}) and indicator in (${[...indicators.keys()].map(literal).join(", ")})
      group by indicator, reason order by indicator, reason`,
    [o.timePeriod],
  );
  if (found.length === 0) return undefined;
  const columns = ["code", "label", "reason", "cells"];
  const labels = ["Column name in the CSV files", "Column heading in this workbook", "Why the figure is x", "Cells"];
  return {
    name: "Footnotes",
    columns,
    labels,
    dp: { cells: 0 },
    rows: found.map((f) => [f.indicator, indicators.get(f.indicator) ?? "", f.reason, String(f.n)]),
  };
}
