// `synth --programme ntp` (programmes.md §5): determinism, the §2 columns and code ranges
// (written here from the spec, not from the generator), the sizes §5 asks for, truth.json
// recomputed from the CSV files themselves, the planted effects' formula, and the faults.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesise } from "../pipelines/synth/index.ts";
import { placeNames } from "../pipelines/synth/geography.ts";
import { makeNtpSchools } from "../pipelines/synth/ntp-schools.ts";
import { Rng } from "../pipelines/synth/prng.ts";
import { courseCost, type Route } from "../pipelines/core/ntp-rules.ts";
import { loadSettings, parseSettings } from "../pipelines/core/settings.ts";
import { Db } from "../pipelines/core/db.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { validate } from "../pipelines/validate/index.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
async function generate(o: { seed: number; schools?: number; faults?: boolean; year?: string }): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "synth-ntp-"));
  made.push(out);
  await synthesise({ scale: "la", out, programme: "ntp", ...o });
  return out;
}

type Row = Record<string, string>;
function readCsv(path: string): { header: string[]; rows: Row[]; lines: string[] } {
  const text = readFileSync(path, "utf8");
  const lines = text.slice(0, -1).split("\n");
  const parse = (line: string) => {
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
  const rows = lines.slice(1).map((l) => Object.fromEntries(parse(l).map((v, i) => [header[i], v])));
  return { header, rows, lines };
}
const hashes = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(join(dir, f)))
          .digest("hex"),
      ]),
  );

let dir: string;
let csv: Record<string, Row[]>;
let truth: any;
let settings: any;
beforeAll(async () => {
  dir = await generate({ seed: 11 });
  csv = Object.fromEntries(["schools", "pupils", "attainment", "tuition", "sessions", "allocations"].map((d) => [d, readCsv(join(dir, `${d}.csv`)).rows]));
  truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  settings = JSON.parse(readFileSync(join(dir, "settings.json"), "utf8"));
}, 120_000);

describe("determinism", () => {
  it("the same seed gives byte-identical files; another seed different ones", async () => {
    const a = await generate({ seed: 5, schools: 20 });
    const b = await generate({ seed: 5, schools: 20 });
    const c = await generate({ seed: 6, schools: 20 });
    expect(hashes(a)).toEqual(hashes(b));
    expect(hashes(c)["tuition.csv"]).not.toBe(hashes(a)["tuition.csv"]);
  }, 120_000);
});

describe("files, columns and sizes (§2, §5)", () => {
  it("has the §2 columns of the ntp profile and settings the settings parser accepts as ntp", () => {
    expect(readCsv(join(dir, "tuition.csv")).header).toEqual(
      expect.arrayContaining(["route", "group_size", "group_id", "tutor_type", "tutor_trained", "funding_source", "hourly_cost_gbp"]),
    );
    expect(readCsv(join(dir, "pupils.csv")).header).toEqual(expect.arrayContaining(["fsm6", "pla", "pupil_premium", "sen"]));
    expect(readCsv(join(dir, "attainment.csv")).header).toContain("test_name");
    const resolved = parseSettings(settings, "settings.json");
    expect(resolved.programme).toBe("ntp");
    expect(settings).not.toHaveProperty("tutor_hourly_rate_gbp");
  });
  it("row counts in truth.json equal the files'; 120 schools, 5 special and 2 AP; one year, NC 1–11, about 30 a year group", () => {
    for (const [f, n] of Object.entries(truth.files)) expect(readCsv(join(dir, f)).rows.length, f).toBe(n);
    expect(csv.schools.length).toBe(120);
    expect(csv.schools.filter((s) => s.phase === "special").length).toBe(5);
    expect(csv.schools.filter((s) => s.phase === "ap").length).toBe(2);
    expect(new Set(csv.pupils.map((p) => p.academic_year))).toEqual(new Set(["2022/23"]));
    expect(new Set(csv.tuition.map((p) => p.academic_year))).toEqual(new Set(["2022/23"]));
    const years = new Set(csv.pupils.map((p) => Number(p.nc_year)));
    expect(Math.min(...years)).toBe(1);
    expect(Math.max(...years)).toBe(11);
    const groups = new Map<string, number>();
    for (const p of csv.pupils) groups.set(`${p.urn}|${p.nc_year}`, (groups.get(`${p.urn}|${p.nc_year}`) ?? 0) + 1);
    const mainstream = new Set(csv.schools.filter((s) => s.phase === "primary" || s.phase === "secondary").map((s) => s.urn));
    const sizes = [...groups].filter(([k]) => mainstream.has(k.split("|")[0])).map(([, n]) => n);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeGreaterThan(25);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeLessThan(35);
  });
  it("about 25% of pupils disadvantaged (fsm6, fsm, cla or pla) and about 12% tutored per subject", () => {
    const dis = csv.pupils.filter((p) => [p.fsm, p.fsm6, p.cla, p.pla].includes("Y")).length / csv.pupils.length;
    expect(dis).toBeGreaterThan(0.2);
    expect(dis).toBeLessThan(0.3);
    for (const s of ["english", "maths"]) {
      const share = new Set(csv.tuition.filter((t) => t.subject === s).map((t) => t.upn)).size / csv.pupils.length;
      expect(share, s).toBeGreaterThan(0.09);
      expect(share, s).toBeLessThan(0.15);
    }
  });
});

