// The 65% tuition-partner target (programmes.md §3 §7): pct_tp_courses_pupil_premium equals a
// count made here from the input CSVs alone, per subject on the LA file and per arranging
// school on the schools file, on the Tuition partner rows of a 2021/22 run; it is `z` on every
// other row, and on every row of a 2022/23 run. A third of the pupils' pupil_premium flags are
// blanked first, so the "else disadvantaged" fallback is exercised.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFixed } from "../pipelines/core/round.ts";
import { parseTable, toCsv } from "../pipelines/export/csv.ts";
import { layoutFor } from "../pipelines/export/layout.ts";
import { runPipeline } from "../pipelines/run.ts";
import { synthesise } from "../pipelines/synth/index.ts";

const SUBJECT: Record<string, string> = { english: "English", maths: "Mathematics", science: "Science", other: "Other subjects" };
const INDICATOR = "pct_tp_courses_pupil_premium";
const FILTERS = layoutFor("ntp").filterColumns.filter((f) => f !== "subject");

let dir = "";
type Rows = Record<string, string>[];
const published: Record<string, { la: Rows; schools: Rows }> = {};
let expected: { la: Map<string, [number, number]>; school: Map<string, [number, number]> };
let blanked = 0;

const read = (file: string): Rows => parseTable(readFileSync(file, "utf8")).records.map((r) => r.values);

async function runYear(year: "2021/22" | "2022/23", seed: number): Promise<string> {
  const input = join(dir, `in-${seed}`);
  await synthesise({ scale: "la", out: input, programme: "ntp", seed, schools: 24, year });
  return input;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ntp-target-"));
  const in22 = await runYear("2021/22", 11);
  // Blank every third pupil's pupil_premium flag: those pupils count when disadvantaged.
  const pupils = parseTable(readFileSync(join(in22, "pupils.csv"), "utf8"));
  const rows = pupils.records.map((r, i) => {
    const v = { ...r.values };
    if (i % 3 === 0 && v.pupil_premium !== "") {
      v.pupil_premium = "";
      blanked++;
    }
    return pupils.columns.map((c) => v[c]);
  });
  writeFileSync(join(in22, "pupils.csv"), toCsv(pupils.columns, rows));

  // The independent count: tuition partner rows of tuition.csv claimed against the grant, their pupil's census row of the year.
  const flag = (v: string | undefined) => v === "Y";
  const pupil = new Map(read(join(in22, "pupils.csv")).map((p) => [`${p.upn}|${p.academic_year}`, p]));
  const la = new Map<string, [number, number]>();
  const school = new Map<string, [number, number]>();
  const add = (m: Map<string, [number, number]>, key: string, counts: boolean) => {
    const c = m.get(key) ?? [0, 0];
    c[0] += counts ? 1 : 0;
    c[1] += 1;
    m.set(key, c);
  };
  for (const t of read(join(in22, "tuition.csv"))) {
    if (t.route !== "tuition_partner" || t.funding_source !== "ntp" || t.academic_year !== "2021/22") continue;
    const p = pupil.get(`${t.upn}|${t.academic_year}`);
    const disadvantaged = !!p && (flag(p.fsm6) || flag(p.fsm) || flag(p.cla) || flag(p.pla));
    const counts = p && p.pupil_premium !== "" ? flag(p.pupil_premium) : disadvantaged;
    for (const subject of [SUBJECT[t.subject], "Total"]) {
      add(la, subject, counts);
      add(school, `${t.urn}|${subject}`, counts);
    }
  }
  expected = { la, school };

  const out22 = join(dir, "out22");
  await runPipeline({ input: in22, out: out22 });
  published["2021/22"] = {
    la: read(join(out22, "return", "impact_919_202122.csv")),
    schools: read(join(out22, "return", "impact_schools_919_202122.csv")),
  };
  const in23 = await runYear("2022/23", 12);
  const out23 = join(dir, "out23");
  await runPipeline({ input: in23, out: out23 });
  published["2022/23"] = {
    la: read(join(out23, "return", "impact_919_202223.csv")),
    schools: read(join(out23, "return", "impact_schools_919_202223.csv")),
  };
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The Tuition partner row of a subject: route Tuition partner, every other filter Total. */
const isTargetRow = (r: Record<string, string>) =>
  r.route === "Tuition partner" && FILTERS.filter((f) => f !== "route").every((f) => (r[f] ?? "Total") === "Total");

describe("pct_tp_courses_pupil_premium, the 65% tuition-partner target (programmes.md §3 §7)", () => {
  it("the test's input blanks some pupil premium flags, so the fallback to disadvantaged is counted", () => {
    expect(blanked).toBeGreaterThan(100);
  });

  it("on the LA file of 2021/22 equals the count from the input CSVs, per subject, wherever it is not suppressed", () => {
    const rows = published["2021/22"].la.filter(isTargetRow);
    expect(rows.map((r) => r.subject).sort()).toEqual([...expected.la.keys()].sort());
    const compared = rows.filter((r) => r[INDICATOR] !== "c");
    const got = Object.fromEntries(compared.map((r) => [r.subject, r[INDICATOR]]));
    const want = Object.fromEntries(
      compared.map((r) => {
        const [k, n] = expected.la.get(r.subject)!;
        return [r.subject, formatFixed((100 * k) / n, 1)];
      }),
    );
    expect(got).toEqual(want);
    // The whole LA's figure (subject Total) is published: the target is judged on it.
    expect(Object.keys(got)).toContain("Total");
    expect(compared.length).toBeGreaterThanOrEqual(2);
  });

  it("on the schools file of 2021/22 equals the count from the input CSVs wherever it is not suppressed", () => {
    const rows = published["2021/22"].schools.filter(isTargetRow);
    const compared = rows.filter((r) => r[INDICATOR] !== "c");
    for (const r of compared) {
      const [k, n] = expected.school.get(`${r.school_urn}|${r.subject}`) ?? [0, 0];
      expect({ urn: r.school_urn, subject: r.subject, value: r[INDICATOR] }).toEqual({
        urn: r.school_urn,
        subject: r.subject,
        value: n === 0 ? "z" : formatFixed((100 * k) / n, 1),
      });
    }
    expect(compared.filter((r) => r[INDICATOR] !== "z").length).toBeGreaterThan(5);
  });

  it("is z on every other row of 2021/22 (other routes, group sizes, outcome measures)", () => {
    for (const file of ["la", "schools"] as const) {
      const others = published["2021/22"][file].filter((r) => !isTargetRow(r));
      expect(others.length).toBeGreaterThan(0);
      expect(new Set(others.map((r) => r[INDICATOR]))).toEqual(new Set(["z"]));
    }
  });

  it("is z on every row of a 2022/23 return, Tuition partner rows included", () => {
    for (const file of ["la", "schools"] as const) {
      const rows = published["2022/23"][file];
      expect(rows.filter(isTargetRow).length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r[INDICATOR]))).toEqual(new Set(["z"]));
    }
  });
});
