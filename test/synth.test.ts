// The synthetic data generator (issue 4): determinism, the input contract's formats
// (checks written from shared/spec/inputs.md, not from the generator), referential
// integrity, the planted rates, and the planted faults.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesise, type SynthOptions } from "../pipelines/synth/index.ts";
import { parseSettings } from "../pipelines/core/settings.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "synth-test-"));
  made.push(d);
  return d;
};

async function generate(o: Partial<SynthOptions>): Promise<string> {
  const out = tempDir();
  await synthesise({ scale: "la", seed: 7, out, schools: 24, pupilsPerSchool: 150, ...o });
  return out;
}

type Csv = { header: string[]; rows: Record<string, string>[]; lines: string[] };
const csvCache = new Map<string, Csv>();

/** Minimal RFC 4180 reader: enough for the generator's quoting (commas and quotes in text). */
function readCsv(path: string): Csv {
  const cached = csvCache.get(path);
  if (cached) return cached;
  const text = readFileSync(path, "utf8");
  if (!text.endsWith("\n") || text.includes("\r")) throw new Error(`${path}: lines must end with \\n only`);
  const lines = text.slice(0, -1).split("\n");
  const parse = (line: string): string[] => {
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) {
        if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (c === '"') q = false;
        else cur += c;
      } else if (c === '"') q = true;
      else if (c === ",") out.push(cur), (cur = "");
      else cur += c;
    }
    out.push(cur);
    return out;
  };
  const header = parse(lines[0]);
  const rows = lines.slice(1).map((l) => {
    const v = parse(l);
    if (v.length !== header.length) throw new Error(`${path}: ${v.length} fields, header has ${header.length}: ${l}`);
    const r: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) r[header[i]] = v[i];
    return r;
  });
  const csv = { header, rows, lines };
  csvCache.set(path, csv);
  return csv;
}

// DfE UPN check letter, written again from the guide so the test does not trust the
// generator's own implementation: weights 2..13 on characters 2..13, letters valued by
// their place in the 23-letter alphabet, sum mod 23.
const ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ";
function upnOk(upn: string): "ok" | "bad_upn" | "bad_upn_check_letter" {
  if (!/^[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]$/.test(upn)) return "bad_upn";
  let sum = 0;
  for (let i = 1; i < 13; i++) sum += (/\d/.test(upn[i]) ? Number(upn[i]) : ALPHA.indexOf(upn[i])) * (i + 1);
  return ALPHA[sum % 23] === upn[0] ? "ok" : "bad_upn_check_letter";
}
const isoDateOk = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(s + "T00:00:00Z").toISOString().slice(0, 10) === s;
const FLAG = /^[YN]$/;
const RESULT_NC = /^(W|[1-8][abc]?|EP|P1i|P1ii|P2i|P2ii|P3i|P3ii|P[4-8]|[ABDNT])$/;
const RESULT_GCSE = /^(A\*|[A-G]|U)$/;

type Issue = { file: string; line: number; rule: string };

