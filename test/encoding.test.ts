// Encodings (inputs.md): UTF-8 with or without BOM, and Windows-1252 detected and read.
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { folder, HEADERS, ingestOnly } from "./fixtures/ingest/harness.ts";

const ROW = "100001,9192001,Ysgol Siobhán Zoë Müller,919,primary,N,N,N";

async function readSchool(content: Buffer) {
  const db = await ingestOnly(folder({ "schools.csv": content }));
  const rows = await db.all(`select urn, school_name, _line from raw_schools`);
  const file = await db.one(`select encoding, rows_read from ingest_files where dataset = 'schools'`);
  db.close();
  return { rows, file };
}

describe("CSV encodings", () => {
  it("reads UTF-8 without a BOM", async () => {
    const { rows, file } = await readSchool(Buffer.from(`${HEADERS.schools}\n${ROW}\n`, "utf8"));
    expect(rows).toEqual([{ urn: "100001", school_name: "Ysgol Siobhán Zoë Müller", _line: 2 }]);
    expect(file).toEqual({ encoding: "utf-8", rows_read: 1 });
  });

  it("reads UTF-8 with a BOM, the BOM not leaking into the first header", async () => {
    const { rows, file } = await readSchool(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADERS.schools}\r\n${ROW}\r\n`, "utf8")]));
    expect(rows).toEqual([{ urn: "100001", school_name: "Ysgol Siobhán Zoë Müller", _line: 2 }]);
    expect(file).toEqual({ encoding: "utf-8-bom", rows_read: 1 });
  });

  it("detects Windows-1252 and converts it: Siobhán comes back as Siobhán", async () => {
    const bytes = iconv.encode(`${HEADERS.schools}\r\n${ROW}\r\n`, "win1252");
    expect(bytes.includes(Buffer.from([0xe1]))).toBe(true); // á as the single byte E1: not UTF-8
    const { rows, file } = await readSchool(bytes);
    expect(rows).toEqual([{ urn: "100001", school_name: "Ysgol Siobhán Zoë Müller", _line: 2 }]);
    expect(file).toEqual({ encoding: "windows-1252", rows_read: 1 });
  });

  it("keeps a multi-byte UTF-8 character split across the scanner's 1 MiB chunks", async () => {
    // Pad so that 'á' straddles the 1 MiB boundary of the streaming scan.
    const head = `${HEADERS.schools}\n`;
    const pad = "x".repeat((1 << 20) - head.length - "100001,9192001,".length - 1);
    const text = `${head}100001,9192001,${pad}á,919,primary,N,N,N\n`;
    const { rows, file } = await readSchool(Buffer.from(text, "utf8"));
    expect(file).toEqual({ encoding: "utf-8", rows_read: 1 });
    expect((rows[0] as { school_name: string }).school_name.endsWith("xá")).toBe(true);
  });
});
