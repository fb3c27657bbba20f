// The table tool's table building (src/components/table-tool.js) and its schools files
// (src/data/table-tool.ts): which rows a choice keeps, the columns and their labels, sorting with
// c/x/z after the numbers, the CSV (byte order mark, labels, published values, formulas
// neutralised), and the columnar schools files giving back exactly the published text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compactValue, SCHOOL_PARTS } from "../src/data/table-tool.ts";
// @ts-expect-error: plain-JS site component, without type declarations
import { buildTable, csvName, decodeValue, schoolRowsFrom, sortRows, tableCsv } from "../src/components/table-tool.js";

type Row = Record<string, string>;

const INDICATORS = [
  { indicator: "n_t", label: "Tutees in the model", unit: "", dp: 0, grouping: "Impact", part: "impact" },
  { indicator: "b", label: "Impact (points)", unit: "", dp: 3, grouping: "Impact", part: "impact" },
  { indicator: "cost", label: "Cost per place", unit: "£", dp: 0, grouping: "Value for money", part: "value" },
];
const FILTERS = [
  { col: "subject", label: "Subject" },
  { col: "fsm_status", label: "Free school meals status" },
];

const row = (subject: string, breakdown: string, group: string, values: Row, extra: Row = {}): Row => ({
  time_period: "200910",
  la_code: "919",
  subject,
  breakdown,
  group_label: group,
  ...values,
  ...extra,
});

const LA_ROWS: Row[] = [
  row("Total", "total", "Total", { n_t: "40", b: "0.512", cost: "310" }),
  row("English", "total", "Total", { n_t: "25", b: "1.25", cost: "300" }),
  row("Mathematics", "total", "Total", { n_t: "15", b: "-0.4", cost: "c" }),
  row("English", "fsm_status", "Not known to be FSM eligible", { n_t: "20", b: "x", cost: "z" }),
  row("English", "fsm_status", "FSM eligible", { n_t: "c", b: "c", cost: "c" }),
  row("Mathematics", "fsm_status", "FSM eligible", { n_t: "9", b: "2", cost: "280" }),
];

describe("buildTable: the rows and columns of a choice", () => {
  it("keeps only the chosen breakdown and subjects, in the report's order, with the filter's label as the group column", () => {
    const t = buildTable(
      LA_ROWS,
      { indicators: ["n_t", "cost"], breakdown: "fsm_status", subjects: ["English"] },
      { indicators: INDICATORS, filters: FILTERS },
    );
    expect(t.rows.map((r: Row) => [r.subject, r.group_label])).toEqual([
      ["English", "FSM eligible"],
      ["English", "Not known to be FSM eligible"],
    ]);
    expect(t.columns.map((c: { label: string }) => c.label)).toEqual(["Subject", "Free school meals status", "Tutees in the model", "Cost per place"]);
    // The whole-cohort breakdown has no group column; subjects in the return's order.
    const total = buildTable(
      LA_ROWS,
      { indicators: ["b"], breakdown: "total", subjects: ["Total", "Mathematics", "English"] },
      { indicators: INDICATORS, filters: FILTERS },
    );
    expect(total.rows.map((r: Row) => r.subject)).toEqual(["English", "Mathematics", "Total"]);
    expect(total.columns.map((c: { key: string }) => c.key)).toEqual(["subject", "b"]);
  });

  it("on the schools data keeps the chosen schools (none chosen: every school) and adds school and URN columns", () => {
    const rows = [
      row("English", "total", "Total", { n_t: "6" }, { urn: "100001", school_name: "Alder Primary" }),
      row("English", "total", "Total", { n_t: "c" }, { urn: "100002", school_name: "Birch Academy" }),
      row("English", "total", "Total", { n_t: "8" }, { urn: "100003", school_name: "Cedar School" }),
    ];
    const choice = { indicators: ["n_t"], breakdown: "total", subjects: ["English"], schools: ["100003", "100001"] };
    const t = buildTable(rows, choice, { indicators: INDICATORS, filters: FILTERS, schools: true });
    expect(t.rows.map((r: Row) => r.urn)).toEqual(["100001", "100003"]);
    expect(t.columns.map((c: { label: string }) => c.label)).toEqual(["School", "URN", "Subject", "Tutees in the model"]);
    expect(buildTable(rows, { ...choice, schools: [] }, { indicators: INDICATORS, schools: true }).rows).toHaveLength(3);
  });

  it("adds an academic year column only when the rows span more than one year, and refuses an unknown indicator", () => {
    const two = [...LA_ROWS, { ...LA_ROWS[1], time_period: "201011", n_t: "30" }];
    const t = buildTable(two, { indicators: ["n_t"], breakdown: "total", subjects: ["English"] }, { indicators: INDICATORS });
    expect(t.columns[0]).toMatchObject({ key: "time_period", label: "Academic year" });
    expect(t.rows.map((r: Row) => r.time_period)).toEqual(["200910", "201011"]);
    expect(
      buildTable(two, { indicators: ["n_t"], breakdown: "total", subjects: ["English"], periods: ["201011"] }, { indicators: INDICATORS }).rows.map(
        (r: Row) => r.n_t,
      ),
    ).toEqual(["30"]);
    expect(() => buildTable(LA_ROWS, { indicators: ["n_pupils"], breakdown: "total", subjects: ["English"] }, { indicators: INDICATORS })).toThrow(
      /no indicator n_pupils/,
    );
  });
});