/** Every broken rule of inputs.md this test knows, per file and line. */
function checkFolder(dir: string): Issue[] {
  const issues: Issue[] = [];
  const bad = (file: string, line: number, rule: string) => issues.push({ file, line, rule });
  const f = (n: string) => readCsv(join(dir, n));
  const schools = f("schools.csv");
  const pupils = f("pupils.csv");
  const attainment = f("attainment.csv");
  const tuition = f("tuition.csv");
  const sessions = f("sessions.csv");
  const viewpoints = f("viewpoints.csv");
  const allocations = f("allocations.csv");
  const dupes = (file: string, rows: Record<string, string>[], key: (r: Record<string, string>) => string) => {
    const seen = new Map<string, number[]>();
    rows.forEach((r, i) => {
      seen.set(key(r), [...(seen.get(key(r)) ?? []), i + 2]);
    });
    for (const ls of seen.values()) if (ls.length > 1) for (const l of ls) bad(file, l, "duplicate_key");
  };
  const urns = new Set<string>();
  schools.rows.forEach((r, i) => {
    const l = i + 2;
    if (r.school_name === "") bad("schools.csv", l, "missing_value");
    if (!/^\d{6}$/.test(r.urn) || !/^\d{7}$/.test(r.laestab) || !/^\d{3}$/.test(r.la_code)) bad("schools.csv", l, "bad_code");
    if (!r.laestab.startsWith(r.la_code)) bad("schools.csv", l, "laestab_mismatch");
    if (!["primary", "middle", "secondary", "special", "all-through"].includes(r.phase)) bad("schools.csv", l, "bad_code");
    for (const c of ["academy", "national_challenge", "ecaw"]) if (!FLAG.test(r[c])) bad("schools.csv", l, "bad_flag");
    urns.add(r.urn);
  });
  dupes("schools.csv", schools.rows, (r) => r.urn);
  const badSchools = new Set(issues.filter((x) => x.file === "schools.csv").map((x) => schools.rows[x.line - 2].urn));
  const goodUrns = new Set([...urns].filter((u) => !badSchools.has(u)));

  const pupilYear = new Map<string, number>();
  const badPupilLines = new Set<number>();
  pupils.rows.forEach((r, i) => {
    const l = i + 2;
    const before = issues.length;
    if (r.nc_year === "" || r.gender === "") bad("pupils.csv", l, "missing_value");
    const u = upnOk(r.upn);
    if (u !== "ok") bad("pupils.csv", l, u);
    if (r.academic_year !== "2009/10") bad("pupils.csv", l, "bad_academic_year");
    if (!urns.has(r.urn)) bad("pupils.csv", l, "unknown_school");
    if (r.nc_year !== "" && !/^(R|[1-9]|1[0-3])$/.test(r.nc_year)) bad("pupils.csv", l, "bad_code");
    if (r.gender !== "" && !/^[MF]$/.test(r.gender)) bad("pupils.csv", l, "bad_code");
    if (!FLAG.test(r.fsm) || !FLAG.test(r.cla)) bad("pupils.csv", l, "bad_flag");
    if (!/^(|[A-Z]{3})$/.test(r.first_language) || !/^[NAPS]?$/.test(r.sen) || !/^(|[A-Z]{4})$/.test(r.ethnicity)) bad("pupils.csv", l, "bad_code");
    if (issues.length > before) badPupilLines.add(l);
    pupilYear.set(r.upn, r.nc_year === "R" ? 0 : Number(r.nc_year));
  });
  dupes("pupils.csv", pupils.rows, (r) => `${r.upn}|${r.academic_year}`);
  for (const x of issues) if (x.file === "pupils.csv") badPupilLines.add(x.line);
  const badUpns = new Set([...badPupilLines].map((l) => pupils.rows[l - 2].upn));

  attainment.rows.forEach((r, i) => {
    const l = i + 2;
    if (r.result === "") bad("attainment.csv", l, "missing_value");
    if (!pupilYear.has(r.upn)) bad("attainment.csv", l, "unknown_pupil");
    else if (badUpns.has(r.upn)) bad("attainment.csv", l, "parent_quarantined");
    if (!["reading", "writing", "english", "maths"].includes(r.subject) || !/^(ks[1-4]|ta)$/.test(r.assessment)) bad("attainment.csv", l, "bad_code");
    if (!isoDateOk(r.assessed_on)) bad("attainment.csv", l, "bad_date");
    else if (r.result !== "") {
      const ny = (pupilYear.get(r.upn) ?? 0) - (r.assessed_on < "2009-09-01" ? 1 : 0);
      const gcse = r.assessment === "ks4" || (r.assessment === "ta" && ny >= 10 && ny <= 11);
      if (!(gcse ? RESULT_GCSE : RESULT_NC).test(r.result)) bad("attainment.csv", l, "bad_result");
    }
  });
  dupes("attainment.csv", attainment.rows, (r) => `${r.upn}|${r.subject}|${r.assessment}|${r.assessed_on}`);

  const courses = new Map<string, { start: string; end: string; bad: boolean }>();
  const tuitionIssuesFrom = issues.length;
  tuition.rows.forEach((r, i) => {
    const l = i + 2;
    const before = issues.length;
    if (r.tutor_id === "") bad("tuition.csv", l, "missing_value");
    if (!pupilYear.has(r.upn)) bad("tuition.csv", l, "unknown_pupil");
    else if (badUpns.has(r.upn)) bad("tuition.csv", l, "parent_quarantined");
    if (!urns.has(r.urn)) bad("tuition.csv", l, "unknown_school");
    if (!["english", "maths"].includes(r.subject) || !["core", "fsm", "cla", "ecaw"].includes(r.allocation)) bad("tuition.csv", l, "bad_code");
    if (!["below_expected_on_entry", "falling_behind", "looked_after"].includes(r.entry_reason)) bad("tuition.csv", l, "bad_code");
    if (!FLAG.test(r.itp_agreed) || !FLAG.test(r.mid_check)) bad("tuition.csv", l, "bad_flag");
    if (!isoDateOk(r.start_date) || !isoDateOk(r.end_date)) bad("tuition.csv", l, "bad_date");
    else if (r.end_date < r.start_date) bad("tuition.csv", l, "end_before_start");
    if (!/^\d*$/.test(r.targets_set) || !/^\d*$/.test(r.targets_met)) bad("tuition.csv", l, "bad_number");
    else if (r.targets_set !== "" && r.targets_met !== "" && Number(r.targets_met) > Number(r.targets_set)) bad("tuition.csv", l, "targets_met_exceeds_set");
    const prev = courses.get(r.tuition_id);
    courses.set(r.tuition_id, { start: r.start_date, end: r.end_date, bad: issues.length > before || !!prev });
  });
  dupes("tuition.csv", tuition.rows, (r) => r.tuition_id);
  for (const x of issues.slice(tuitionIssuesFrom)) if (x.file === "tuition.csv") courses.get(tuition.rows[x.line - 2].tuition_id)!.bad = true;

  sessions.rows.forEach((r, i) => {
    const l = i + 2;
    const c = courses.get(r.tuition_id);
    if (r.minutes === "") bad("sessions.csv", l, "missing_value");
    if (!c) bad("sessions.csv", l, "unknown_course");
    else if (c.bad) bad("sessions.csv", l, "parent_quarantined");
    if (!isoDateOk(r.session_date)) bad("sessions.csv", l, "bad_date");
    else if (c && !c.bad && (r.session_date < c.start || r.session_date > c.end)) bad("sessions.csv", l, "session_outside_course");
    if (r.minutes !== "" && !/^\d+$/.test(r.minutes)) bad("sessions.csv", l, "bad_number");
    else if (Number(r.minutes) > 240) bad("sessions.csv", l, "out_of_range");
    if (!FLAG.test(r.in_school_day) || !FLAG.test(r.attended)) bad("sessions.csv", l, "bad_flag");
  });

  const labels = ["strongly disagree", "disagree", "agree", "strongly agree"];
  viewpoints.rows.forEach((r, i) => {
    const l = i + 2;
    const c = courses.get(r.tuition_id);
    if (r.item === "") bad("viewpoints.csv", l, "missing_value");
    if (!c) bad("viewpoints.csv", l, "unknown_course");
    else if (c.bad) bad("viewpoints.csv", l, "parent_quarantined");
    if (!["pupil", "parent", "teacher", "tutor"].includes(r.respondent) || !["pre", "post"].includes(r.stage)) bad("viewpoints.csv", l, "bad_code");
    if (/^\d+$/.test(r.response)) {
      if (Number(r.response) < 1 || Number(r.response) > 4) bad("viewpoints.csv", l, "out_of_range");
    } else if (!labels.includes(r.response)) bad("viewpoints.csv", l, "bad_code");
  });
  dupes("viewpoints.csv", viewpoints.rows, (r) => `${r.response_id}|${r.item}`);

  allocations.rows.forEach((r, i) => {
    const l = i + 2;
    if (r.places === "") bad("allocations.csv", l, "missing_value");
    else if (!/^\d+$/.test(r.places)) bad("allocations.csv", l, "bad_number");
    if (r.urn !== "" && !urns.has(r.urn)) bad("allocations.csv", l, "unknown_school");
    else if (r.urn !== "" && !goodUrns.has(r.urn)) bad("allocations.csv", l, "parent_quarantined");
    if (!["english", "maths"].includes(r.subject) || !/^[234]$/.test(r.key_stage)) bad("allocations.csv", l, "bad_code");
    if (!/^\d+(\.\d+)?$/.test(r.funding_gbp)) bad("allocations.csv", l, "bad_number");
  });
  dupes("allocations.csv", allocations.rows, (r) => `${r.academic_year}|${r.la_code}|${r.urn}|${r.key_stage}|${r.subject}`);
  return issues;
}