describe("code ranges (§2)", () => {
  const TA = new Set(["GDS", "EXS", "WTS", "HNM", "PKF", "PK1", "PK2", "PK3", "PK4", "PK5", "PK6", "BLW", "EM"]);
  it("std results are numbers (≤ 1 decimal) in their test's range, <N read as N−1 and >N as N+1, or A; each std row names its test", () => {
    const ranges: Record<string, { min: number; max: number }> = settings.ntp.standardised_tests;
    const std = csv.attainment.filter((a) => a.assessment === "std");
    expect(new Set(std.map((a) => a.test_name)).size).toBe(2);
    expect(Object.keys(ranges).length).toBe(1); // one test with a settings range, the other on 55–145
    // Rows that break the rule, collected (one expect per row is slow over 100,000 rows).
    const bad = std.filter((a) => {
      if (a.test_name === "") return true;
      if (a.result === "A") return false;
      if (!/^[<>]?\d+(\.\d)?$/.test(a.result)) return true;
      const v = a.result[0] === "<" ? Number(a.result.slice(1)) - 1 : a.result[0] === ">" ? Number(a.result.slice(1)) + 1 : Number(a.result);
      const r = ranges[a.test_name] ?? { min: 55, max: 145 };
      return v < r.min || v > r.max;
    });
    expect(bad.slice(0, 5)).toEqual([]);
    expect(std.length).toBeGreaterThan(50_000);
    expect(std.some((a) => a.result.startsWith("<"))).toBe(true);
    const dates = std.map((a) => a.assessed_on).sort();
    expect(dates[0] >= "2022-07-01" && dates[dates.length - 1] <= "2023-07-31").toBe(true);
  });
  it("KS1 TA codes (2019, Y6), KS2 scaled scores 80–120 (2018 for Y11, 2023 for Y6), GCSE 9–1, U or X (2023, Y11)", () => {
    const ncOf = new Map(csv.pupils.map((p) => [p.upn, p.nc_year]));
    const by = (k: string) => csv.attainment.filter((a) => a.assessment === k);
    for (const a of by("ks1")) {
      expect(TA.has(a.result), a.result).toBe(true);
      expect(a.assessed_on.slice(0, 4)).toBe("2019");
      expect(ncOf.get(a.upn)).toBe("6");
    }
    for (const a of by("ks2")) {
      const ok =
        a.subject === "writing"
          ? TA.has(a.result)
          : /^\d+$/.test(a.result)
            ? Number(a.result) >= 80 && Number(a.result) <= 120
            : /^[ABDFHLMPQT]$/.test(a.result);
      expect(ok, `${a.subject} ${a.result}`).toBe(true);
      expect(a.assessed_on.slice(0, 4)).toBe(ncOf.get(a.upn) === "6" ? "2023" : "2018");
    }
    for (const a of by("ks4")) {
      expect(a.result).toMatch(/^([1-9]|U|X)$/);
      expect(ncOf.get(a.upn)).toBe("11");
    }
    expect(by("ks4").length).toBeGreaterThan(0);
    const ta = by("ta");
    expect(ta.filter((a) => !TA.has(a.result))).toEqual([]);
    expect(new Set(ta.map((a) => a.result))).toEqual(TA); // every TA code of §2 occurs
    expect(new Set(csv.attainment.map((a) => a.assessment))).toEqual(new Set(["std", "ks1", "ks2", "ks4", "ta"]));
  });
  it("pupils: sen N, K, E or blank; flags Y/N", () => {
    const bad = csv.pupils.filter(
      (p) => !["N", "K", "E", ""].includes(p.sen) || ["fsm", "fsm6", "cla", "pla", "pupil_premium"].some((f) => !/^[YN]$/.test(p[f])),
    );
    expect(bad.slice(0, 5)).toEqual([]);
    expect(new Set(csv.pupils.map((p) => p.sen))).toEqual(new Set(["N", "K", "E", ""]));
  });
  it("tuition: every route, tutor type and funding source; groups consistent and within their size; some groups of 4", () => {
    const t = csv.tuition;
    expect(new Set(t.map((r) => r.route))).toEqual(new Set(["tuition_partner", "academic_mentor", "school_led"]));
    expect(new Set(t.map((r) => r.tutor_type))).toEqual(new Set(["qualified_teacher", "teaching_assistant", "other_school_staff", "external_tutor"]));
    expect(new Set(t.map((r) => r.funding_source))).toEqual(new Set(["ntp", "pupil_premium", "recovery_premium", "school_budget", "other"]));
    expect(new Set(t.map((r) => r.subject))).toEqual(new Set(["english", "maths", "science", "other"]));
    for (const r of t) expect(Number(r.group_size)).toBeGreaterThanOrEqual(1);
    expect(t.some((r) => r.group_size === "4")).toBe(true);
    expect(t.some((r) => r.hourly_cost_gbp === "")).toBe(true);
    const groups = new Map<string, Row[]>();
    for (const r of t) if (r.group_id) (groups.get(r.group_id) ?? groups.set(r.group_id, []).get(r.group_id)!).push(r);
    expect(groups.size).toBeGreaterThan(100);
    for (const [id, rows] of groups) {
      expect(rows.length, id).toBeLessThanOrEqual(Number(rows[0].group_size));
      for (const k of ["urn", "subject", "tutor_id", "route", "group_size", "tutor_type", "hourly_cost_gbp"])
        expect(new Set(rows.map((r) => r[k])).size, `${id} ${k}`).toBe(1);
    }
  });
  it("at least 40 tutees in every route × size (1–3) × subject; some places with a second course on another route", () => {
    for (const s of ["english", "maths"])
      for (const route of ["tuition_partner", "academic_mentor", "school_led"])
        for (const size of ["1", "2", "3"]) {
          const n = new Set(csv.tuition.filter((r) => r.subject === s && r.route === route && r.group_size === size).map((r) => r.upn)).size;
          expect(n, `${s} ${route} ${size}`).toBeGreaterThanOrEqual(40);
        }
    const routes = new Map<string, Set<string>>();
    for (const r of csv.tuition)
      (routes.get(`${r.upn}|${r.subject}`) ?? routes.set(`${r.upn}|${r.subject}`, new Set()).get(`${r.upn}|${r.subject}`)!).add(r.route);
    expect([...routes.values()].filter((s) => s.size > 1).length).toBeGreaterThan(20);
  });
});

