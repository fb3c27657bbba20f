// The prior-attainment breakdown (measures.md §5, outputs.md §1) on a small fixture whose bands,
// counts, means and impact are worked out by hand below from the spec. Staging tables are built
// directly (docs/architecture.md), then transform, every mart, disclosure control, the return
// (with its own screener) and the release audit run as in the pipeline.
//
// §5: the subject's baseline against the ARE that "below ARE at baseline" uses (§1: the end of
// the previous NC year, 15 + 3(n − 2) for year n = 2..9; a GCSE-scale score against grade C 40):
// well below expected under ARE − 6, below expected from ARE − 6 up to ARE, at or above from ARE,
// unknown where the baseline has no ARE; no baseline, no band; no band on subject Total.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { makeReporter } from "../pipelines/core/progress.ts";
import { auditRelease } from "../pipelines/export/audit.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { screen } from "../pipelines/export/screener.ts";
import { runPipeline } from "../pipelines/run.ts";
import { withCheckLetter } from "../pipelines/validate/upn.ts";

const LA = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
const YEAR = "2009/10";
const BEFORE = "2009-10-01"; // baselines (every course runs 2009-11-01 → 2010-02-01)
const AFTER = "2010-03-01"; // outcomes

// [upn, urn, nc_year, subject, baseline (assessment, date, result) or null, outcome result, tutored]
type Pupil = [string, string, number, "maths" | "english", [string, string, string] | null, string, boolean];
const ta = (result: string): [string, string, string] => ["ta", BEFORE, result];
const PUPILS: Pupil[] = [];

// Mathematics, Year 5 (baseline ARE = end of Y4 = 21, so well below < 15, below 15..20, at ≥ 21).
// The band "at or above" holds 10 tutees and 10 comparison pupils in 5 schools, so its impact is
// estimated (n_t ≥ 10, n_c ≥ 10, G ≥ 5). Each school has one tutee and one comparison pupil at
// baseline 21 (3b, exactly ARE: at) and at 25 (4c). Outcomes (points):
//   tutees     at 21: 27 25 27 23 27 (Σ 129)   at 25: 29 31 31 29 29 (Σ 149)
//   comparison at 21: 23 23 25 23 23 (Σ 117)   at 25: 27 27 25 27 27 (Σ 133)
const OUTCOME = {
  t21: ["4b", "4c", "4b", "3a", "4b"],
  t25: ["4a", "5c", "5c", "4a", "4a"],
  c21: ["3a", "3a", "4c", "3a", "3a"],
  c25: ["4b", "4b", "4c", "4b", "4b"],
};
for (let k = 0; k < 5; k++) {
  const urn = `20000${k + 1}`;
  PUPILS.push([`TL${k}`, urn, 5, "maths", ta("3b"), OUTCOME.t21[k]!, true]);
  PUPILS.push([`TH${k}`, urn, 5, "maths", ta("4c"), OUTCOME.t25[k]!, true]);
  PUPILS.push([`CL${k}`, urn, 5, "maths", ta("3b"), OUTCOME.c21[k]!, false]);
  PUPILS.push([`CH${k}`, urn, 5, "maths", ta("4c"), OUTCOME.c25[k]!, false]);
}
PUPILS.push(
  ["MWT", "200001", 5, "maths", ta("2c"), "2a", true], //   13 < 15: well below; progress 4
  ["MWC", "200001", 5, "maths", ta("1a"), "2c", false], //  11: well below; progress 2
  ["MBT1", "200001", 5, "maths", ta("2b"), "3c", true], //  15 = ARE − 6: below (lower edge); progress 4
  ["MBT2", "200001", 5, "maths", ta("3c"), "3a", true], //  19: below; progress 4
  ["MBC", "200001", 5, "maths", ta("2a"), "3c", false], //  17: below; progress 2
  ["MNB", "200001", 5, "maths", null, "3b", true], //       no baseline: in no band, not analysed
  // English, by key stage of the baseline:
  ["EK1T", "200001", 3, "english", ["ks1", "2009-05-15", "2c"], "2a", true], // Y3: KS1 2c 13 vs Y2's 15 (9..14 below); progress 4
  ["EK1C", "200001", 3, "english", ["ks1", "2009-05-15", "W"], "1b", false], // Y3: KS1 W 3 < 9: well below; progress 6
  ["EK2T", "200006", 7, "english", ["ks2", "2009-05-10", "3"], "4c", true], //  Y7: KS2 3 = 21 vs Y6's 27: below (21 = ARE − 6); progress 4
  ["EK2C", "200006", 7, "english", ["ks2", "2009-05-10", "4"], "4a", false], // Y7: KS2 4 = 27: at or above (= ARE); progress 2
  ["EG1", "200006", 10, "english", ta("D"), "C", true], //   Y10 GCSE D 34 vs C 40: below (34 = 40 − 6); progress 6
  ["EG2", "200006", 10, "english", ta("E"), "D", true], //   Y10 GCSE E 28 < 34: well below; progress 6
  ["EU", "200006", 11, "english", ta("6c"), "6b", true], //  Y11 NC 6c 37: previous year 10 has no ARE: unknown; progress 2
  ["MBT1", "200001", 5, "english", ta("4c"), "4b", true], // 25 ≥ 21: at or above in English (below in maths); progress 2
);

