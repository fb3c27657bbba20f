// Files as an LA's MIS and spreadsheets export them (issue 14, "Read what exports look like"):
// title and blank rows above the header, a "Total rows: N" footer under the table, other
// separators and encodings, workbooks with a notes sheet first, merged cells. Each is read
// as a person reads it: the rows of the table, by the line or sheet row they see.
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { folder, HEADERS, ingestOnly, settings } from "./fixtures/ingest/harness.ts";

const PUPIL = (upn: string, urn = "100001") => `${upn},2009/10,${urn},5,M,N,N,ENG,N,WBRI`;
const UPN1 = "K201100109001",
  UPN2 = "A201100109001";

async function workbook(sheets: Record<string, (ws: ExcelJS.Worksheet) => void>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, fill] of Object.entries(sheets)) fill(wb.addWorksheet(name));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readPupils(files: Record<string, string | Buffer>, extra: Record<string, unknown> = {}) {
  const dir = folder(files);
  const db = await ingestOnly(dir, settings(extra));
  const rows = await db.all<{ upn: string; urn: string; _line: number }>(`select upn, urn, _line from raw_pupils order by _line`);
  const file = await db.one<Record<string, unknown>>(
    `select file, encoding, delimiter, sheet, header_line, rows_read::INTEGER as rows_read, skipped from ingest_files where dataset = 'pupils'`,
  );
  db.close();
  return { rows, file: file! };
}

describe("CSV exports", () => {
  it("finds the header under title and blank rows, skips a footer, and keeps the lines a person sees", async () => {
    const csv = [
      "Pupil census extract,,,", // 1
      "Produced 05/05/2010 by the MIS,,,", // 2
      "", // 3
      HEADERS.pupils, // 4
      PUPIL(UPN1), // 5
      "", // 6
      PUPIL(UPN2), // 7
      ",,,,,,,,,", // 8: separators only
      "Total rows: 2,,,,,,,,,", // 9
    ].join("\r\n");
    const { rows, file } = await readPupils({ "pupils.csv": csv });
    expect(rows.map((r) => [r.upn, r._line])).toEqual([
      [UPN1, 5],
      [UPN2, 7],
    ]);
    expect(file).toMatchObject({ delimiter: ",", sheet: null, header_line: 4, rows_read: 2 });
    expect(file.skipped).toBe('lines 1-3 above the header; line 9 "Total rows: 2" after the table');
  });

  it("skips a title whose quoted text spans two lines, still numbering lines as an editor does", async () => {
    const csv = `"Census extract,\nspring 2010",,,\n${HEADERS.pupils}\n${PUPIL(UPN1)}\n`;
    const { rows, file } = await readPupils({ "pupils.csv": csv });
    expect(rows.map((r) => [r.upn, r._line])).toEqual([[UPN1, 4]]);
    expect(file).toMatchObject({ header_line: 3, rows_read: 1, skipped: "lines 1-2 above the header" });
  });

  it("keeps a short last row that is not a footer (no footer word, no blank line before it) as a row", async () => {
    const { rows, file } = await readPupils({ "pupils.csv": `${HEADERS.pupils}\n${PUPIL(UPN1)}\n${UPN2}\n` });
    expect(rows.map((r) => [r.upn, r._line])).toEqual([
      [UPN1, 2],
      [UPN2, 3],
    ]);
    expect(file).toMatchObject({ rows_read: 2, skipped: null });
  });

  it("reads a semicolon-separated file (Excel's CSV where the decimal mark is a comma)", async () => {
    const csv = `${HEADERS.pupils.replaceAll(",", ";")}\n${PUPIL(UPN1).replaceAll(",", ";")}\n`;
    const { rows, file } = await readPupils({ "pupils.csv": csv });
    expect(rows).toEqual([{ upn: UPN1, urn: "100001", _line: 2 }]);
    expect(file).toMatchObject({ delimiter: ";", rows_read: 1 });
  });

  it('reads Excel\'s "Unicode text": UTF-16 with a byte-order mark, separated by tabs', async () => {
    const text = `${HEADERS.pupils.replaceAll(",", "\t")}\r\n${PUPIL(UPN1).replaceAll(",", "\t")}\r\n${PUPIL(UPN2).replaceAll(",", "\t")}\r\n`;
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf16le")]);
    const { rows, file } = await readPupils({ "pupils.csv": bytes });
    expect(rows.map((r) => [r.upn, r._line])).toEqual([
      [UPN1, 2],
      [UPN2, 3],
    ]);
    expect(file).toMatchObject({ encoding: "utf-16le", delimiter: "\t", rows_read: 2 });
  });
});

