// Planted bad rows of `synth --programme ntp --faults` (programmes.md §5): each breaks exactly
// one of the ntp profile's new rules or code lists (§2) and is listed with the rule it must be
// quarantined under. Appended after the valid rows; no valid row depends on one, and none has
// sessions or attainment of its own, so nothing else is quarantined with it.
import { makeUpn } from "./upn-make.js";
import type { CsvWriter } from "./csv-writer.js";
import type { Fault } from "./faults.js";
import { STD_TESTS } from "./ntp-dgp.js";

export function plantNtpFaults(
  w: Record<"pupils" | "attainment" | "tuition", CsvWriter>,
  ctx: { la: string; year: string; start: number; anchors: { upn: string; urn: string }[] },
): Fault[] {
  const faults: Fault[] = [];
  const add = (file: string, writer: CsvWriter, row: string[], column: string, rule: string, value: string) => {
    faults.push({ file, line: writer.push(row.join(",")), column, rule, value });
  };
  if (ctx.anchors.length < 12) throw new Error("Too little data to plant ntp faults: use more schools");
  const { la, year } = ctx;
  // ---- pupils: invented pupils of the first school, with no other rows ----
  const urn = ctx.anchors[0].urn;
  let serial = 0;
  const fresh = () => makeUpn(la, "0999", ctx.start % 100, serial++);
  const pupil = (o: Partial<Record<"fsm6" | "pla" | "pp" | "sen" | "nc_year", string>>) => [
    fresh(),
    year,
    urn,
    o.nc_year ?? "4",
    "F",
    "N",
    o.fsm6 ?? "N",
    "N",
    o.pla ?? "N",
    o.pp ?? "N",
    "ENG",
    o.sen ?? "N",
    "WBRI",
  ];
  add("pupils.csv", w.pupils, pupil({ sen: "S" }), "sen", "bad_code", "S");
  add("pupils.csv", w.pupils, pupil({ sen: "A" }), "sen", "bad_code", "A");
  add("pupils.csv", w.pupils, pupil({ fsm6: "maybe" }), "fsm6", "bad_flag", "maybe");
  add("pupils.csv", w.pupils, pupil({ pla: "2" }), "pla", "bad_flag", "2");
  add("pupils.csv", w.pupils, pupil({ pp: "PP" }), "pupil_premium", "bad_flag", "PP");
  // ---- attainment on real pupils, on days no real row uses (the key includes the date) ----
  const p = ctx.anchors.map((a) => a.upn);
  const d = (n: number) => `${ctx.start + 1}-02-${String(n).padStart(2, "0")}`;
  const R = STD_TESTS.reading;
  const M = STD_TESTS.maths;
  const att = (i: number, subject: string, assessment: string, date: string, result: string, test: string) => [p[i], subject, assessment, date, result, test];
  add("attainment.csv", w.attainment, att(0, "maths", "ks3", d(1), "5", ""), "assessment", "bad_code", "ks3");
  add("attainment.csv", w.attainment, att(0, "maths", "ks2", d(2), "121", ""), "result", "out_of_range", "121");
  add("attainment.csv", w.attainment, att(0, "reading", "ks2", d(3), "79", ""), "result", "out_of_range", "79");
  add("attainment.csv", w.attainment, att(0, "maths", "ks2", d(4), "N", ""), "result", "bad_result", "N");
  add("attainment.csv", w.attainment, att(0, "reading", "ks2", d(13), "U", ""), "result", "bad_result", "U");
  add("attainment.csv", w.attainment, att(1, "maths", "ks4", d(5), "C", ""), "result", "bad_result", "C");
  add("attainment.csv", w.attainment, att(1, "reading", "ks1", d(6), "2b", ""), "result", "bad_result", "2b");
  add("attainment.csv", w.attainment, att(1, "writing", "ta", d(7), "4a", ""), "result", "bad_result", "4a");
  add("attainment.csv", w.attainment, att(2, "reading", "std", d(8), String(R.max + 1), R.test_name), "result", "out_of_range", String(R.max + 1));
  add("attainment.csv", w.attainment, att(2, "maths", "std", d(9), String(M.max + 1), M.test_name), "result", "out_of_range", String(M.max + 1));
  add("attainment.csv", w.attainment, att(2, "maths", "std", d(10), "100.25", M.test_name), "result", "out_of_range", "100.25");
  add("attainment.csv", w.attainment, att(3, "maths", "std", d(11), "100", ""), "test_name", "missing_value", "");
  add("attainment.csv", w.attainment, att(3, "history", "std", d(12), "100", M.test_name), "subject", "bad_code", "history");
  // ---- tuition on real pupils; group 1 and solo rows valid but for the one column ----
  let tid = 0;
  const id = () => `NTF${String(tid++).padStart(5, "0")}`;
  const dates = [`${ctx.start + 1}-01-10`, `${ctx.start + 1}-03-10`];
  type T = Partial<Record<"year" | "subject" | "tutor" | "route" | "size" | "group" | "type" | "trained" | "source" | "cost" | "reason", string>>;
  const course = (i: number, o: T) => [
    id(),
    p[i],
    ctx.anchors[i].urn,
    o.year ?? year,
    o.subject ?? "maths",
    o.tutor ?? "NT99999",
    dates[0],
    dates[1],
    o.route ?? "tuition_partner",
    o.size ?? "1",
    o.group ?? "",
    o.type ?? "external_tutor",
    o.trained ?? "Y",
    o.source ?? "ntp",
    o.cost ?? "45",
    o.reason ?? "other",
  ];
  add("tuition.csv", w.tuition, course(4, { year: "2019/20" }), "academic_year", "bad_academic_year", "2019/20");
  add("tuition.csv", w.tuition, course(4, { route: "tutor_trust" }), "route", "bad_code", "tutor_trust");
  add("tuition.csv", w.tuition, course(4, { size: "13" }), "group_size", "out_of_range", "13");
  add("tuition.csv", w.tuition, course(4, { size: "0" }), "group_size", "out_of_range", "0");
  add("tuition.csv", w.tuition, course(5, { size: "two" }), "group_size", "bad_number", "two");
  add("tuition.csv", w.tuition, course(5, { type: "volunteer" }), "tutor_type", "bad_code", "volunteer");
  add("tuition.csv", w.tuition, course(5, { trained: "maybe" }), "tutor_trained", "bad_flag", "maybe");
  add("tuition.csv", w.tuition, course(6, { source: "ntp_grant" }), "funding_source", "bad_code", "ntp_grant");
  add("tuition.csv", w.tuition, course(6, { cost: "-5" }), "hourly_cost_gbp", "out_of_range", "-5");
  add("tuition.csv", w.tuition, course(6, { cost: "cheap" }), "hourly_cost_gbp", "bad_number", "cheap");
  add("tuition.csv", w.tuition, course(7, { reason: "below_expected_on_entry" }), "entry_reason", "bad_code", "below_expected_on_entry");
  add("tuition.csv", w.tuition, course(7, { subject: "history" }), "subject", "bad_code", "history");
  // A group whose two rows disagree on the tutor: both quarantined as group_inconsistent.
  add("tuition.csv", w.tuition, course(8, { size: "2", group: "GF00001", tutor: "NT99998" }), "group_id", "group_inconsistent", "GF00001");
  add("tuition.csv", w.tuition, course(9, { size: "2", group: "GF00001", tutor: "NT99997" }), "group_id", "group_inconsistent", "GF00001");
  // ... and one whose rows disagree on the hourly cost.
  add("tuition.csv", w.tuition, course(10, { size: "2", group: "GF00002", cost: "40" }), "group_id", "group_inconsistent", "GF00002");
  add("tuition.csv", w.tuition, course(11, { size: "2", group: "GF00002", cost: "50" }), "group_id", "group_inconsistent", "GF00002");
  return faults;
}