const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

describe("synthetic data generator", () => {
  let clean: string;
  beforeAll(async () => {
    clean = await generate({});
  });

  it("is deterministic: same seed and options give byte-identical files; another seed differs", async () => {
    const again = await generate({});
    const files = readdirSync(clean).sort();
    expect(files).toEqual([
      "README.txt",
      "allocations.csv",
      "attainment.csv",
      "pupils.csv",
      "schools.csv",
      "sessions.csv",
      "settings.json",
      "truth.json",
      "tuition.csv",
      "viewpoints.csv",
    ]);
    for (const f of files) expect(sha(join(again, f)), f).toBe(sha(join(clean, f)));
    const other = await generate({ seed: 8 });
    expect(sha(join(other, "pupils.csv"))).not.toBe(sha(join(clean, "pupils.csv")));
  });

  it("writes exactly the columns of inputs.md, and every value passes the contract's checks", () => {
    const expectHeader = (f: string, cols: string[]) => expect(readCsv(join(clean, f)).header, f).toEqual(cols);
    expectHeader("schools.csv", ["urn", "laestab", "school_name", "la_code", "phase", "academy", "national_challenge", "ecaw"]);
    expectHeader("pupils.csv", ["upn", "academic_year", "urn", "nc_year", "gender", "fsm", "cla", "first_language", "sen", "ethnicity"]);
    expectHeader("attainment.csv", ["upn", "subject", "assessment", "assessed_on", "result"]);
    expectHeader("tuition.csv", [
      "tuition_id",
      "upn",
      "urn",
      "academic_year",
      "subject",
      "tutor_id",
      "start_date",
      "end_date",
      "allocation",
      "entry_reason",
      "itp_agreed",
      "mid_check",
      "targets_set",
      "targets_met",
    ]);
    expectHeader("sessions.csv", ["tuition_id", "session_date", "minutes", "in_school_day", "attended"]);
    expectHeader("viewpoints.csv", ["response_id", "tuition_id", "respondent", "stage", "item", "response", "comment"]);
    expectHeader("allocations.csv", ["academic_year", "la_code", "urn", "key_stage", "subject", "places", "funding_gbp"]);
    expect(checkFolder(clean)).toEqual([]);
    const truth = JSON.parse(readFileSync(join(clean, "truth.json"), "utf8"));
    expect(truth.faults.rows).toEqual([]);
    expect(readFileSync(join(clean, "README.txt"), "utf8")).toMatch(/SYNTHETIC DATA/);
  });

  it("writes a settings.json the pipeline accepts: Hertfordshire, matching schools.la_code", () => {
    const s = parseSettings(JSON.parse(readFileSync(join(clean, "settings.json"), "utf8")));
    expect(s.las).toEqual([{ old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" }]);
    const codes = new Set(readCsv(join(clean, "schools.csv")).rows.map((r) => r.la_code));
    expect([...codes]).toEqual(["919"]);
    const example = parseSettings(JSON.parse(readFileSync(join(import.meta.dirname, "../demo/settings.example.json"), "utf8")));
    expect(example.las).toEqual(s.las);
  });

  it("keeps the programme's structure: sessions inside courses, mostly 60 minutes, some missed; temporary UPNs", () => {
    const t = readCsv(join(clean, "tuition.csv")).rows;
    const s = readCsv(join(clean, "sessions.csv")).rows;
    const att = s.filter((r) => r.attended === "Y");
    expect(att.filter((r) => r.minutes === "60").length / att.length).toBeGreaterThan(0.75);
    const missed = s.filter((r) => r.attended === "N").length / s.length;
    expect(missed).toBeGreaterThan(0.02);
    expect(missed).toBeLessThan(0.1);
    expect(s.some((r) => r.in_school_day === "N")).toBe(true);
    for (const r of t) expect(r.start_date >= "2009-09-01" && r.end_date <= "2010-07-31", r.tuition_id).toBe(true);
    const perPlace = new Map<string, number>();
    for (const r of t) perPlace.set(`${r.upn}|${r.subject}`, (perPlace.get(`${r.upn}|${r.subject}`) ?? 0) + 1);
    expect(Math.max(...perPlace.values())).toBeLessThanOrEqual(2);
    const v = readCsv(join(clean, "viewpoints.csv")).rows;
    const comments = v.filter((r) => r.comment !== "");
    expect(comments.length).toBeGreaterThan(0);
    for (const c of comments) expect(c.comment).toMatch(/^synthetic comment \d+/);
    expect(new Set(v.map((r) => r.respondent))).toEqual(new Set(["pupil", "parent", "teacher", "tutor"]));
  });

  it("plants the rates: FSM ~15%, CLA ~0.5%, EAL ~15%, tutees ~3.5% of the eligible cohort per subject", async () => {
    const dir = await generate({ seed: 11, schools: 70, pupilsPerSchool: 300 });
    const pupils = readCsv(join(dir, "pupils.csv")).rows;
    const schools = new Map(readCsv(join(dir, "schools.csv")).rows.map((r) => [r.urn, r]));
    const share = (p: (r: Record<string, string>) => boolean) => pupils.filter(p).length / pupils.length;
    expect(pupils.length).toBeGreaterThan(15_000);
    expect(share((r) => r.fsm === "Y")).toBeCloseTo(0.15, 1);
    expect(Math.abs(share((r) => r.cla === "Y") - 0.005)).toBeLessThan(0.003);
    const known = pupils.filter((r) => !["", "NOT", "REF"].includes(r.first_language));
    expect(Math.abs(known.filter((r) => !["ENG", "ENB"].includes(r.first_language)).length / known.length - 0.15)).toBeLessThan(0.05);
    // Eligible cohort, measures.md §7: NC years 3-9, and 10-11 in National Challenge schools.
    const eligible = new Set(
      pupils
        .filter((r) => {
          const y = r.nc_year === "R" ? 0 : Number(r.nc_year);
          return (y >= 3 && y <= 9) || (y >= 10 && y <= 11 && schools.get(r.urn)!.national_challenge === "Y");
        })
        .map((r) => r.upn),
    );
    const tuition = readCsv(join(dir, "tuition.csv")).rows;
    for (const subject of ["english", "maths"]) {
      const tutees = new Set(tuition.filter((r) => r.subject === subject).map((r) => r.upn));
      for (const u of tutees) expect(eligible.has(u)).toBe(true);
      expect(Math.abs(tutees.size / eligible.size - 0.035), subject).toBeLessThan(0.008);
    }
    const allocations = new Set(tuition.map((r) => r.allocation));
    expect(allocations).toEqual(new Set(["core", "fsm", "cla", "ecaw"]));
  });

  it("with --faults: every planted fault is at its line, and those are exactly the rows that break a rule", async () => {
    const dir = await generate({ faults: true });
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
    const planted: { file: string; line: number; column: string; rule: string; value: string }[] = truth.faults.rows;
    const rules = new Set(planted.map((p) => p.rule));
    for (const r of [
      "bad_upn_check_letter",
      "bad_upn",
      "unknown_school",
      "unknown_pupil",
      "end_before_start",
      "session_outside_course",
      "duplicate_key",
      "bad_date",
      "bad_code",
      "bad_flag",
      "targets_met_exceeds_set",
      "out_of_range",
      "missing_value",
      "laestab_mismatch",
      "parent_quarantined",
    ])
      expect(rules.has(r), r).toBe(true);
    for (const p of planted) {
      const { header, lines } = readCsv(join(dir, p.file));
      const line = lines[p.line - 1];
      expect(line, `${p.file}:${p.line}`).toBeDefined();
      const col = p.column.split("+")[0];
      expect(header, p.column).toContain(col);
    }
    // A planted blank has no value to look for; every other planted value is on its line.
    const valued = planted.filter((p) => p.value !== "");
    expect(valued.length).toBeGreaterThan(0);
    for (const p of valued) expect(readCsv(join(dir, p.file)).lines[p.line - 1].split(","), `${p.file}:${p.line}`).toContain(p.value);
    const found = checkFolder(dir);
    const key = (x: { file: string; line: number; rule: string }) => `${x.file}|${x.line}|${x.rule}`;
    expect([...new Set(found.map(key))].sort()).toEqual([...new Set(planted.map(key))].sort());
    // One rule per planted row.
    const perLine = new Map<string, number>();
    for (const p of planted) perLine.set(`${p.file}|${p.line}`, (perLine.get(`${p.file}|${p.line}`) ?? 0) + 1);
    expect(Math.max(...perLine.values())).toBe(1);
  });

  it("national scale: 152 LAs in settings, Hertfordshire among them, LA codes matching the schools", async () => {
    const out = tempDir();
    await synthesise({ scale: "national", seed: 3, out, schools: 320, pupilsPerSchool: 12 });
    const s = parseSettings(JSON.parse(readFileSync(join(out, "settings.json"), "utf8")));
    expect(s.las.length).toBe(152);
    expect(s.las.find((l) => l.old_code === "919")?.name).toBe("Hertfordshire");
    expect(new Set(s.las.map((l) => l.old_code)).size).toBe(152);
    expect(new Set(s.las.map((l) => l.gss_code)).size).toBe(152);
    const schoolCodes = new Set(readCsv(join(out, "schools.csv")).rows.map((r) => r.la_code));
    expect(schoolCodes).toEqual(new Set(s.las.map((l) => l.old_code)));
    expect(checkFolder(out)).toEqual([]);
  });
});