describe("workbook exports", () => {
  const census = (ws: ExcelJS.Worksheet) => {
    ws.addRow(["Pupil census, spring 2010"]); // 1: a title merged across the table
    ws.mergeCells("A1:J1");
    ws.addRow([]); // 2
    ws.addRow(HEADERS.pupils.split(",")); // 3
    ws.addRow(PUPIL(UPN1).split(",")); // 4
    ws.addRow(PUPIL(UPN2, "").split(",")); // 5: its urn is in a cell merged with the row above
    ws.mergeCells("C4:C5");
    ws.addRow([]); // 6
    ws.addRow(["Total rows: 2"]); // 7
  };

  it("reads the sheet whose header fits, behind a notes sheet: title, merged school, footer", async () => {
    const xlsx = await workbook({
      "Read me": (ws) => {
        ws.addRow(["About this extract"]);
        ws.addRow(["Do not edit the census sheet"]);
      },
      "Census Spring 2010": census,
    });
    const { rows, file } = await readPupils({ "pupils.xlsx": xlsx });
    expect(rows).toEqual([
      { upn: UPN1, urn: "100001", _line: 4 },
      { upn: UPN2, urn: "100001", _line: 5 },
    ]);
    expect(file).toMatchObject({ encoding: "xlsx", sheet: "Census Spring 2010", header_line: 3, rows_read: 2, delimiter: null });
    expect(file.skipped).toBe(
      'rows 1-2 above the header; row 7 "Total rows: 2" after the table; 1 merged range read as its top-left value; sheet "Read me" not read',
    );
  });

  it("knows sheets by their tab names when the workbook's writer used absolute paths (openpyxl, MIS exports)", async () => {
    const zip = await JSZip.loadAsync(
      await workbook({
        Notes: (ws) => {
          ws.addRow(["About this extract"]);
        },
        "Census Spring 2010": (ws) => {
          ws.addRow(HEADERS.pupils.split(","));
          ws.addRow(PUPIL(UPN1).split(","));
        },
      }),
    );
    const rels = await zip.file("xl/_rels/workbook.xml.rels")!.async("string");
    expect(rels).toContain('Target="worksheets/sheet2.xml"');
    zip.file("xl/_rels/workbook.xml.rels", rels.replaceAll('Target="worksheets/', 'Target="/xl/worksheets/'));
    const xlsx = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    const { rows, file } = await readPupils({ "pupils.xlsx": xlsx }, { sheets: { pupils: "Census Spring 2010" } });
    expect(rows.map((r) => r.upn)).toEqual([UPN1]);
    expect(file.sheet).toBe("Census Spring 2010");
  });

  it("reads a header merged across two columns as one header, in its top-left cell", async () => {
    const xlsx = await workbook({
      pupils: (ws) => {
        ws.addRow(["Pupil UPN", null, ...HEADERS.pupils.split(",").slice(1)]);
        ws.mergeCells("A1:B1");
        ws.addRow([UPN1, "(check digit ok)", ...PUPIL(UPN1).split(",").slice(1)]);
      },
    });
    const { rows, file } = await readPupils({ "pupils.xlsx": xlsx });
    expect(rows).toEqual([{ upn: UPN1, urn: "100001", _line: 2 }]);
    expect(file).toMatchObject({ header_line: 1, rows_read: 1 });
  });

  it("reads the sheet the settings name (`sheets`), and says which sheets there are when it is missing", async () => {
    const two = await workbook({
      "Census Autumn 2009": (ws) => {
        ws.addRow(HEADERS.pupils.split(","));
        ws.addRow(PUPIL(UPN1).split(","));
      },
      "Census Spring 2010": (ws) => {
        ws.addRow(HEADERS.pupils.split(","));
        ws.addRow(PUPIL(UPN2).split(","));
      },
    });
    // Equal fits: the first sheet, unless the settings say otherwise.
    expect((await readPupils({ "pupils.xlsx": two })).rows.map((r) => r.upn)).toEqual([UPN1]);
    const named = await readPupils({ "pupils.xlsx": two }, { sheets: { pupils: "census spring 2010 " } });
    expect(named.rows.map((r) => r.upn)).toEqual([UPN2]);
    expect(named.file.sheet).toBe("Census Spring 2010");

    // The setting's keys are datasets: a typo is a settings error naming it, before anything is read.
    expect(() => settings({ sheets: { pupil: "Census Spring 2010" } })).toThrow(/sheets: Unrecognized key: "pupil"/);
    const err = await readPupils({ "pupils.xlsx": two }, { sheets: { pupils: "Census Summer 2010" } }).catch((e) => e);
    expect(err.message).toBe(
      'pupils.xlsx: has no sheet named "Census Summer 2010" (settings sheets.pupils); its sheets are "Census Autumn 2009", "Census Spring 2010". Correct the name in settings.json.',
    );
  });
});

