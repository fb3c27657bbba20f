// Header matching (inputs.md): case-insensitive, ignoring spaces, _ and -; built-in
// aliases; aliases from settings; missing columns and ambiguous headers stop the run.
import { describe, expect, it } from "vitest";
import { InputRefusedError } from "../pipelines/core/exit-codes.ts";
import { folder, HEADERS, ingestOnly, settings } from "./fixtures/ingest/harness.ts";

describe("header matching", () => {
  it("matches headers ignoring case, spaces, _ and - and knows common aliases", async () => {
    const dir = folder({
      "pupils.csv": "Pupil UPN, ACADEMIC-YEAR ,Urn,NC Year,gender,F_S_M,cla,First Language,SEN,ethnicity\nK201100109001,2009/10,100001,5,M,N,N,ENG,N,WBRI\n",
    });
    const db = await ingestOnly(dir);
    expect(await db.all(`select upn, academic_year, nc_year, fsm from raw_pupils`)).toEqual([
      { upn: "K201100109001", academic_year: "2009/10", nc_year: "5", fsm: "N" },
    ]);
    db.close();
  });

  it("uses header aliases from settings, and lists columns it does not use", async () => {
    const dir = folder({
      "pupils.csv":
        "Learner Ref,academic_year,urn,Yr Grp,gender,fsm,cla,first_language,sen,ethnicity,Tutor notes\nK201100109001,2009/10,100001,R,M,N,N,ENG,N,WBRI,keen\n",
    });
    const db = await ingestOnly(dir, settings({ header_aliases: { pupils: { upn: ["learner_ref"], nc_year: ["Yr Grp"] } } }));
    expect(await db.all(`select upn, nc_year from raw_pupils`)).toEqual([{ upn: "K201100109001", nc_year: "R" }]);
    expect(await db.all(`select extra_columns from ingest_files where dataset = 'pupils'`)).toEqual([{ extra_columns: ["Tutor notes"] }]);
    db.close();
  });

  it("stops with the file, the missing column and the header it found", async () => {
    const dir = folder({ "pupils.csv": "upn,academic_year,urn,gender,fsm,cla,first_language,sen,ethnicity\n" });
    const err = await ingestOnly(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    expect(err.reasons).toHaveLength(1);
    expect(err.reasons[0]).toMatch(/^pupils\.csv: required column nc_year missing/);
    expect(err.message).toContain("nc_year");
    expect(err.message).toContain('"ethnicity"');
  });

  it("stops when two headers mean the same column", async () => {
    const dir = folder({ "schools.csv": `${HEADERS.schools},URN\n` });
    const err = await ingestOnly(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    expect(err.message).toMatch(/schools\.csv: The headers "urn" and "URN" both mean urn/);
  });

  it("accepts a missing optional column (viewpoints.comment) as blank", async () => {
    const dir = folder({ "viewpoints.csv": "response_id,tuition_id,respondent,stage,item,response\nR1,T1,pupil,pre,confidence,3\n" });
    const db = await ingestOnly(dir);
    expect(await db.all(`select response_id, comment from raw_viewpoints`)).toEqual([{ response_id: "R1", comment: null }]);
    db.close();
  });
});
