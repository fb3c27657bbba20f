// Dates as inputs.md accepts them: ISO, UK day-first, Excel serials in workbooks;
// impossible and American dates are bad_date.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { excelSerialToIso } from "../pipelines/ingest/xlsx.ts";
import { folder, HEADERS, ingestAndValidate } from "./fixtures/ingest/harness.ts";

async function parse(values: string[]): Promise<(string | null)[]> {
  const db = await Db.open(":memory:");
  await db.run(readFileSync(join(import.meta.dirname, "../pipelines/validate/sql/macros.sql"), "utf8"));
  const rows = await db.all<{ d: string | null }>(
    `select strftime(ti_date(v), '%Y-%m-%d') as d from unnest(?::VARCHAR[]) with ordinality as t(v, i) order by i`,
    [JSON.stringify(values)],
  );
  db.close();
  return rows.map((r) => r.d);
}

describe("date parsing (SQL, used in bulk)", () => {
  it("reads ISO dates", async () => {
    expect(await parse(["2009-10-05", "2010-02-28", "2008-02-29"])).toEqual(["2009-10-05", "2010-02-28", "2008-02-29"]);
  });
  it("reads UK dates day first: 05/10/2009 is 5 October, never 10 May", async () => {
    expect(await parse(["05/10/2009", "5/10/2009", "31/12/2009", "01/09/2009"])).toEqual(["2009-10-05", "2009-10-05", "2009-12-31", "2009-09-01"]);
  });
  it("refuses impossible and American dates", async () => {
    expect(await parse(["29/02/2010", "31/04/2010", "10/25/2009", "2010-02-30", "2009-13-01", "32/01/2010"])).toEqual([null, null, null, null, null, null]);
  });
  it("refuses text that is not a date", async () => {
    expect(await parse(["5 Oct 2009", "20091005", "05-10-2009", "05/10/09", "yesterday"])).toEqual([null, null, null, null, null]);
  });
});

describe("Excel serial dates", () => {
  // 1 January 2009 is serial 39814 (Excel's DATE(2009,1,1)); 5 October is day 278 of 2009.
  it("converts serials in the 1900 system", () => {
    expect(excelSerialToIso(39814)).toBe("2009-01-01");
    expect(excelSerialToIso(39814 + 277)).toBe("2009-10-05");
    expect(excelSerialToIso(39814 + 277.75)).toBe("2009-10-05"); // a time of day is dropped
    expect(excelSerialToIso(1)).toBe("1900-01-01");
    expect(excelSerialToIso(61)).toBe("1900-03-01");
    expect(excelSerialToIso(60)).toBeNull(); // Excel's 29/02/1900 never existed
    expect(excelSerialToIso(0)).toBeNull();
  });
});

describe("bad dates end to end", () => {
  it("quarantines impossible dates as bad_date on the right line and column", async () => {
    const dir = folder({
      "tuition.csv": [
        HEADERS.tuition,
        "T1,K201100109001,100001,2009/10,maths,TU1,29/02/2010,2010-03-31,core,falling_behind,Y,Y,,",
        "T2,K201100109001,100001,2009/10,maths,TU1,2010-01-04,31/04/2010,core,falling_behind,Y,Y,,",
      ].join("\n"),
    });
    const db = await ingestAndValidate(dir);
    const q = await db.all(`select line, "column", value from quarantine where rule = 'bad_date' order by line`);
    expect(q).toEqual([
      { line: 2, column: "start_date", value: "29/02/2010" },
      { line: 3, column: "end_date", value: "31/04/2010" },
    ]);
    db.close();
  });
});