describe("files that cannot be read, in sentences", () => {
  async function refusal(files: Record<string, string | Buffer>): Promise<string> {
    const dir = folder(files);
    return ingestOnly(dir).then(
      (db) => {
        db.close();
        return "read without error";
      },
      (e: Error) => e.message,
    );
  }
  const cfb = (streamName?: string) => {
    const bytes = Buffer.alloc(4096);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes);
    if (streamName) Buffer.from(streamName, "utf16le").copy(bytes, 1024); // a directory entry's name
    return bytes;
  };

  it("a password-protected workbook (Excel wraps it in an encrypted compound file)", async () => {
    expect(await refusal({ "pupils.xlsx": cfb("EncryptionInfo") })).toBe(
      "pupils.xlsx: is protected with a password (Excel has encrypted it), so it cannot be read. Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), save it, and run again; or save the data as CSV.",
    );
  });

  it("an old .xls workbook under an .xlsx name", async () => {
    expect(await refusal({ "pupils.xlsx": cfb() })).toMatch(/^pupils\.xlsx: is an Excel 97-2003 workbook \(\.xls\)/);
  });

  it("a damaged workbook (cut short), not the zip library's FILE_ENDED", async () => {
    const whole = await workbook({
      pupils: (ws) => {
        ws.addRow(HEADERS.pupils.split(","));
        for (let i = 0; i < 50; i++) ws.addRow(PUPIL(UPN1).split(","));
      },
    });
    expect(await refusal({ "pupils.xlsx": whole.subarray(0, Math.floor(whole.length * 0.6)) })).toBe(
      'pupils.xlsx: is damaged or incomplete, so it cannot be opened as a workbook (its zip archive is cut short or corrupt). Open it in Excel and save it again as "Excel Workbook (.xlsx)", or save the data as CSV.',
    );
  });

  it("an empty workbook file, and a CSV of spaces and separators only", async () => {
    expect(await refusal({ "pupils.xlsx": "" })).toMatch(/^pupils\.xlsx: is empty \(0 bytes\)/);
    expect(await refusal({ "pupils.csv": "  \n\t\n,,, \n" })).toBe(
      "pupils.csv: is empty: every line is blank (spaces or separators only), so it has no header and no rows.",
    );
  });

  it("UTF-16 without a byte-order mark", async () => {
    expect(await refusal({ "pupils.csv": iconv.encode(`${HEADERS.pupils}\n${PUPIL(UPN1)}\n`, "utf16le") })).toMatch(
      /^pupils\.csv: is UTF-16 text without a byte-order mark/,
    );
  });

  it("the header search stops at 20 rows: a header below 20 title rows is not found", async () => {
    const titles = Array.from({ length: 20 }, (_, i) => `Note ${i + 1}`);
    const message = await refusal({ "pupils.csv": [...titles, HEADERS.pupils, PUPIL(UPN1)].join("\n") });
    expect(message).toMatch(/pupils\.csv: required columns upn, academic_year, .* missing/);
    const found = await refusal({ "pupils.csv": [...titles.slice(1), HEADERS.pupils, PUPIL(UPN1)].join("\n") });
    expect(found).toBe("read without error");
  });
});
