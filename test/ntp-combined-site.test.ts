// The combined view of National Tutoring Programme returns (issue 16 on issue 19's view): three
// LAs' ntp returns of 2022/23 (test/fixtures/combined/ntp-las.ts: each a synth of its own seed run
// through the whole pipeline), combined, then `tuition-impact site --combined` over that folder.
// Checked against the contract, not against today's output: one forest per subject × outcome
// measure whose National impact applies (not z); its LA rows are the LAs' own published b and CI
// of the whole cohort (every other filter of the layout at Total), its National row the combined
// return's pooled cells; the site's data file is that view; the words are the programme's (no
// one-to-one or ten-hour text, no National Curriculum points); `tuition-impact audit` passes on
// the built site; a folder holding a 2009 and an ntp combined return is refused naming both.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { combine } from "../pipelines/export/combine.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { NTP_FILTERS } from "../pipelines/export/layout.ts";
import { OUTCOME_MEASURES } from "../pipelines/measures/ntp-impact.ts";
import { type CombinedView, combinedView } from "../pipelines/site/combined-data.ts";
import { combinedIntro, metaReading, panelWords } from "../src/components/meta-forest.js";
import { makeCombinedFolder } from "./fixtures/combined/make.ts";
import { builtNtpLas, type NtpLa } from "./fixtures/combined/ntp-las.ts";
import { filesUnder } from "./helpers/source-files.ts";

const CLI = join(import.meta.dirname, "..", "bin", "tuition-impact.js");
const FILE = "impact_national_202223.csv";
/** Filters that make a forest of their own (the rest are at Total on a whole-cohort row). */
const PANELS = ["subject", "outcome_measure"];
const OTHER_FILTERS = NTP_FILTERS.map((f) => f.col).filter((c) => !PANELS.includes(c));
/** The ntp site test's words that must not appear (test/ntp-site.test.ts), and 2009's unit. */
const NOT_NTP = /\b(10|ten) hours\b|one-to-one (programme|tuition)|ten-hour|National Curriculum points|NC points/i;

