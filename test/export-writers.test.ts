// The return's writers at national scale take fast paths (CSV cells copied as bytes, the
// screener's value-numbered grid, workbook sheets made and deflated in chunks); each must give
// exactly what the general path gives, which these tests pin on the awkward cases.
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { CsvParseError, isPlainNumber, parseCsv, parseGrid, PLAIN_NUMBER, toCsv } from "../pipelines/export/csv.ts";
import { writeWorkbook } from "../pipelines/export/workbook.ts";
import { zip, zipAsync } from "../pipelines/export/zip.ts";

const AWKWARD = [
  "",
  "0",
  "-1.5",
  "1.",
  "-",
  "-x",
  "=1+1",
  "+44",
  "@a",
  "\tx",
  "\rx",
  "a\nb",
  "a,b",
  'say "hi"',
  "c",
  "x",
  "z",
  "é £",
  "€",
  "St Mary’s",
  "\uD800",
];

describe("toCsv", () => {
  it("quotes and neutralises exactly the cells that need it, whatever characters a row holds", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["1", "-2.5"],
          ["=SUM(A1)", "a,b"],
          ["-x", 'q"q'],
          ["€", null],
          [undefined, "Total"],
        ],
      ),
    ).toBe(`a,b\n1,-2.5\n'=SUM(A1),"a,b"\n'-x,"q""q"\n€,\n,Total\n`);
  });

  it("writes rows of any mix of values as the cell-by-cell rule does", () => {
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const cell = (v: string) => quote(v !== "" && !PLAIN_NUMBER.test(v) && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    const rows = Array.from({ length: 400 }, (_, i) => AWKWARD.map((_, j) => AWKWARD[(i * 7 + j * 3) % AWKWARD.length]));
    const want = [AWKWARD, ...rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
    expect(toCsv(AWKWARD, rows)).toBe(want);
  });
});

describe("isPlainNumber", () => {
  it("agrees with PLAIN_NUMBER", () => {
    for (const v of ["0", "12", "-3", "-3.25", "1.", ".5", "-", "--1", "1e5", " 1", "1 ", "1.2.3", "١", "", "00.00"])
      expect(isPlainNumber(v)).toBe(PLAIN_NUMBER.test(v));
  });
});

describe("parseGrid", () => {
  const texts = [
    "a,b,c\n1,2,3\n",
    '\uFEFFa,b\r\n"x,1","say ""hi"""\r\n\r\nshort\nlong,row,here,too\n',
    'a,b\nx,"multi\nline"\ny,\n,\n',
    'h\n""',
    "a,b\n1,2",
    "",
  ];
  it("holds the cells parseCsv gives, column by column, with each row's width", () => {
    for (const text of texts) {
      const rows = parseCsv(text);
      const g = parseGrid(text);
      const header = rows[0] ?? [];
      expect(g.header).toEqual(header);
      expect(g.widths).toEqual(rows.slice(1).map((r) => r.length));
      const cells = header.map((_, j) => Array.from(g.cells.subarray(j * g.stride, j * g.stride + g.size), (id) => g.values[id]));
      expect(cells).toEqual(header.map((_, j) => rows.slice(1).map((r) => r[j] ?? "")));
      expect(g.values[0]).toBe("");
      expect(new Set(g.values).size).toBe(g.values.length);
    }
  });

  it("numbers every value once and finds it again, quoted or not", () => {
    const values = Array.from({ length: 5000 }, (_, i) => `v${i % 3000}`);
    const g = parseGrid(`a,b\n${values.map((v, i) => (i % 2 ? `"${v}"` : v) + ",x").join("\n")}\n`);
    expect(g.values.length).toBe(3002);
    for (const v of ["v0", "v2999", "x", ""]) expect(g.values[g.find(v)]).toBe(v);
    expect(g.find("v3000")).toBe(-1);
  });

  it("fails as parseCsv does", () => {
    for (const [text, message] of [
      ['a,b\n"open\n', "line 3: a quoted field is not closed"],
      ['a,b\nx"y,1\n', "line 2: a quote inside an unquoted field"],
      ['a\n"x"y"\n', "line 2: a quote inside an unquoted field"],
    ]) {
      expect(() => parseCsv(text)).toThrow(new CsvParseError(message));
      expect(() => parseGrid(text)).toThrow(new CsvParseError(message));
    }
  });
});

