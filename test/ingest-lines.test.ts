// Line numbers as a text editor shows them (header = 1): quoted newlines make a row span
// lines, blank lines are not rows but still count.
import { describe, expect, it } from "vitest";
import { folder, ingestOnly } from "./fixtures/ingest/harness.ts";

const H = "response_id,tuition_id,respondent,stage,item,response,comment";

async function lines(content: string) {
  const db = await ingestOnly(folder({ "viewpoints.csv": content }));
  const rows = await db.all<{ response_id: string; _line: number; comment: string | null }>(
    `select response_id, _line, comment from raw_viewpoints order by _line`,
  );
  const read = await db.one<{ rows_read: number }>(`select rows_read from ingest_files where dataset = 'viewpoints'`);
  db.close();
  return { rows, read: read!.rows_read };
}

describe("line numbers", () => {
  it("counts embedded newlines, blank lines and blank-only rows", async () => {
    const csv = [
      H, // 1
      'R1,T1,pupil,pre,a,1,"first', // 2
      "second", // 3
      'third"', // 4
      "", // 5 blank
      "R2,T1,pupil,pre,b,2,", // 6
      ",,,,,,", // 7 separators only: a blank line too
      "   ", // 8 spaces only
      'R3,T1,pupil,pre,c,3,"say ""hi""', // 9
      'there"', // 10
      "R4,T1,pupil,pre,d,4,last", // 11 (no final newline)
    ].join("\r\n");
    const { rows, read } = await lines(csv);
    expect(rows).toEqual([
      { response_id: "R1", _line: 2, comment: "first\r\nsecond\r\nthird" },
      { response_id: "R2", _line: 6, comment: null },
      { response_id: "R3", _line: 9, comment: 'say "hi"\r\nthere' },
      { response_id: "R4", _line: 11, comment: "last" },
    ]);
    expect(read).toBe(4);
  });

  it("trims spaces, tabs and Excel's non-breaking spaces, and reads blank values as NULL", async () => {
    const { rows } = await lines(`${H}\n\t R1\u00a0,T1,pupil,pre,a,1,  two words \nR2,T1,pupil,pre,b,2,"  "\n`);
    expect(rows).toEqual([
      { response_id: "R1", _line: 2, comment: "two words" },
      { response_id: "R2", _line: 3, comment: null },
    ]);
  });

  it("numbers lines after blank lines above the header", async () => {
    const { rows } = await lines(`\n\n${H}\nR1,T1,pupil,pre,a,1,\n\nR2,T1,pupil,pre,b,2,\n`);
    expect(rows.map((r) => [r.response_id, r._line])).toEqual([
      ["R1", 4],
      ["R2", 6],
    ]);
  });

  it("pads short rows rather than losing them", async () => {
    const { rows } = await lines(`${H}\nR1,T1,pupil\n"R2",T1,pupil,pre,"multi\nline",2,x\nR3,T1\n`);
    expect(rows.map((r) => [r.response_id, r._line])).toEqual([
      ["R1", 2],
      ["R2", 3],
      ["R3", 5],
    ]);
  });

  it("numbers lines the same way when many rows span lines (the line index is then joined, not inlined)", async () => {
    // Row k (1-based) holds a comment of k % 3 + 1 lines; blank line after every 10th row.
    const parts = [H];
    const expected: [string, number][] = [];
    let line = 2;
    for (let k = 1; k <= 150; k++) {
      const extra = k % 3;
      expected.push([`R${k}`, line]);
      parts.push(`R${k},T1,pupil,pre,item,1,"${["c"].concat(Array(extra).fill("more")).join("\n")}"`);
      line += extra + 1;
      if (k % 10 === 0) {
        parts.push("");
        line++;
      }
    }
    const { rows, read } = await lines(parts.join("\n") + "\n");
    expect(read).toBe(150);
    expect(rows.map((r) => [r.response_id, r._line])).toEqual(expected);
  });
});