type Row = Record<string, string>;
let dir = "";
let las: NtpLa[] = [];
let national = "";
let site = "";
let rows: Row[] = [];
let view: CombinedView;
let build: ReturnType<typeof spawnSync>;
let c2009 = "";

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, "--quiet"], { cwd: dir, encoding: "utf8" });
const read = (path: string) => parseTable(readFileSync(path, "utf8")).records.map((r) => r.values);
const wholeCohort = (r: Row) => OTHER_FILTERS.every((c) => r[c] === "Total");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ntp-combined-site-"));
  // Three LAs: the fewest with a National estimate (outputs.md §1 pools k ≥ 3).
  // Shared with test/ntp-combine.test.ts (the same three LAs, 24 schools each): read only.
  las = await builtNtpLas(["919", "881", "873"], { seed: 21, schools: 24 });
  national = join(dir, "national");
  await combine(
    las.map((l) => l.file),
    national,
  );
  rows = read(join(national, FILE));
  view = combinedView(national);
  site = join(dir, "site");
  build = cli(["site", "--combined", national, "--out", site]);
  c2009 = await makeCombinedFolder(join(dir, "c2009"));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the combined view of ntp returns", () => {
  it("one forest per subject × outcome measure whose National impact applies, in the profile's order of measures", () => {
    expect(view.programme).toBe("ntp");
    expect(view.periods.map((p) => [p.time_period, p.year])).toEqual([["202223", "2022/23"]]);
    const nationalWhole = rows.filter((r) => r.geographic_level === "National" && wholeCohort(r) && r.b !== "z");
    const got = view.periods[0].subjects.map((s) => [s.subject, s.outcome_measure]);
    expect(got.map((k) => JSON.stringify(k)).sort()).toEqual(nationalWhole.map((r) => JSON.stringify([r.subject, r.outcome_measure])).sort());
    // Every outcome measure of the profile is plotted for English and Mathematics (the fixture's subjects with impact).
    for (const subject of ["English", "Mathematics"]) {
      expect(got.filter(([s]) => s === subject).map(([, m]) => m)).toEqual([...OUTCOME_MEASURES]);
    }
    expect(view.periods[0].files).toEqual(["data-guidance-national-202223.md", FILE, "impact_national_202223.meta.csv"]);
  });

  it("each LA's row is its own return's published whole-cohort b and CI; the National row the combined return's pooled cells", () => {
    const own = new Map(las.map((l) => [l.la, read(l.file)]));
    let numbers = 0;
    for (const s of view.periods[0].subjects) {
      const cell = (r: Row) => r.subject === s.subject && r.outcome_measure === s.outcome_measure && wholeCohort(r);
      expect(s.las.map((l) => l.la_code)).toEqual([...own.keys()].sort());
      for (const la of s.las) {
        const mine = own.get(la.la_code)!.filter(cell);
        expect(mine).toHaveLength(1);
        expect(la).toEqual({ la_code: mine[0].old_la_code, la_name: mine[0].la_name, b: mine[0].b, ci_low: mine[0].ci_low, ci_high: mine[0].ci_high });
        if (/^-?\d/.test(la.b)) numbers += 1;
      }
      const n = rows.filter((r) => r.geographic_level === "National" && cell(r));
      expect(n).toHaveLength(1);
      const keys = ["b", "se", "ci_low", "ci_high", "pooled_k", "pooled_tau2", "pooled_i2", "pooled_pi_low", "pooled_pi_high"] as const;
      expect(s.national).toEqual(Object.fromEntries(keys.map((k) => [k, n[0][k]])));
    }
    // Not vacuous: most LA estimates are published numbers, and some National impacts are pooled.
    expect(numbers).toBeGreaterThan(view.periods[0].subjects.length);
    expect(view.periods[0].subjects.filter((s) => /^-?\d/.test(s.national.pooled_k)).length).toBeGreaterThan(1);
  });

  it("the built site's data file is that view, and tuition-impact audit passes on the site", () => {
    expect(build.status, `${build.stderr}`).toBe(EXIT.ok);
    const data = filesUnder(site).filter((f) => /[/\\]_file[/\\]data[/\\]combined\.[0-9a-f]+\.json$/.test(f));
    expect(data).toHaveLength(1);
    expect(JSON.parse(readFileSync(data[0], "utf8"))).toEqual(view);
    const audit = cli(["audit", site]);
    expect(audit.status, audit.stdout + audit.stderr).toBe(EXIT.ok);
    expect(audit.stdout).toContain("0 breaches");
  });

  it("is worded for the programme: each measure in its own scale, no one-to-one, ten-hour or National Curriculum text", () => {
    const intro = combinedIntro(view)
      .map((p) => (typeof p === "string" ? p : p[1]))
      .join("");
    expect(intro).toContain("impact of the National Tutoring Programme");
    expect(intro).not.toMatch(NOT_NTP);
    for (const s of view.periods[0].subjects) {
      const words = panelWords(s, view.periods[0].year);
      const reading = metaReading(s);
      expect(words.heading).toBe(`${s.subject}, ${s.outcome_measure}: impact by LA`);
      expect([words.xLabel, words.chart, words.table, reading].filter((t) => NOT_NTP.test(t) || /progress/.test(t))).toEqual([]);
      const n = s.national;
      const unit = s.outcome_measure === "GCSE grade" ? "grades" : "points";
      expect(words.what.startsWith(`the programme's impact on ${s.subject} `)).toBe(true);
      expect(reading).toContain(
        /^-?\d/.test(n.b)
          ? `, ${words.what} is ${n.b} ${unit} (95% CI ${n.ci_low} to ${n.ci_high})`
          : `No national estimate of the impact on ${words.about} was made (${n.b})`,
      );
    }
    // Every page, script, data file and download of the built site.
    const texts = filesUnder(site).filter((f) => !/[/\\]_node[/\\]/.test(f) && /\.(html|js|json|md|csv)$/.test(f));
    expect(texts.length).toBeGreaterThan(5);
    expect(texts.filter((f) => /\b(10|ten) hours\b|one-to-one (programme|tuition)|ten-hour/i.test(readFileSync(f, "utf8")))).toEqual([]);
    const html = readFileSync(join(site, "index.html"), "utf8");
    expect(html).toContain("National impact: the LAs' estimates pooled");
  });

  it("a 2009 folder keeps its words: the page's opening paragraph and a subject's reading", () => {
    const old = combinedView(c2009);
    expect(old.programme).toBeUndefined();
    expect(
      combinedIntro(old)
        .map((p) => (typeof p === "string" ? p : p[1]))
        .join(""),
    ).toBe(
      "Each line is one LA's estimated impact of tuition on progress (National Curriculum points), with its 95% confidence interval, as its own return publishes it. The diamond is the national estimate: a random-effects meta-analysis of those estimates (REML, as R's metafor), its width the 95% confidence interval. The dashed line under it is the 95% prediction interval: where a new LA's true impact would be expected to fall, given how much the LAs differ. An LA whose estimate is suppressed (c) or not available (x) is named but not plotted or pooled.",
    );
    const s = old.periods[0].subjects[0];
    expect(s).not.toHaveProperty("outcome_measure");
    expect(panelWords(s, old.periods[0].year)).toMatchObject({
      heading: `${s.subject}: impact by LA`,
      xLabel: "Impact (NC points), 95% CI",
      file: s.subject.toLowerCase(),
    });
    expect(metaReading(s)).toContain(`tuition's impact on ${s.subject} progress is ${s.national.b} points`);
  });

  it("refuses a folder holding a 2009 and an ntp combined return, naming both files", () => {
    const mixed = join(dir, "mixed");
    mkdirSync(mixed, { recursive: true });
    for (const f of ["impact_national_200910.csv", "impact_national_200910.meta.csv"]) copyFileSync(join(c2009, f), join(mixed, f));
    for (const f of [FILE, "impact_national_202223.meta.csv"]) copyFileSync(join(national, f), join(mixed, f));
    expect(() => combinedView(mixed)).toThrow(
      `${mixed}: mixed programmes: ${FILE} is a combined National Tutoring Programme (ntp) return and impact_national_200910.csv is a combined one-to-one tuition (2009 programme) return; build one combined site per programme, each from a folder of its own.`,
    );
  });
});