// The fixture as an input folder (inputs.md), so the test runs the pipeline's own stages, the
// return's screener and the release audit exactly as `run` does. Names above stand for UPNs.
const upns = new Map<string, string>();
const upnOf = (name: string) => {
  if (!upns.has(name)) upns.set(name, withCheckLetter(`919200109${String(upns.size).padStart(3, "0")}`));
  return upns.get(name)!;
};

function writeInputs(dir: string): void {
  const schools = ["urn,laestab,school_name,la_code,phase,academy,national_challenge,ecaw"];
  for (let k = 1; k <= 6; k++) schools.push(`20000${k},919300${k},School ${k},919,${k === 6 ? "secondary" : "primary"},N,N,N`);
  const pupils = ["upn,academic_year,urn,nc_year,gender,fsm,cla,first_language,sen,ethnicity"];
  const attainment = ["upn,subject,assessment,assessed_on,result"];
  const tuition = [
    "tuition_id,upn,urn,academic_year,subject,tutor_id,start_date,end_date,allocation,entry_reason,itp_agreed,mid_check,targets_set,targets_met",
  ];
  const censused = new Set<string>();
  for (const [name, urn, nc, subject, base, out, tutored] of PUPILS) {
    const upn = upnOf(name);
    if (!censused.has(upn)) pupils.push(`${upn},${YEAR},${urn},${nc},M,N,N,ENG,N,WBRI`);
    censused.add(upn);
    if (base) attainment.push(`${upn},${subject},${base[0]},${base[1]},${base[2]}`);
    attainment.push(`${upn},${subject},ta,${AFTER},${out}`);
    if (tutored) tuition.push(`${subject}-${name},${upn},${urn},${YEAR},${subject},TUTOR1,2009-11-01,2010-02-01,core,below_expected_on_entry,Y,Y,2,1`);
  }
  for (const [file, lines] of Object.entries({ schools, pupils, attainment, tuition })) writeFileSync(join(dir, `${file}.csv`), lines.join("\n") + "\n");
  writeFileSync(join(dir, "settings.json"), JSON.stringify({ la: LA, academic_years: [YEAR], suppression_threshold: 5, build_date: "2010-09-30" }));
}

let db: Db;
let returnDir: string;
beforeAll(async () => {
  const tmp = mkdtempSync(join(tmpdir(), "prior-attainment-"));
  mkdirSync(join(tmp, "in"));
  writeInputs(join(tmp, "in"));
  // runPipeline screens the return and audits the release, and refuses to publish on a FAIL or a breach
  const result = await runPipeline({ input: join(tmp, "in"), out: join(tmp, "out"), reporter: makeReporter(process.stderr, true) });
  expect(result.quarantine).toEqual([]);
  returnDir = join(tmp, "out", "return");
  db = await Db.open(result.database!);
}, 180_000);
afterAll(() => db?.close());

const BAND = "prior_attainment";
async function bandRow(mart: string, subject: string, band: string): Promise<Record<string, unknown>> {
  const rows = await db.all(`select * from ${mart} where la_code = '919' and urn is null and subject = ? and breakdown = ? and group_label = ?`, [
    subject,
    BAND,
    band,
  ]);
  expect(rows, `${mart} ${subject} ${band}`).toHaveLength(1);
  return rows[0] as Record<string, unknown>;
}

