// Flags (inputs.md): Y/N, Yes/No, TRUE/FALSE, 1/0 in any case; blank = unknown, except
// fsm and cla where blank means N.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { folder, HEADERS, ingestAndValidate } from "./fixtures/ingest/harness.ts";

describe("flag parsing", () => {
  it("accepts the spec's spellings in any case and nothing else", async () => {
    const db = await Db.open(":memory:");
    await db.run(readFileSync(join(import.meta.dirname, "../pipelines/validate/sql/macros.sql"), "utf8"));
    const values = ["Y", "y", "Yes", "YES", "TRUE", "true", "1", "N", "n", "No", "no", "FALSE", "False", "0", "maybe", "2", "T", "F", "ja"];
    const rows = await db.all<{ v: string; f: boolean | null }>(`select v, ti_flag(v) as f from unnest(?::VARCHAR[]) with ordinality as t(v, i) order by i`, [
      JSON.stringify(values),
    ]);
    expect(rows.map((r) => r.f)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      null,
      null,
      null,
      null,
      null,
    ]);
    db.close();
  });

  it("loads blank fsm/cla as N, other blank flags as unknown, and quarantines a bad flag", async () => {
    const dir = folder({
      "schools.csv": `${HEADERS.schools}\n100001,9192001,Synthetic A,919,primary,,yes,0\n100002,9192002,Synthetic B,919,primary,perhaps,N,N\n`,
      "pupils.csv": `${HEADERS.pupils}\nK201100109001,2009/10,100001,5,M,,,ENG,N,WBRI\n`,
    });
    const db = await ingestAndValidate(dir);
    expect(await db.all(`select academy, national_challenge, ecaw from stg_schools`)).toEqual([{ academy: null, national_challenge: true, ecaw: false }]);
    expect(await db.all(`select fsm, cla from stg_pupils`)).toEqual([{ fsm: false, cla: false }]);
    expect(await db.all(`select file, line, "column", rule from quarantine`)).toEqual([{ file: "schools.csv", line: 3, column: "academy", rule: "bad_flag" }]);
    db.close();
  });
});
