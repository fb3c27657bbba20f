// The clean synthetic LA every corpus case starts from: seven small files, all valid, so
// whatever a case quarantines or refuses is due to the one thing the case changes.
// UPNs carry correct DfE check letters (worked out with pipelines/validate/upn.ts once and
// written here as text, so a change to the algorithm cannot silently move the expectations).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const UPN = {
  /** Year 6 at the primary: maths course T1, attainment, viewpoints. */
  p1: "U919200109001",
  /** Year 6 at the primary: english course T2. */
  p2: "H919200109002",
  /** Year 6 at the primary: no course, no attainment (a leaf row, safe to quarantine). */
  p3: "X919200109003",
  /** Year 10 at the National Challenge secondary: english course T3 (GCSE context). */
  p4: "L919400105001",
  /** Valid check letter but not on the census. */
  absent: "A919400105002",
};

export const HEADER = {
  schools: "urn,laestab,school_name,la_code,phase,academy,national_challenge,ecaw",
  pupils: "upn,academic_year,urn,nc_year,gender,fsm,cla,first_language,sen,ethnicity",
  attainment: "upn,subject,assessment,assessed_on,result",
  tuition: "tuition_id,upn,urn,academic_year,subject,tutor_id,start_date,end_date,allocation,entry_reason,itp_agreed,mid_check,targets_set,targets_met",
  sessions: "tuition_id,session_date,minutes,in_school_day,attended",
  viewpoints: "response_id,tuition_id,respondent,stage,item,response,comment",
  allocations: "academic_year,la_code,urn,key_stage,subject,places,funding_gbp",
} as const;
export type Name = keyof typeof HEADER;

/** Data rows of the base files (no header). Line n of a file is ROWS[name][n - 2]. */
export const ROWS: Record<Name, string[]> = {
  schools: [
    "100001,9192001,Synthetic Primary,919,primary,N,N,N",
    "100002,9194002,Synthetic High,919,secondary,N,Y,N",
  ],
  pupils: [
    `${UPN.p1},2009/10,100001,6,M,Y,N,ENG,N,WBRI`,
    `${UPN.p2},2009/10,100001,6,F,N,N,POL,A,WOTH`,
    `${UPN.p3},2009/10,100001,6,F,N,N,ENG,N,ABAN`,
    `${UPN.p4},2009/10,100002,10,M,N,N,ENG,P,BCRB`,
  ],
  attainment: [
    `${UPN.p1},maths,ks1,2006-06-30,2b`,
    `${UPN.p1},maths,ta,2009-09-30,3c`,
    `${UPN.p1},maths,ks2,2010-05-14,4c`,
    `${UPN.p4},english,ta,2009-09-30,D`,
  ],
  tuition: [
    `T1,${UPN.p1},100001,2009/10,maths,TU01,2009-10-05,2009-12-18,core,falling_behind,Y,Y,3,2`,
    `T2,${UPN.p2},100001,2009/10,english,TU02,05/10/2009,18/12/2009,fsm,below_expected_on_entry,Y,N,,`,
    `T3,${UPN.p4},100002,2009/10,english,TU01,2010-01-11,2010-03-26,core,falling_behind,N,Y,2,2`,
  ],
  sessions: [
    "T1,2009-10-05,60,Y,Y",
    "T1,2009-10-12,60,N,Y",
    "T2,2009-10-06,45,Y,N",
    "T3,2010-01-11,60,Y,Y",
  ],
  viewpoints: [
    "R1,T1,pupil,pre,confidence,2,",
    "R1,T1,pupil,pre,enjoyment,3,likes fractions",
    "R2,T1,pupil,post,confidence,4,",
  ],
  allocations: [
    "2009/10,919,,2,maths,20,5400",
    "2009/10,919,100001,2,maths,4,1080",
  ],
};

export const FILES: Name[] = Object.keys(HEADER) as Name[];

/** A base file's text: header, rows, LF line ends, final newline. */
export function baseCsv(name: Name, rows: string[] = ROWS[name], header: string = HEADER[name]): string {
  return [header, ...rows].join("\n") + "\n";
}

/**
 * A folder holding the base LA with some files replaced (`name.csv` or `name.xlsx` keys) or
 * removed (value null). A replacement with another extension removes the base `.csv`.
 */
export function corpusFolder(files: Record<string, string | Buffer | null> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "corpus-"));
  const replaced = new Set(Object.keys(files).map((f) => f.toLowerCase().replace(/\.[^.]*$/, "")));
  for (const name of FILES) if (!replaced.has(name)) writeFileSync(join(dir, `${name}.csv`), baseCsv(name));
  for (const [file, content] of Object.entries(files)) if (content !== null) writeFileSync(join(dir, file), content);
  return dir;
}