describe("prior-attainment bands (measures.md §5)", () => {
  it("bands each subject's baseline against the ARE of the previous NC year, by key stage and scale", async () => {
    const got = await db.all<{ upn: string; subject: string; band: string | null }>(`select upn, subject, prior_attainment as band from int_analysis_pupils`);
    const band = (name: string, subject: string) => {
      const rows = got.filter((r) => r.upn === upnOf(name) && r.subject === subject);
      expect(rows, `${name} ${subject}`).toHaveLength(1);
      return rows[0]!.band;
    };
    expect(band("MWT", "Mathematics")).toBe("Well below expected");
    expect(band("MWC", "Mathematics")).toBe("Well below expected");
    expect(band("MBT1", "Mathematics")).toBe("Below expected"); // 15 = ARE − 6
    expect(band("MBT2", "Mathematics")).toBe("Below expected");
    expect(band("MBC", "Mathematics")).toBe("Below expected");
    expect(band("TL0", "Mathematics")).toBe("At or above expected"); // 21 = ARE
    expect(band("CH4", "Mathematics")).toBe("At or above expected");
    expect(band("MNB", "Mathematics")).toBeNull(); // no baseline: no band
    expect(band("MBT1", "English")).toBe("At or above expected"); // a band is the subject's
    expect(band("EK1T", "English")).toBe("Below expected"); // KS1 2c against Y2's 2b
    expect(band("EK1C", "English")).toBe("Well below expected");
    expect(band("EK2T", "English")).toBe("Below expected"); // KS2 3 against Y6's 4b
    expect(band("EK2C", "English")).toBe("At or above expected");
    expect(band("EG1", "English")).toBe("Below expected"); // GCSE D against C
    expect(band("EG2", "English")).toBe("Well below expected");
    expect(band("EU", "English")).toBe("Unknown");
  });

  it("§6: tutees and comparison pupils per band and subject, their mean baseline and progress", async () => {
    const want: [string, string, number, number, number | null, number | null, number | null, number | null][] = [
      // subject, band, tutees, comparison, mean baseline t, c, mean progress t, c
      ["Mathematics", "Well below expected", 1, 1, 13, 11, 4, 2],
      ["Mathematics", "Below expected", 2, 1, 17, 17, 4, 2],
      ["Mathematics", "At or above expected", 10, 10, 23, 23, 4.8, 2.0],
      ["Mathematics", "Unknown", 0, 0, null, null, null, null],
      ["English", "Well below expected", 1, 1, 28, 3, 6, 6],
      ["English", "Below expected", 3, 0, 68 / 3, null, 14 / 3, null],
      ["English", "At or above expected", 1, 1, 25, 27, 2, 2],
      ["English", "Unknown", 1, 0, 37, null, 2, null],
    ];
    for (const [subject, band, nt, nc, bt, bc, pt, pc] of want) {
      const r = await bandRow("mart_attainment", subject, band);
      const at = `${subject} ${band}`;
      expect([r.pupils_att_t, r.pupils_att_c], at).toEqual([nt, nc]);
      // to 9 dp, so 68/3 compares; NULL (no pupils: x) stays NULL
      const to9 = (v: unknown) => (v === null ? null : Number((v as number).toFixed(9)));
      const means = ["mean_baseline_t", "mean_baseline_c", "mean_progress_t", "mean_progress_c"].map((c) => to9(r[c]));
      expect(means, at).toEqual([bt, bc, pt, pc].map(to9));
    }
    // the bands hold every analysed pupil of the subject (each has a baseline), so they add up to its Total
    const totals = await db.all<{ subject: string; t: number; c: number; bt: number; bc: number }>(
      `select subject, sum(pupils_att_t) filter (where breakdown = 'total') as t, sum(pupils_att_c) filter (where breakdown = 'total') as c,
         sum(pupils_att_t) filter (where breakdown = '${BAND}') as bt, sum(pupils_att_c) filter (where breakdown = '${BAND}') as bc
       from mart_attainment where la_code = '919' and urn is null and subject <> 'Total' group by subject order by subject`,
    );
    expect(totals.map((r) => [r.subject, Number(r.bt), Number(r.bc)])).toEqual(totals.map((r) => [r.subject, Number(r.t), Number(r.c)]));
  });

  it("§6: below-ARE shares follow from the band (well below and below are all below ARE; unknown cannot be classified)", async () => {
    for (const subject of ["English", "Mathematics"]) {
      expect((await bandRow("mart_attainment", "Mathematics", "Below expected")).pct_below_are_baseline_t).toBe(100);
      expect((await bandRow("mart_attainment", subject, "Well below expected")).pct_below_are_baseline_t).toBe(100);
      expect((await bandRow("mart_attainment", subject, "At or above expected")).pct_below_are_baseline_t).toBe(0);
    }
    const unknown = await bandRow("mart_attainment", "English", "Unknown");
    expect([unknown.are_baseline_t, unknown.pct_below_are_baseline_t]).toEqual([0, null]);
  });

  it("§3/§4: impact and matched estimate per band; b is the difference in mean outcomes where baselines are balanced", async () => {
    // In "at or above", tutees and comparison pupils have the same baselines (five 21s, five 25s each),
    // so tutored is orthogonal to the baseline and b = (129 + 149)/10 − (117 + 133)/10 = 2.8.
    const at = await bandRow("mart_impact", "Mathematics", "At or above expected");
    expect([at.n_t, at.n_c, at.n_schools]).toEqual([10, 10, 5]);
    expect(at.b as number).toBeCloseTo(2.8, 9);
    expect((at.ci_high as number) - (at.b as number)).toBeCloseTo((at.b as number) - (at.ci_low as number), 9);
    expect(at.se as number).toBeGreaterThan(0);
    // Matching on NC year, baseline, fsm, eal, sex: at 21 tutees 25.8 vs matches 23.4 (+2.4), at 25
    // 29.8 vs 26.6 (+3.2): ATT = (5·2.4 + 5·3.2)/10 = 2.8, every tutee matched.
    const m = await bandRow("mart_matched", "Mathematics", "At or above expected");
    expect([m.n_matched_t, m.n_unmatched_t, m.n_matched_c]).toEqual([10, 0, 10]);
    expect(m.att as number).toBeCloseTo(2.8, 9);
    const bal = await bandRow("mart_balance", "Mathematics", "At or above expected");
    expect([bal.bal_baseline_t, bal.bal_baseline_c, bal.bal_baseline_std_diff]).toEqual([23, 23, 0]);
    // too few pupils in a band: x with the reason
    const few = await bandRow("mart_impact", "English", "Below expected");
    expect([few.n_t, few.n_c, few.b]).toEqual([3, 0, null]);
    expect(few.na_reason).toMatch(/fewer than 10 tutees/);
  });

  it("has no prior-attainment rows on subject Total, nor in the marts it does not apply to", async () => {
    for (const mart of ["mart_attainment", "mart_impact", "mart_balance", "mart_matched"]) {
      const bySubject = await db.all<{ subject: string }>(`select distinct subject from ${mart} where breakdown = '${BAND}' order by subject`);
      expect(
        bySubject.map((r) => r.subject),
        mart,
      ).toEqual(["English", "Mathematics"]);
    }
    for (const mart of ["mart_targeting", "mart_gaps", "mart_delivery", "mart_value", "mart_school_progress"]) {
      expect((await db.one<{ n: number }>(`select count(*) as n from ${mart} where breakdown = '${BAND}'`))!.n, mart).toBe(0);
    }
  });
});