describe("sortRows", () => {
  const rows = [{ v: "10" }, { v: "c" }, { v: "-2.5" }, { v: "x" }, { v: "9" }, { v: "z" }, { v: "10" }].map((r, i) => ({ ...r, i }));
  it("sorts numbers by value (not as text), c/x/z after every number in either direction, ties in their order", () => {
    expect(sortRows(rows, "v").map((r: Row & { i: number }) => r.i)).toEqual([2, 4, 0, 6, 1, 3, 5]);
    expect(sortRows(rows, "v", true).map((r: Row & { i: number }) => r.i)).toEqual([0, 6, 4, 2, 1, 3, 5]);
    expect(rows.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6]); // the input is left as it was
  });
  it("sorts text in order", () => {
    expect(sortRows([{ s: "Mathematics" }, { s: "English" }, { s: "Total" }], "s").map((r: Row) => r.s)).toEqual(["English", "Mathematics", "Total"]);
  });
});

describe("tableCsv", () => {
  it("starts with a byte order mark, heads columns with their labels, and writes the published values (3 dp kept, symbols as they are)", () => {
    const t = buildTable(LA_ROWS, { indicators: ["b", "cost"], breakdown: "total", subjects: ["English", "Mathematics"] }, { indicators: INDICATORS });
    const csv = tableCsv(t);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split("\r\n")).toEqual(["Subject,Impact (points),Cost per place", "English,1.25,300", "Mathematics,-0.4,c", ""]);
  });

  it("neutralises text that a spreadsheet would run as a formula (= + - @), and leaves negative and signed numbers alone", () => {
    const rows = [
      { a: '=HYPERLINK("http://x")', b: "-1.5" },
      { a: "+cmd", b: "+3" },
      { a: "-x", b: "0" },
      { a: "@SUM(A1)", b: "2" },
    ];
    const lines = tableCsv({
      columns: [
        { key: "a", label: "Name, text" },
        { key: "b", label: "Value" },
      ],
      rows,
    })
      .slice(1)
      .split("\r\n");
    expect(lines).toEqual(['"Name, text",Value', `"'=HYPERLINK(""http://x"")",-1.5`, "'+cmd,+3", "'-x,0", "'@SUM(A1),2", ""]);
  });

  it("names the file after the data, LA, year and breakdown", () => {
    expect(csvName({ dataset: "schools", laCode: "919", breakdown: "key_stage", periods: ["200910"] })).toBe("table_schools_919_200910_key-stage.csv");
  });
});

describe("the columnar schools files", () => {
  it("store a number only where printing it to the indicator's dp gives the published text back", () => {
    const cases: [string, number][] = [
      ["12", 0],
      ["0.50", 2],
      ["-1.250", 3],
      ["12.5", 1],
      ["c", 0],
      ["x", 1],
      ["z", 2],
      ["0.5", 2],
      ["007", 0],
      ["1e3", 0],
    ];
    for (const [text, dp] of cases) {
      const stored = compactValue(text, dp);
      expect(decodeValue(JSON.parse(JSON.stringify(stored)), dp), `${text} at ${dp} dp`).toBe(text);
    }
    expect(typeof compactValue("0.50", 2)).toBe("number");
    expect(compactValue("0.5", 2)).toBe("0.5"); // not as published to 2 dp: kept as text, not turned into 0.50
  });

  it("give back row objects keyed like the published tables, with school names", () => {
    const rowsFile = {
      periods: ["200910"],
      schools: ["100001", "100002"],
      subjects: ["English", "Total"],
      groups: [
        ["total", "Total"],
        ["key_stage", "Key stage 2"],
      ],
      keys: [
        [0, 0, 0, 0],
        [0, 1, 1, 1],
      ],
    };
    const rows = schoolRowsFrom(rowsFile, { n_t: [6, "c"], b: [0.5, "x"] }, INDICATORS.slice(0, 2), { "100001": "Alder Primary" });
    expect(rows).toEqual([
      {
        time_period: "200910",
        urn: "100001",
        school_name: "Alder Primary",
        subject: "English",
        breakdown: "total",
        group_label: "Total",
        n_t: "6",
        b: "0.500",
      },
      {
        time_period: "200910",
        urn: "100002",
        school_name: "School 100002",
        subject: "Total",
        breakdown: "key_stage",
        group_label: "Key stage 2",
        n_t: "c",
        b: "x",
      },
    ]);
  });

  it("are each named in the page, which Framework needs to publish them", () => {
    const page = readFileSync(join(import.meta.dirname, "..", "src", "pages", "table-tool.md"), "utf8");
    const named = [...page.matchAll(/FileAttachment\("\.\.\/data\/table-tool\/schools-([a-z_]+)\.json"\)/g)].map((m) => m[1]).filter((p) => p !== "rows");
    expect(named.sort()).toEqual([...SCHOOL_PARTS].sort());
  });
});
