// programmes.md §6 item 7 (the return's part; the site's is tested with the site): every ntp
// filter, filter value, indicator and footnote appears in the workbook and in the data guidance
// of an ntp return. Filters and their values come from the profile's layout and the guidance's
// list of values, which must hold every value the return's CSV files use; indicators from the ntp
// catalogue (those it publishes: level la, school or both); footnotes are every reason a cell is
// x (published_footnotes), per indicator.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { NTP_CATALOGUE_DIR } from "../pipelines/export/catalogue.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { layoutFor } from "../pipelines/export/layout.ts";
import { NTP_FILTER_VALUES } from "../pipelines/export/ntp-guidance.ts";
import { DATABASE_NAME, runPipeline } from "../pipelines/run.ts";
import { synthesise } from "../pipelines/synth/index.ts";

const PERIOD = "202122";
const FILES = [`impact_919_${PERIOD}`, `impact_schools_919_${PERIOD}`];

let dir = "";
let guidance = "";
/** Every text cell of the workbook, per sheet. */
let sheets = new Map<string, string[][]>();
let csvRows: Record<string, string>[] = [];
let footnotes: { indicator: string; reason: string }[] = [];

const catalogue = parseTable(readFileSync(join(NTP_CATALOGUE_DIR, "ntp.csv"), "utf8")).records.map((r) => r.values);
const published = catalogue.filter((r) => r.level !== "none");
const filters = layoutFor("ntp").filterColumns;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ntp-coverage-"));
  await synthesise({ scale: "la", out: join(dir, "in"), programme: "ntp", seed: 13, schools: 24, year: "2021/22" });
  const out = join(dir, "out");
  await runPipeline({ input: join(dir, "in"), out });
  const ret = join(out, "return");
  guidance = readFileSync(join(ret, "data-guidance.md"), "utf8");
  csvRows = FILES.flatMap((f) => parseTable(readFileSync(join(ret, `${f}.csv`), "utf8")).records.map((r) => r.values));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(ret, `impact_919_${PERIOD}.xlsx`));
  for (const ws of wb.worksheets) {
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? "" : String(v)))));
    sheets.set(ws.name, rows);
  }
  const db = await Db.open(join(out, DATABASE_NAME));
  try {
    footnotes = await db.all(`select distinct indicator, reason from published_footnotes where time_period = '${PERIOD}' order by all`);
  } finally {
    db.close();
  }
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The guidance's table rows (`| code | kind | ... |`) of a column. */
const guidanceRow = (code: string, kind: string) => new RegExp(`^\\| ${code} \\| ${kind} \\|`, "m");
const glossary = () => sheets.get("Glossary")!.slice(1);
const cellsOf = (names: (n: string) => boolean) => new Set([...sheets].filter(([n]) => names(n)).flatMap(([, rows]) => rows.flat()));

describe("the ntp return's workbook and data guidance cover the catalogue (programmes.md §6 item 7)", () => {
  it("every indicator the ntp catalogue publishes is a column of the guidance and of the workbook (Glossary and a sheet heading)", () => {
    expect(published.length).toBeGreaterThan(40);
    const headings = new Set([...sheets].filter(([n]) => n !== "Glossary" && n !== "Cover").flatMap(([, rows]) => rows[0] ?? []));
    const glossaryCodes = new Set(glossary().map((r) => r[1]));
    const missing = published.flatMap((r) => [
      ...(guidanceRow(r.indicator, "indicator").test(guidance) ? [] : [`${r.indicator}: not in data-guidance.md`]),
      ...(glossaryCodes.has(r.indicator) ? [] : [`${r.indicator}: not in the workbook's Glossary`]),
      ...(headings.has(r.label) ? [] : [`${r.indicator}: no workbook sheet is headed "${r.label}"`]),
    ]);
    expect(missing).toEqual([]);
  });

  it("the catalogue's unpublished indicators (level none: the private data-quality report) are in neither", () => {
    const unpublished = catalogue.filter((r) => r.level === "none");
    expect(unpublished.length).toBeGreaterThan(0);
    const glossaryCodes = new Set(glossary().map((r) => r[1]));
    expect(unpublished.filter((r) => guidanceRow(r.indicator, "indicator").test(guidance) || glossaryCodes.has(r.indicator)).map((r) => r.indicator)).toEqual(
      [],
    );
  });

  it("every ntp filter is a column of the guidance and of the workbook", () => {
    expect(filters).toEqual(expect.arrayContaining(["subject", "outcome_measure", "route", "group_size", "disadvantage_status"]));
    const glossaryCodes = new Set(
      glossary()
        .filter((r) => r[2] === "Filter")
        .map((r) => r[1]),
    );
    expect(filters.filter((f) => !guidanceRow(f, "filter").test(guidance) || !glossaryCodes.has(f))).toEqual([]);
  });

  it("every value a filter takes in the CSV files is in the guidance's list of values and in a workbook sheet", () => {
    const used = filters.flatMap((f) => [...new Set(csvRows.map((r) => r[f]))].filter((v) => v !== "Total").map((v) => ({ f, v })));
    // every route and group size, both disadvantage groups and all four subjects are in this return
    expect(used.length).toBeGreaterThanOrEqual(14);
    const workbook = cellsOf((n) => n !== "Glossary" && n !== "Cover");
    expect(used.filter(({ f, v }) => !(NTP_FILTER_VALUES[f] ?? []).includes(v) || !workbook.has(v))).toEqual([]);
  });

  it("every filter of the ntp layout has its list of values, and the data guidance gives each list", () => {
    expect(filters.filter((f) => !(f in NTP_FILTER_VALUES))).toEqual([]);
    const listed = filters.map((f) => `\`${f}\`: ${NTP_FILTER_VALUES[f].join(", ")}`);
    expect(listed.filter((l) => !guidance.includes(l))).toEqual([]);
  });

  it("the workbook's cover says it is an NTP return, not the 2009 one-to-one programme's", () => {
    const what = sheets.get("Cover")!.find((r) => r[0] === "What this is")!;
    expect(what[1]).toMatch(/National Tutoring Programme/);
    expect(what[1]).not.toMatch(/one-to-one/i);
  });

  it("every footnote (the reason a cell is x) is in the guidance's Footnotes and on the workbook's Footnotes sheet", () => {
    expect(footnotes.length).toBeGreaterThan(0);
    const section = guidance.slice(guidance.indexOf("## Footnotes"));
    const sheet = sheets.get("Footnotes") ?? [];
    expect(sheet[0]).toEqual(["Column name in the CSV files", "Column heading in this workbook", "Why the figure is x", "Cells"]);
    const onSheet = new Set(sheet.slice(1).map((r) => `${r[0]}|${r[2]}`));
    const missing = footnotes.flatMap((n) => [
      ...(section.includes(`| ${n.indicator} | ${n.reason.replaceAll("|", "\\|")} |`) ? [] : [`guidance: ${n.indicator} ${n.reason}`]),
      ...(onSheet.has(`${n.indicator}|${n.reason}`) ? [] : [`workbook: ${n.indicator} ${n.reason}`]),
    ]);
    expect(missing).toEqual([]);
    // and the sheet holds nothing else
    expect(sheet.length - 1).toBe(footnotes.length);
  });
});