describe("truth.json equals the files (§13–§14)", () => {
  // Recomputed here from tuition.csv and sessions.csv; the cost split by the shared rules module
  // (tested on the worked examples in ntp-rules.test.ts), the starts by the spec's words directly.
  const minutes = () => {
    const m = new Map<string, { billed: number; attended: number }>();
    for (const s of csv.sessions) {
      const x = m.get(s.tuition_id) ?? m.set(s.tuition_id, { billed: 0, attended: 0 }).get(s.tuition_id)!;
      x.billed += Number(s.minutes);
      if (s.attended === "Y") x.attended += Number(s.minutes);
    }
    return m;
  };
  // Nearest half hour, halves up, on whole minutes: 16.25 h (975 min) → 33 half-hours.
  const startsOf = (min: number) => {
    const halfHours = Math.floor((min + 15) / 30);
    return halfHours === 0 ? 0 : halfHours <= 32 ? 1 : 2;
  };
  it("each course's billed hours, cost and funding", () => {
    const m = minutes();
    const phase = new Map(csv.schools.map((s) => [s.urn, s.phase]));
    const byId = new Map<string, any>(truth.courses.map((c: any) => [c.tuition_id, c]));
    expect(byId.size).toBe(csv.tuition.length);
    expect(csv.sessions.some((s) => s.minutes === "0")).toBe(true);
    for (const r of csv.tuition) {
      const c = byId.get(r.tuition_id);
      const mm = m.get(r.tuition_id) ?? { billed: 0, attended: 0 };
      expect(c.billed_hours).toBeCloseTo(mm.billed / 60, 9);
      expect(c.attended_hours).toBeCloseTo(mm.attended / 60, 9);
      const hourly = r.hourly_cost_gbp === "" ? settings.ntp.hourly_cost_gbp[r.route] : Number(r.hourly_cost_gbp);
      const k = courseCost({
        academicYear: r.academic_year,
        route: r.route as Route,
        fundingSource: r.funding_source,
        billedHours: mm.billed / 60,
        hourlyCostGbp: hourly,
        groupSize: Number(r.group_size),
        schoolPhase: phase.get(r.urn)!,
      });
      expect(c.cost_gbp).toBeCloseTo(k.cost, 6);
      expect(c.programme_funding_gbp).toBeCloseTo(k.programmeFunding, 6);
      expect(c.school_contribution_gbp).toBeCloseTo(k.cost - k.programmeFunding, 6);
    }
  });
  it("delivery per LA, subject, route and school: starts, hours, pupils, cost and funding", () => {
    const m = minutes();
    const costs = new Map<string, any>(truth.courses.map((c: any) => [c.tuition_id, c]));
    const check = (rows: Row[], expected: any, label: string) => {
      const perPupil = new Map<string, number>();
      let cost = 0;
      let funding = 0;
      for (const r of rows) {
        cost += costs.get(r.tuition_id).cost_gbp;
        funding += costs.get(r.tuition_id).programme_funding_gbp;
        if (r.funding_source === "ntp") perPupil.set(r.upn, (perPupil.get(r.upn) ?? 0) + (m.get(r.tuition_id)?.attended ?? 0));
      }
      const mins = [...perPupil.values()];
      expect(expected.total_courses, label).toBe(mins.reduce((a, x) => a + startsOf(x), 0));
      expect(expected.total_hours, label).toBeCloseTo(mins.reduce((a, x) => a + x, 0) / 60, 6);
      expect(expected.ntp_pupils, label).toBe(mins.filter((x) => x > 0).length);
      expect(expected.tutees, label).toBe(new Set(rows.map((r) => r.upn)).size);
      expect(expected.cost_gbp, label).toBeCloseTo(cost, 4);
      expect(expected.programme_funding_gbp, label).toBeCloseTo(funding, 4);
    };
    const d = truth.delivery;
    check(csv.tuition, d.total, "Total");
    for (const s of ["english", "maths", "science", "other"])
      check(
        csv.tuition.filter((r) => r.subject === s),
        d.by_subject[s],
        s,
      );
    for (const r of ["tuition_partner", "academic_mentor", "school_led"])
      check(
        csv.tuition.filter((t) => t.route === r),
        d.by_route[r],
        r,
      );
    for (const urn of Object.keys(d.by_school))
      check(
        csv.tuition.filter((t) => t.urn === urn),
        d.by_school[urn],
        urn,
      );
    expect(Object.keys(d.by_school).length).toBeGreaterThan(100);
    // On Total a pupil's hours add over subjects, so starts on Total are not the sum of the subject rows'.
    const subjectStarts = ["english", "maths", "science", "other"].reduce((a, s) => a + d.by_subject[s].total_courses, 0);
    expect(subjectStarts).toBeGreaterThan(d.total.total_courses);
  });
  it("each pupil's hours and starts", () => {
    const m = minutes();
    const hours = new Map<string, number>();
    for (const r of csv.tuition) if (r.funding_source === "ntp") hours.set(r.upn, (hours.get(r.upn) ?? 0) + (m.get(r.tuition_id)?.attended ?? 0));
    expect(truth.pupils.length).toBe(hours.size);
    for (const p of truth.pupils) {
      expect(p.hours.total).toBeCloseTo(hours.get(p.upn)! / 60, 9);
      expect(p.starts.total).toBe(startsOf(hours.get(p.upn)!));
    }
    // §5: some pupils over 16 hours, about a quarter of places partial.
    const over = [...hours.values()].filter((x) => x > 16 * 60).length;
    expect(over).toBeGreaterThan(0);
    const partial = truth.places.filter((p: any) => p.attended_hours < 12).length / truth.places.length;
    expect(partial).toBeGreaterThan(0.18);
    expect(partial).toBeLessThan(0.35);
  });
});