describe("zipAsync", () => {
  it("gives zip()'s bytes however the entries' data is cut into chunks, empty entries included", async () => {
    const when = new Date(Date.UTC(2010, 8, 30, 13, 14, 16));
    const big = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `<c r="A${i}"><v>${(i * 7919) % 1000}</v></c>`).join(""), "latin1");
    const entries = [
      { name: "a.xml", data: Buffer.from("hello") },
      { name: "empty.xml", data: Buffer.alloc(0) },
      { name: "big.xml", data: big },
    ];
    const chunks = (b: Buffer, size: number) => Array.from({ length: Math.ceil(b.length / size) }, (_, k) => Buffer.from(b.subarray(k * size, (k + 1) * size)));
    const want = zip(entries, when);
    for (const [small, large] of [
      [1, 4099],
      [2, 65_537],
      [4096, 1 << 20],
    ]) {
      const got = await zipAsync(
        entries.map((e) => ({ name: e.name, data: chunks(e.data, e.data.length > 100 ? large : small) })),
        when,
        2,
      );
      expect(got.equals(want)).toBe(true);
    }
  });

  it("dates every entry with the date given (its UTC fields) and holds each entry's bytes", async () => {
    const when = new Date(Date.UTC(2010, 8, 30, 13, 14, 16));
    const entries = [
      { name: "a.csv", data: Buffer.from("x,y\r\n1,2\r\n") },
      { name: "b/c.xml", data: Buffer.from("<c/>".repeat(50_000)) },
    ];
    const bytes = zip(entries, when);
    // DOS time and date in every local header (offset 10) and central directory entry (offset 12).
    const dosTime = (13 << 11) | (14 << 5) | (16 / 2);
    const dosDate = ((2010 - 1980) << 9) | (9 << 5) | 30;
    const at = (sig: number) => [...bytes.keys()].filter((i) => i + 4 <= bytes.length && bytes.readUInt32LE(i) === sig);
    const local = at(0x04034b50);
    const central = at(0x02014b50);
    expect([local.length, central.length]).toEqual([2, 2]);
    for (const i of local) expect([bytes.readUInt16LE(i + 10), bytes.readUInt16LE(i + 12)]).toEqual([dosTime, dosDate]);
    for (const i of central) expect([bytes.readUInt16LE(i + 12), bytes.readUInt16LE(i + 14)]).toEqual([dosTime, dosDate]);
    const unzipped = await JSZip.loadAsync(bytes);
    expect(Object.keys(unzipped.files)).toEqual(["a.csv", "b/c.xml"]);
    for (const e of entries) expect((await unzipped.file(e.name)!.async("nodebuffer")).equals(e.data), e.name).toBe(true);
  });

  it("rejects when making a chunk throws, without leaving deflate work behind", async () => {
    function* failing() {
      yield Buffer.from("start");
      throw new Error("no more");
    }
    await expect(
      zipAsync(
        [
          { name: "ok", data: [Buffer.from("x".repeat(5_000_000))] },
          { name: "bad", data: failing() },
        ],
        new Date("1980-01-01T00:00:00Z"),
      ),
    ).rejects.toThrow("no more");
  });
});

describe("writeWorkbook", () => {
  it("writes sheets larger than a chunk whole, awkward cells escaped and neutralised", async () => {
    const columns = ["name", "n", "pct"];
    const rows = Array.from({ length: 40_000 }, (_, i) => [AWKWARD[i % AWKWARD.length], String(i), i % 5 ? (i / 10).toFixed(1) : "c"]);
    const bytes = await writeWorkbook({
      title: "T",
      buildDate: "2010-09-30",
      inputs: [],
      files: [],
      sheets: [{ name: "big", columns, dp: { n: 0, pct: 1 }, rows }],
    });
    const xml = await (await JSZip.loadAsync(bytes)).file("xl/worksheets/sheet2.xml")!.async("string");
    expect(xml.length).toBeGreaterThan(3 << 20);
    expect(xml.startsWith('<?xml version="1.0"')).toBe(true);
    expect(xml.endsWith("</row></sheetData></worksheet>")).toBe(true);
    expect(xml).toContain('<row r="8"><c r="A8" t="inlineStr"><is><t xml:space="preserve">\'=1+1</t></is></c><c r="B8" s="3"><v>6</v></c>');
    expect(xml).toContain('<row r="40001"><c r="A40001" t="inlineStr"><is><t xml:space="preserve">x</t></is></c><c r="B40001" s="3"><v>39999</v></c>');
    expect(xml).toContain('<c r="A15" t="inlineStr"><is><t xml:space="preserve">say &quot;hi&quot;</t></is></c>');
    expect(xml).toContain('<c r="C7" t="inlineStr"><is><t xml:space="preserve">c</t></is></c>');
    expect(xml).toContain('<c r="C8" s="4"><v>0.6</v></c>');
    expect(xml).toContain('<t xml:space="preserve">St Mary’s</t>');
    expect(xml.match(/<row /g)!.length).toBe(40_001);
  });

  it("heads a sheet with its labels when given, and puts the notes and the threshold on the cover", async () => {
    const bytes = await writeWorkbook({
      title: "T",
      buildDate: "2010-09-30",
      inputs: [],
      files: [],
      suppressionThreshold: 10,
      notes: [["Schools", "in the CSV"]],
      sheets: [{ name: "s", columns: ["n", "pct"], labels: ["Pupils", "Share (%)"], dp: { n: 0, pct: 1 }, rows: [["12", "c"]] }],
    });
    const zip = await JSZip.loadAsync(bytes);
    const sheet = await zip.file("xl/worksheets/sheet2.xml")!.async("string");
    expect(sheet).toContain(
      '<row r="1"><c r="A1" t="inlineStr" s="1"><is><t xml:space="preserve">Pupils</t></is></c><c r="B1" t="inlineStr" s="1"><is><t xml:space="preserve">Share (%)</t></is></c></row>',
    );
    expect(sheet).not.toContain(">pct<");
    expect(sheet).toContain('<c r="A2" s="3"><v>12</v></c><c r="B2" t="inlineStr"><is><t xml:space="preserve">c</t></is></c>');
    const cover = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    expect(cover).toContain("a count of 1 to 9 pupils");
    expect(cover).toMatch(/>Schools<\/t>.*>in the CSV<\/t>/);
  });
});