describe("prior_attainment in the return (outputs.md §1)", () => {
  const read = (name: string) => readFileSync(join(returnDir, name), "utf8");

  it("is a filter with the vocabulary's values and a Total, on English and Mathematics rows only, passing the screener", () => {
    const data = read("impact_919_200910.csv");
    const meta = read("impact_919_200910.meta.csv");
    const fails = screen(data, meta, { data: "impact_919_200910.csv", meta: "impact_919_200910.meta.csv" }, { las: [LA] }).filter((r) => r.level === "FAIL");
    expect(fails).toEqual([]);
    const metaRow = parseTable(meta).records.find((r) => r.values.col_name === BAND);
    expect(metaRow?.values).toMatchObject({ col_type: "Filter", label: "Prior attainment" });
    const t = parseTable(data);
    const banded = t.records.filter((r) => r.values[BAND] !== "Total").map((r) => r.values);
    expect(new Set(banded.map((v) => v[BAND]))).toEqual(new Set(["Well below expected", "Below expected", "At or above expected", "Unknown"]));
    expect(new Set(banded.map((v) => v.subject))).toEqual(new Set(["English", "Mathematics"]));
    for (const v of banded) expect(["fsm_status", "sex", "key_stage"].map((f) => v[f])).toEqual(["Total", "Total", "Total"]);
    // published as the marts say, after disclosure control (threshold 5: 10 is shown, 1 and 2 are c)
    const at = banded.find((v) => v.subject === "Mathematics" && v[BAND] === "At or above expected")!;
    expect([at.pupils_att_t, at.pupils_att_c, at.n_t, at.n_c, at.b, at.att]).toEqual(["10", "10", "10", "10", "2.800", "2.800"]);
    const wellBelow = banded.find((v) => v.subject === "Mathematics" && v[BAND] === "Well below expected")!;
    expect([wellBelow.pupils_att_t, wellBelow.mean_progress_t]).toEqual(["c", "c"]);
    // measures not produced by band (targeting, delivery) are not applicable
    expect(at.tgt_tutees).toBe("z");
  });

  it("the release passes the disclosure audit", async () => {
    const audit = await auditRelease(returnDir, { threshold: 5 });
    expect(audit.breaches).toEqual([]);
  });
});