describe("planted effects (§5)", () => {
  // The spec's own figures: per 15 h, school-led 3.0, partner 4.0, mentor 2.0; +1.5 one-to-one, +0.75 two; +1.0 disadvantaged.
  const ROUTE: Record<string, number> = { school_led: 3, tuition_partner: 4, academic_mentor: 2 };
  const SIZE: Record<string, number> = { "1": 1.5, "2": 0.75 };
  it("a place with one course of 15 attended hours or more carries exactly its route + size + disadvantage effect", () => {
    const m = new Map<string, number>();
    for (const s of csv.sessions) if (s.attended === "Y") m.set(s.tuition_id, (m.get(s.tuition_id) ?? 0) + Number(s.minutes));
    const courses = new Map<string, Row[]>();
    for (const r of csv.tuition) (courses.get(`${r.upn}|${r.subject}`) ?? courses.set(`${r.upn}|${r.subject}`, []).get(`${r.upn}|${r.subject}`)!).push(r);
    const dis = new Set(csv.pupils.filter((p) => [p.fsm, p.fsm6, p.cla, p.pla].includes("Y")).map((p) => p.upn));
    const single = truth.places.filter(
      (p: any) => courses.get(`${p.upn}|${p.subject}`)!.length === 1 && m.get(courses.get(`${p.upn}|${p.subject}`)![0].tuition_id)! >= 15 * 60,
    );
    expect(single.length).toBeGreaterThan(1000);
    for (const p of single) {
      const c = courses.get(`${p.upn}|${p.subject}`)![0];
      expect(p.planted_effect, p.upn).toBeCloseTo(ROUTE[c.route] + (SIZE[c.group_size] ?? 0) + (dis.has(p.upn) ? 1 : 0), 9);
    }
    const partial = truth.places.filter((p: any) => courses.get(`${p.upn}|${p.subject}`)!.length === 1 && p.attended_hours < 15);
    for (const p of partial) {
      const c = courses.get(`${p.upn}|${p.subject}`)![0];
      expect(p.planted_effect).toBeCloseTo(((ROUTE[c.route] + (SIZE[c.group_size] ?? 0) + (dis.has(p.upn) ? 1 : 0)) * p.attended_hours) / 15, 9);
    }
  });
  it("the observed standardised-score effect of the model tutees is close to the planted one in every route cell", () => {
    for (const s of ["english", "maths"])
      for (const [route, cell] of Object.entries<any>(truth.planted_effects.standardised_score[s].by_route)) {
        expect(cell.model_tutees, `${s} ${route}`).toBeGreaterThan(100);
        expect(Math.abs(cell.mean_observed_effect - cell.mean_planted_effect), `${s} ${route}`).toBeLessThan(0.2);
      }
  });
  it("about 10% of Y6 and Y11 tutees have no standardised baseline", () => {
    const y = truth.places.filter((p: any) => p.nc_year === 6 || p.nc_year === 11);
    const share = y.filter((p: any) => !p.std_baseline).length / y.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.2);
  });
});

