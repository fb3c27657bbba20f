// Planted bad rows (--faults): each breaks exactly one validation rule of
// docs/architecture.md and is listed with the line a text editor shows (header = 1); the
// rows that depend on a planted bad pupil or course are listed as parent_quarantined.
// Appended after the valid rows, so no valid row depends on a fault and the planted
// effects are untouched. Every fault row's key is its own (none is also a duplicate).
import { iso } from "./dates.js";
import { makeUpn, withWrongCheckLetter } from "./upn-make.js";
import type { CsvWriter } from "./csv-writer.js";
import type { Dataset } from "../ingest/datasets.js";
import type { Run } from "./pupils.js";

export interface Fault {
  file: string;
  line: number;
  column: string;
  rule: string;
  value: string;
}

/** Plant `n` rows of each kind (duplicate keys: `n` pairs). */
export function plantFaults(
  n: number,
  w: Record<Dataset, CsvWriter>,
  run: Run,
  ctx: { la: string; schoolUrn: string; freeAllocationKeys: [string, string, string][] },
): Fault[] {
  const faults: Fault[] = [];
  const add = (file: string, writer: CsvWriter, row: string[], column: string, rule: string, value: string): number => {
    const line = writer.push(row.join(","));
    faults.push({ file, line, column, rule, value });
    return line;
  };
  const { la, schoolUrn } = ctx;
  const y1 = run.anchors.y1Pupils;
  const courses = run.anchors.courses;
  if (y1.length < n || courses.length < n) throw new Error("Too little data to plant faults: use more schools or pupils");
  // Invented pupils for the pupil faults, numbered from an establishment no school uses.
  let serial = 0;
  const freshUpn = () => makeUpn(la, "0999", 5, serial++);
  const pupilRow = (upn: string, o: { academic_year?: string; urn?: string; nc_year?: string; gender?: string; fsm?: string } = {}) => [
    upn,
    o.academic_year ?? "2009/10",
    o.urn ?? schoolUrn,
    o.nc_year ?? "4",
    o.gender ?? "F",
    o.fsm ?? "N",
    "N",
    "ENG",
    "N",
    "WBRI",
  ];
  const parents: { upn: string; line: number }[] = [];
  // ---- schools (no dependants) ----
  for (let i = 0; i < n; i++) {
    const base = (u2: string, o: { laestab?: string; name?: string; phase?: string; academy?: string } = {}) => [
      u2,
      o.laestab ?? `${la}${8100 + faults.length}`,
      o.name ?? `Planted Fault School ${faults.length}`,
      la,
      o.phase ?? "primary",
      o.academy ?? "N",
      "N",
      "N",
    ];
    const u = () => String(999e3 + faults.length);
    const wrong = `${la === "920" ? "921" : "920"}${8100 + faults.length}`;
    add("schools.csv", w.schools, base(u(), { laestab: wrong }), "laestab", "laestab_mismatch", wrong);
    add("schools.csv", w.schools, base(u(), { phase: "nursery" }), "phase", "bad_code", "nursery");
    add("schools.csv", w.schools, base(u(), { academy: "maybe" }), "academy", "bad_flag", "maybe");
    add("schools.csv", w.schools, base(u(), { name: "" }), "school_name", "missing_value", "");
    const dup = u();
    const row = base(dup);
    add("schools.csv", w.schools, row, "urn", "duplicate_key", dup);
    add("schools.csv", w.schools, row, "urn", "duplicate_key", dup);
  }
  // ---- pupils: invented pupils; some have dependants (parents) ----
  for (let i = 0; i < n; i++) {
    const good = freshUpn();
    add("pupils.csv", w.pupils, pupilRow(withWrongCheckLetter(good)), "upn", "bad_upn_check_letter", withWrongCheckLetter(good));
    const short = freshUpn().slice(0, 12);
    add("pupils.csv", w.pupils, pupilRow(short), "upn", "bad_upn", short);
    const unknownSchool = freshUpn();
    parents.push({ upn: unknownSchool, line: add("pupils.csv", w.pupils, pupilRow(unknownSchool, { urn: "999998" }), "urn", "unknown_school", "999998") });
    const badGender = freshUpn();
    parents.push({ upn: badGender, line: add("pupils.csv", w.pupils, pupilRow(badGender, { gender: "X" }), "gender", "bad_code", "X") });
    add("pupils.csv", w.pupils, pupilRow(freshUpn(), { fsm: "maybe" }), "fsm", "bad_flag", "maybe");
    add("pupils.csv", w.pupils, pupilRow(freshUpn(), { nc_year: "" }), "nc_year", "missing_value", "");
    add("pupils.csv", w.pupils, pupilRow(freshUpn(), { academic_year: "2009/11" }), "academic_year", "bad_academic_year", "2009/11");
    const dup = freshUpn();
    parents.push({ upn: dup, line: add("pupils.csv", w.pupils, pupilRow(dup), "upn+academic_year", "duplicate_key", dup) });
    parents.push({ upn: dup, line: add("pupils.csv", w.pupils, pupilRow(dup), "upn+academic_year", "duplicate_key", dup) });
  }
  // ---- attainment: faults on real Y1 pupils, who have no other attainment ----
  for (let i = 0; i < n; i++) {
    const p = y1[i].upn;
    const stranger = freshUpn();
    add("attainment.csv", w.attainment, [stranger, "maths", "ta", "2010-04-01", "2b"], "upn", "unknown_pupil", stranger);
    add("attainment.csv", w.attainment, [p, "science", "ta", "2010-04-01", "2b"], "subject", "bad_code", "science");
    add("attainment.csv", w.attainment, [p, "maths", "ta", "2010-04-01", "Q9"], "result", "bad_result", "Q9");
    add("attainment.csv", w.attainment, [p, "maths", "ta", "31/04/2010", "1b"], "assessed_on", "bad_date", "31/04/2010");
    add("attainment.csv", w.attainment, [p, "reading", "ta", "29/02/2010", "1b"], "assessed_on", "bad_date", "29/02/2010");
    add("attainment.csv", w.attainment, [p, "writing", "ta", "2009-12-11", ""], "result", "missing_value", "");
    add("attainment.csv", w.attainment, [p, "maths", "ta", "2009-12-11", "1a"], "upn+subject+assessment+assessed_on", "duplicate_key", p);
    add("attainment.csv", w.attainment, [p, "maths", "ta", "2009-12-11", "1a"], "upn+subject+assessment+assessed_on", "duplicate_key", p);
  }
  // Dependants of the bad pupils: one row per distinct pupil (a duplicated pupil's two
  // rows share it), so no dependant is itself a duplicate.
  const parentUpns = [...new Set(parents.map((p) => p.upn))];
  for (const upn of parentUpns) {
    add("attainment.csv", w.attainment, [upn, "maths", "ta", "2010-04-01", "3b"], "upn", "parent_quarantined", upn);
  }
  // ---- tuition: faults on courses of real Y1 pupils; a course for every other bad pupil ----
  let tid = 0;
  const courseId = () => `TUF${String(tid++).padStart(5, "0")}`;
  const course = (
    id: string,
    upn: string,
    urn: string,
    o: { subject?: string; tutor?: string; start?: string; end?: string; itp?: string; set?: string; met?: string } = {},
  ) => [
    id,
    upn,
    urn,
    "2009/10",
    o.subject ?? "maths",
    o.tutor ?? "T999999",
    o.start ?? "2010-01-11",
    o.end ?? "2010-03-19",
    "core",
    "below_expected_on_entry",
    o.itp ?? "Y",
    "Y",
    o.set ?? "3",
    o.met ?? "2",
  ];
  for (let i = 0; i < n; i++) {
    const { upn, urn } = y1[i];
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { start: "2010-03-19", end: "2010-01-11" }), "end_date", "end_before_start", "2010-01-11");
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { start: "29/02/2010" }), "start_date", "bad_date", "29/02/2010");
    add("tuition.csv", w.tuition, course(courseId(), upn, "999998"), "urn", "unknown_school", "999998");
    const stranger = freshUpn();
    add("tuition.csv", w.tuition, course(courseId(), stranger, urn), "upn", "unknown_pupil", stranger);
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { subject: "science" }), "subject", "bad_code", "science");
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { itp: "maybe" }), "itp_agreed", "bad_flag", "maybe");
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { set: "2", met: "3" }), "targets_met", "targets_met_exceeds_set", "3");
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { tutor: "" }), "tutor_id", "missing_value", "");
    add("tuition.csv", w.tuition, course(courseId(), upn, urn, { set: "two", met: "" }), "targets_set", "bad_number", "two");
    const dup = courseId();
    add("tuition.csv", w.tuition, course(dup, upn, urn), "tuition_id", "duplicate_key", dup);
    add("tuition.csv", w.tuition, course(dup, upn, urn), "tuition_id", "duplicate_key", dup);
  }
  const parentCourses: string[] = [];
  for (const upn of parentUpns.filter((_, i) => i % 2 === 0)) {
    const id = courseId();
    parentCourses.push(id);
    add("tuition.csv", w.tuition, course(id, upn, schoolUrn), "upn", "parent_quarantined", upn);
  }
  // ---- sessions: faults on real courses (sessions have no key) ----
  for (let i = 0; i < n; i++) {
    const c = courses[i];
    const inside = iso(c.start);
    add("sessions.csv", w.sessions, ["TU9999999", inside, "60", "Y", "Y"], "tuition_id", "unknown_course", "TU9999999");
    add("sessions.csv", w.sessions, [c.id, iso(c.end + 20), "60", "Y", "Y"], "session_date", "session_outside_course", iso(c.end + 20));
    add("sessions.csv", w.sessions, [c.id, inside, "300", "Y", "Y"], "minutes", "out_of_range", "300");
    add("sessions.csv", w.sessions, [c.id, inside, "sixty", "Y", "Y"], "minutes", "bad_number", "sixty");
    add("sessions.csv", w.sessions, [c.id, inside, "60", "Y", "maybe"], "attended", "bad_flag", "maybe");
    add("sessions.csv", w.sessions, [c.id, "31/09/2009", "60", "Y", "Y"], "session_date", "bad_date", "31/09/2009");
    add("sessions.csv", w.sessions, [c.id, inside, "", "Y", "Y"], "minutes", "missing_value", "");
  }
  for (const id of parentCourses) {
    for (const d of ["2010-01-11", "2010-01-14"]) add("sessions.csv", w.sessions, [id, d, "60", "Y", "Y"], "tuition_id", "parent_quarantined", id);
  }
  // ---- viewpoints ----
  let rid = 0;
  const resp = () => `QF${String(rid++).padStart(6, "0")}`;
  for (let i = 0; i < n; i++) {
    const c = courses[i].id;
    add("viewpoints.csv", w.viewpoints, [resp(), "TU9999999", "pupil", "pre", "confidence", "3", ""], "tuition_id", "unknown_course", "TU9999999");
    add("viewpoints.csv", w.viewpoints, [resp(), c, "grandparent", "pre", "confidence", "3", ""], "respondent", "bad_code", "grandparent");
    add("viewpoints.csv", w.viewpoints, [resp(), c, "pupil", "during", "confidence", "3", ""], "stage", "bad_code", "during");
    add("viewpoints.csv", w.viewpoints, [resp(), c, "pupil", "post", "confidence", "5", ""], "response", "out_of_range", "5");
    add("viewpoints.csv", w.viewpoints, [resp(), c, "pupil", "post", "", "3", ""], "item", "missing_value", "");
    const dup = resp();
    add("viewpoints.csv", w.viewpoints, [dup, c, "tutor", "post", "enjoyment", "3", ""], "response_id+item", "duplicate_key", dup);
    add("viewpoints.csv", w.viewpoints, [dup, c, "tutor", "post", "enjoyment", "4", ""], "response_id+item", "duplicate_key", dup);
  }
  for (const id of parentCourses) {
    add("viewpoints.csv", w.viewpoints, [resp(), id, "pupil", "pre", "confidence", "2", ""], "tuition_id", "parent_quarantined", id);
  }
  // ---- allocations: keys (urn, key stage, subject) that no real row has ----
  const keys = ctx.freeAllocationKeys;
  if (keys.length < 3 * n) throw new Error("Too few schools to plant allocation faults: use more schools");
  let k = 0;
  const badSubjects = ["science", "history", "art", "music", "french"];
  for (let i = 0; i < n; i++) {
    const nowhere = String(999900 + i);
    add("allocations.csv", w.allocations, ["2009/10", la, nowhere, "2", "maths", "3", "1272"], "urn", "unknown_school", nowhere);
    const bad = badSubjects[i % badSubjects.length] + (i >= badSubjects.length ? String(i) : "");
    add("allocations.csv", w.allocations, ["2009/10", la, schoolUrn, "2", bad, "3", "1272"], "subject", "bad_code", bad);
    const [u1, ks1, s1] = keys[k++];
    add("allocations.csv", w.allocations, ["2009/10", la, u1, ks1, s1, "ten", "1272"], "places", "bad_number", "ten");
    const [u2, ks2, s2] = keys[k++];
    add("allocations.csv", w.allocations, ["2009/10", la, u2, ks2, s2, "", "1272"], "places", "missing_value", "");
    const [u3, ks3, s3] = keys[k++];
    for (let j = 0; j < 2; j++)
      add("allocations.csv", w.allocations, ["2009/10", la, u3, ks3, s3, "4", "1696"], "academic_year+la_code+urn+key_stage+subject", "duplicate_key", u3);
  }
  return faults;
}
