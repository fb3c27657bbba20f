// The return's workbook laid out for people who open it (outputs.md §1, issue 15): headings are
// the metadata labels with a Glossary giving each code, a sheet per topic including viewpoints,
// numbers stored as numbers and c/x/z as text, the symbols explained on the cover, schools for
// all pupils only (the breakdowns said to be in the CSV). Whatever the layout, every cell shown
// must be the CSV's (or published_viewpoints') own value: each sheet is read back and matched.
import ExcelJS from "exceljs";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { formatFixed } from "../pipelines/core/round.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { publish } from "../pipelines/export/disclosure.ts";
import { writeReturn } from "../pipelines/export/return.ts";
import { buildFakeMarts, fakeSettings, HERTS } from "./fixtures/returns/fake-marts.ts";

const tmp = mkdtempSync(join(tmpdir(), "workbook-"));
const outDir = join(tmp, "out");
const settings = fakeSettings([HERTS]);
// Filters of outputs.md §1 other than subject, written out here rather than taken from the code.
const GROUP_FILTERS = ["fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major", "key_stage", "prior_attainment"];

let db: Db;
let wb: ExcelJS.Workbook;
const csv = (name: string) => parseTable(readFileSync(join(outDir, name), "utf8"));

/** A sheet's rows as objects keyed by the CSV column code its heading stands for (via the Glossary). */
function sheetRows(name: string, codeOf: Map<string, string>): { codes: string[]; rows: Record<string, unknown>[] } {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet "${name}" in the workbook`);
  const headings = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const codes = headings.map((h) => {
    const c = codeOf.get(h);
    if (!c) throw new Error(`sheet "${name}": heading "${h}" is not in the Glossary`);
    return c;
  });
  const rows: Record<string, unknown>[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const values = (ws.getRow(r).values as unknown[]).slice(1);
    rows.push(Object.fromEntries(codes.map((c, i) => [c, values[i] ?? ""])));
  }
  return { codes, rows };
}

/** A workbook cell as the CSV writes it: numbers at the metadata's decimal places, text as is. */
const asCsv = (v: unknown, dp: number | undefined) => (typeof v === "number" ? formatFixed(v, dp ?? 0) : String(v));

beforeAll(async () => {
  db = await Db.open(":memory:");
  await buildFakeMarts(db, { las: [HERTS], seed: 5, places: 30, catalogueDir: join(tmp, "catalogue") });
  await publish(db, settings, { catalogueDir: join(tmp, "catalogue") });
  // Viewpoints are published for the site only (catalogue level none): the workbook shows the
  // LA rows of published_viewpoints, never the school rows.
  await db.run(`insert into indicator_catalogue (indicator, mart, label, grouping, unit, dp, count_basis, level, combine, ord) values
    ('n_pre', 'mart_viewpoints', 'Questionnaire answers before tuition', 'Viewpoints', '', 0, 'n_pre', 'none', 'sum', 900),
    ('mean_pre', 'mart_viewpoints', 'Mean answer before tuition (1 to 4)', 'Viewpoints', '', 2, 'n_pre', 'none', 'weighted_mean', 901)`);
  await db.run(`create table published_viewpoints as select * from (values
    ('200910', '919', null, 'English', 'pupil', 'confidence', 'pupil', 'confidence', '40', '2.55'),
    ('200910', '919', null, 'English', 'tutor', 'confidence', 'tutor', 'confidence', 'c', 'c'),
    ('200910', '919', null, 'Total', 'pupil', 'confidence', 'pupil', 'confidence', '75', '2.60'),
    ('200910', '919', '1009191', 'English', 'pupil', 'confidence', 'pupil', 'confidence', '12', '2.50')
  ) t(time_period, la_code, urn, subject, breakdown, group_label, respondent, item, n_pre, mean_pre)`);
  await writeReturn(db, settings, outDir);
  wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(join(outDir, "impact_919_200910.xlsx"));
});
afterAll(() => db.close());

describe("the return's workbook", () => {
  it("has a cover, a glossary and a sheet per topic, viewpoints included", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Cover", "Glossary", "Delivery", "Impact", "Delivery (schools)", "Viewpoints"]);
  });

  it("heads every column with its metadata label, and the Glossary pairs each heading with its CSV code", () => {
    const meta = [...csv("impact_919_200910.meta.csv").records, ...csv("impact_schools_919_200910.meta.csv").records];
    const labelOf = new Map(meta.map((r) => [r.values.col_name, r.values.label]));
    const glossary = sheetRows(
      "Glossary",
      new Map([
        ["Column heading in this workbook", "label"],
        ["Column name in the CSV files", "code"],
        ["Type", "kind"],
        ["Unit", "unit"],
        ["Decimal places", "dp"],
        ["Group of figures", "grouping"],
        ["Sheets", "sheets"],
      ]),
    ).rows;
    // a column with metadata is headed by its metadata label, whatever its type
    const withMeta = glossary.filter((g) => labelOf.has(String(g.code)));
    expect(withMeta.length).toBeGreaterThan(0);
    for (const g of withMeta) expect(g.label, String(g.code)).toBe(labelOf.get(String(g.code)));
    const byCode = new Map(glossary.map((g) => [String(g.code), g]));
    expect(byCode.get("mean_hours")).toMatchObject({ label: "Mean hours delivered per place", kind: "Indicator", dp: 1 });
    expect(byCode.get("pct_full_places")).toMatchObject({ unit: "%" });
    expect(byCode.get("time_period")).toMatchObject({ label: "Time period", kind: "Time" });
    expect(byCode.get("mean_pre")).toMatchObject({ label: "Mean answer before tuition (1 to 4)", sheets: "Viewpoints" });
    // no heading is a bare code: each data sheet's headings are all Glossary labels, none a code
    const codes = new Set(glossary.map((g) => String(g.code)));
    for (const name of ["Delivery", "Impact", "Delivery (schools)", "Viewpoints"]) {
      const headings = (wb.getWorksheet(name)!.getRow(1).values as unknown[]).slice(1) as string[];
      expect(
        headings.filter((h) => codes.has(h) && !glossary.some((g) => g.label === h)),
        name,
      ).toEqual([]);
    }
  });

  it("shows the LA file's own cells, numbers as numbers and c/x/z as text; only all-z rows are left out", () => {
    const codeOf = glossaryCodes();
    const file = csv("impact_919_200910.csv");
    const dp = dpOf("impact_919_200910.meta.csv");
    for (const [sheet, inds] of [
      ["Delivery", ["n_pupils", "n_places", "mean_hours", "pct_full_places", "total_cost_gbp"]],
      ["Impact", ["impact_points"]],
    ] as const) {
      const { codes, rows } = sheetRows(sheet, codeOf);
      const expected = file.records.filter((r) => inds.some((c) => r.values[c] !== "z"));
      expect(rows.length, sheet).toBe(expected.length);
      expect(expected.length, sheet).toBeGreaterThan(0);
      for (const c of inds) expect(codes, `${sheet}: indicator columns`).toContain(c);
      rows.forEach((row, i) => {
        for (const c of codes) {
          const want = expected[i]!.values[c]!;
          const got = row[c];
          if (inds.includes(c as never)) {
            // a figure is a number cell exactly when the CSV has a number there
            expect(typeof got === "number", `${sheet} row ${i + 2} ${c}: ${String(got)} for ${want}`).toBe(/^-?\d+(\.\d+)?$/.test(want));
          }
          expect(asCsv(got, dp.get(c)), `${sheet} row ${i + 2} ${c}`).toBe(want);
        }
      });
    }
    // the Impact sheet leaves out the subject Total rows whose impact is z (not applicable)
    const impact = sheetRows("Impact", codeOf).rows;
    expect(file.records.filter((r) => r.values.subject === "Total" && r.values.impact_points === "z").length).toBeGreaterThan(0);
    expect(impact.some((r) => r.impact_points === "z")).toBe(false);
    const symbols = new Set(impact.map((r) => r.impact_points).filter((v) => typeof v === "string"));
    expect([...symbols].every((v) => ["c", "x"].includes(String(v)))).toBe(true);
  });

  it("shows each school's figures for all pupils only, and says on the cover where the breakdowns are", () => {
    const codeOf = glossaryCodes();
    const file = csv("impact_schools_919_200910.csv");
    const dp = dpOf("impact_schools_919_200910.meta.csv");
    const { codes, rows } = sheetRows("Delivery (schools)", codeOf);
    const expected = file.records.filter((r) => GROUP_FILTERS.every((f) => (r.values[f] ?? "Total") === "Total"));
    expect(expected.length).toBeLessThan(file.records.length);
    expect(rows.length).toBe(expected.length);
    // filters that are Total on every row are not shown; subject is
    expect(codes).toContain("subject");
    expect(codes.filter((c) => GROUP_FILTERS.includes(c))).toEqual([]);
    rows.forEach((row, i) => {
      for (const c of codes) expect(asCsv(row[c], dp.get(c)), `row ${i + 2} ${c}`).toBe(expected[i]!.values[c]);
    });
    const cover = coverText();
    expect(cover).toContain("impact_schools_919_200910.csv");
    expect(cover).toContain(`${file.records.length - expected.length} more rows`);
  });

  it("shows the LA's viewpoints as published, without the school rows", () => {
    const { rows } = sheetRows("Viewpoints", glossaryCodes());
    expect(rows.map((r) => [r.old_la_code, r.subject, r.respondent, r.item, r.n_pre, r.mean_pre])).toEqual([
      ["919", "English", "pupil", "confidence", 40, 2.55],
      ["919", "English", "tutor", "confidence", "c", "c"],
      ["919", "Total", "pupil", "confidence", 75, 2.6],
    ]);
  });

  it("explains c, x and z on the cover, with the suppression threshold", () => {
    const cover = coverText();
    expect(cover).toMatch(/\nc,Suppressed to protect confidentiality: a count of 1 to 4 pupils/);
    expect(cover).toMatch(/\nx,Not available/);
    expect(cover).toMatch(/\nz,Not applicable/);
    expect(cover).toContain("Glossary");
  });
});

function glossaryCodes(): Map<string, string> {
  const ws = wb.getWorksheet("Glossary")!;
  const out = new Map<string, string>();
  for (let r = 2; r <= ws.rowCount; r++) out.set(String(ws.getRow(r).getCell(1).value), String(ws.getRow(r).getCell(2).value));
  return out;
}

function dpOf(metaFile: string): Map<string, number> {
  return new Map(
    csv(metaFile)
      .records.filter((r) => r.values.col_type === "Indicator")
      .map((r) => [r.values.col_name!, Number(r.values.indicator_dp)]),
  );
}

function coverText(): string {
  const lines: string[] = [];
  wb.getWorksheet("Cover")!.eachRow((row) => lines.push((row.values as unknown[]).slice(1).join(",")));
  return lines.join("\n");
}