describe("a large LA (§2: a pupil's UPN is its own)", () => {
  it("every school has an establishment number of its own, so no two pupils share a UPN (LA, establishment, year of issue, serial)", () => {
    // At 400 schools the academies' numbers (6901 on) ran into the special schools' (7001 on):
    // 976 pupils shared a UPN with another and were quarantined, with all their results.
    for (const count of [120, 400, 2000]) {
      const geo = new Rng(1, 11);
      const schools = makeNtpSchools("919", count, geo, placeNames(geo));
      expect(schools).toHaveLength(count);
      const estabs = schools.map((s) => s.laestab);
      expect(new Set(estabs).size, `${count} schools`).toBe(count);
      expect(estabs.every((e) => /^919\d{4}$/.test(e))).toBe(true);
    }
  });
});

describe("faults and other years", () => {
  it("--faults appends one row per listed fault, each breaking its rule, and leaves the valid rows as they were", async () => {
    const clean = await generate({ seed: 5, schools: 20 });
    const bad = await generate({ seed: 5, schools: 20, faults: true });
    const t = JSON.parse(readFileSync(join(bad, "truth.json"), "utf8"));
    const rules = new Set(t.faults.rows.map((f: any) => f.rule));
    for (const r of ["bad_academic_year", "group_inconsistent", "bad_code", "bad_flag", "out_of_range", "bad_result", "missing_value", "bad_number"])
      expect(rules.has(r), r).toBe(true);
    for (const f of t.faults.rows) {
      const file = readCsv(join(bad, f.file));
      const row = Object.fromEntries(file.header.map((h, i) => [h, file.lines[f.line - 1].split(",")[i]]));
      expect(row[f.column], `${f.file}:${f.line}`).toBe(f.value);
    }
    // The same codes checked from the spec: sen A/P/S are 2009 codes, a std row needs a test name.
    const sen = t.faults.rows.filter((f: any) => f.column === "sen");
    expect(sen.every((f: any) => ["A", "P", "S"].includes(f.value))).toBe(true);
    for (const f of ["schools.csv", "pupils.csv", "attainment.csv", "tuition.csv", "sessions.csv"]) {
      const a = readFileSync(join(clean, f), "utf8");
      expect(readFileSync(join(bad, f), "utf8").startsWith(a), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(clean, "truth.json"), "utf8")).faults.rows).toEqual([]);
  }, 120_000);
  it("2020/21: no school-led tutoring (not open) and no KS2 tests in 2021", async () => {
    const d = await generate({ seed: 5, schools: 20, year: "2020/21" });
    const t = readCsv(join(d, "tuition.csv")).rows;
    expect(t.length).toBeGreaterThan(100);
    expect(t.some((r) => r.route === "school_led")).toBe(false);
    expect(new Set(t.map((r) => r.academic_year))).toEqual(new Set(["2020/21"]));
    const ks2 = readCsv(join(d, "attainment.csv")).rows.filter((a) => a.assessment === "ks2");
    expect(ks2.some((a) => a.assessed_on.startsWith("2021"))).toBe(false);
    expect(ks2.some((a) => a.assessed_on.startsWith("2016"))).toBe(true);
  }, 120_000);
  it("refuses a year outside the programme and the 2009 options, with a sentence", async () => {
    await expect(generate({ seed: 5, schools: 20, year: "2019/20" })).rejects.toThrow(/--year must be one of 2020\/21/);
    await expect(synthesise({ scale: "national", seed: 1, out: join(tmpdir(), "never"), programme: "ntp" })).rejects.toThrow(/one LA in one year/);
  });
});

describe("through ingest and validate (§6.3)", () => {
  async function run(d: string) {
    const db = await Db.open(":memory:");
    const settings = loadSettings(join(d, "settings.json"));
    await ingest(db, d, settings);
    const summary = await validate(db, settings);
    return { db, summary };
  }
  it("every generated row loads; the programme-rule breaches validate lists are truth.json's", async () => {
    const d = await generate({ seed: 11, schools: 30 });
    const { db, summary } = await run(d);
    expect(await db.all(`select file, line, rule from quarantine limit 5`)).toEqual([]);
    for (const f of summary.files) expect(f.rows_loaded, f.file).toBe(f.rows_read);
    const t = JSON.parse(readFileSync(join(d, "truth.json"), "utf8"));
    const lineOf = new Map(readCsv(join(d, "tuition.csv")).rows.map((r, i) => [r.tuition_id, i + 2]));
    const expected = Object.entries<string[]>(t.programme_rule_breaches).flatMap(([rule, ids]) => ids.map((id) => `${lineOf.get(id)}|${rule}`));
    expect(expected.length).toBeGreaterThan(0);
    const got = await db.all<{ line: number; rule: string }>(`select line, rule from programme_breaches`);
    expect(got.map((r) => `${r.line}|${r.rule}`).sort()).toEqual(expected.sort());
    db.close();
  }, 180_000);
  it("with --faults the quarantine is exactly the planted faults, each under its rule", async () => {
    const d = await generate({ seed: 11, schools: 30, faults: true });
    const planted: { file: string; line: number; column: string; rule: string }[] = JSON.parse(readFileSync(join(d, "truth.json"), "utf8")).faults.rows;
    const { db, summary } = await run(d);
    const got = await db.all<{ file: string; line: number; column: string | null; rule: string }>(`select file, line, "column", rule from quarantine`);
    const key = (r: { file: string; line: number; column: string | null; rule: string }) => `${r.file}|${r.line}|${r.column ?? ""}|${r.rule}`;
    expect(got.map(key).sort()).toEqual(planted.map(key).sort());
    for (const f of summary.files) expect(f.rows_read, f.file).toBe(f.rows_loaded + f.rows_quarantined);
    db.close();
  }, 180_000);
});
