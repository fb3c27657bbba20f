// The combined view's data and words (issue 19): what pipelines/site/combined-data.ts reads from a
// combine folder (refusing, with the file, line and column, what it cannot use) and what
// src/components/meta-forest.js says about k, τ², I² and the prediction interval.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { combinedView } from "../pipelines/site/combined-data.ts";
import { i2Words, metaReading } from "../src/components/meta-forest.js";
import { makeCombinedFolder, metaCases } from "./fixtures/combined/make.ts";

const tmp = mkdtempSync(join(tmpdir(), "combined-view-"));
let national: string;

beforeAll(async () => {
  national = await makeCombinedFolder(tmp);
});

/** A copy of the combined folder's data file with `edit` applied to its text, beside its metadata, in a folder of its own. */
function edited(name: string, edit: (text: string) => string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "impact_national_200910.csv"), edit(readFileSync(join(national, "impact_national_200910.csv"), "utf8")));
  copyFileSync(join(national, "impact_national_200910.meta.csv"), join(dir, "impact_national_200910.meta.csv"));
  return dir;
}

describe("combinedView", () => {
  it("reads each subject's LA rows and National row as the combined return publishes them; subject Total (z) is left out", () => {
    const view = combinedView(national);
    const rows = parseTable(readFileSync(join(national, "impact_national_200910.csv"), "utf8")).records.map((r) => r.values);
    expect(view.periods.map((p) => [p.time_period, p.year])).toEqual([["200910", "2009/10"]]);
    expect(view.periods[0].subjects.map((s) => s.subject)).toEqual(["English", "Mathematics"]);
    for (const s of view.periods[0].subjects) {
      const las = rows.filter((v) => v.subject === s.subject && v.geographic_level === "Local authority");
      expect(s.las).toEqual(las.map((v) => ({ la_code: v.old_la_code, la_name: v.la_name, b: v.b, ci_low: v.ci_low, ci_high: v.ci_high })));
      const nat = rows.find((v) => v.subject === s.subject && v.geographic_level === "National")!;
      expect(s.national.pooled_k).toBe(nat.pooled_k);
      expect(s.national.b).toBe(nat.b);
    }
    // The fixture's sixth LA has no mathematics estimate: it is read as published (x), not dropped.
    expect(view.periods[0].subjects[1].las.filter((l) => l.b === "x")).toHaveLength(1);
    expect(view.periods[0].files).toEqual(["data-guidance-national-200910.md", "impact_national_200910.csv", "impact_national_200910.meta.csv"]);
  });

  it("refuses a folder with no combined return, naming it", () => {
    const empty = join(tmp, "empty");
    mkdirSync(empty, { recursive: true });
    expect(() => combinedView(empty)).toThrow(
      `${empty}: no combined return here (impact_national_<period>.csv): run tuition-impact combine <returns> --out <folder> first.`,
    );
  });

  it("refuses a combined return without the National-only columns, naming the file and column", () => {
    const dir = edited("old", (t) => t.replace(/,pooled_k/, ",pooled_k_old"));
    expect(() => combinedView(dir)).toThrow(
      /impact_national_200910\.csv: no column 'pooled_k': the LAs were combined by a version of the tool that made no national meta-analysis/,
    );
  });

  it("refuses a return of neither profile (no 2009 filter set, no ntp filter), naming the file", () => {
    const dir = edited("neither", (t) => t.replace(/,fsm_status,/, ",fsm_x,"));
    expect(() => combinedView(dir)).toThrow(
      `${join(dir, "impact_national_200910.csv")}: no column 'fsm_status' (a 2009 return's filter) nor 'outcome_measure' (an ntp return's): it is neither a combined one-to-one tuition (2009 programme) return nor a combined National Tutoring Programme (ntp) return of this tool.`,
    );
  });

  it("reads the filters from the return's metadata: refuses a return without it, or whose metadata names a filter it lacks, naming the file", () => {
    const bare = edited("bare", (t) => t);
    rmSync(join(bare, "impact_national_200910.meta.csv"));
    expect(() => combinedView(bare)).toThrow(
      `${join(bare, "impact_national_200910.meta.csv")}: no such file: the filters of impact_national_200910.csv are read from its metadata`,
    );
    const lost = edited("lost", (t) => t);
    const meta = join(lost, "impact_national_200910.meta.csv");
    writeFileSync(meta, readFileSync(meta, "utf8").replace(/^subject,Filter,/m, "subjekt,Filter,"));
    expect(() => combinedView(lost)).toThrow(`${meta}: line 2: filter 'subjekt' is not a column of impact_national_200910.csv.`);
  });

  it("refuses a cell that is neither a number nor c, x or z, naming its line and column", () => {
    const dir = edited("bad", (t) => {
      const lines = t.split("\n");
      const b = lines[0].split(",").indexOf("b");
      const cells = lines[1].split(",");
      cells[b] = "1;5";
      lines[1] = cells.join(",");
      return lines.join("\n");
    });
    expect(() => combinedView(dir)).toThrow(/impact_national_200910\.csv: line 2, column b: '1;5' is neither a number nor c, x or z\./);
  });
});

describe("the reading beside the forest plot", () => {
  const view = () => combinedView(national).periods[0].subjects;

  it("gives k, the pooled estimate with its CI, τ², I² and the prediction interval as published", () => {
    const { english } = metaCases();
    const s = view()[0];
    const n = s.national;
    const text = metaReading(s);
    expect(english.tau2).toBeGreaterThan(0);
    expect(text).toContain(
      `Pooled over k = ${english.k} LAs (random effects, REML), tuition's impact on English progress is ${n.b} points (95% CI ${n.ci_low} to ${n.ci_high}).`,
    );
    expect(text).toContain(`τ² = ${n.pooled_tau2} points squared (a standard deviation of about ${Math.sqrt(Number(n.pooled_tau2)).toFixed(2)} points)`);
    expect(text).toContain(`I² = ${n.pooled_i2}%: ${i2Words(n.pooled_i2)}`);
    expect(text).toContain(`between ${n.pooled_pi_low} and ${n.pooled_pi_high} points (95% prediction interval)`);
  });

  it("says when τ² is 0, and names the LAs left out of the pool", () => {
    const { maths } = metaCases();
    const s = view()[1];
    expect(maths.tau2).toBe(0);
    const text = metaReading(s);
    expect(text).toContain("The LAs' true impacts are estimated not to differ at all (τ² = 0)");
    expect(text).toContain("1 of the 6 LAs has no published estimate (c or x) and is not pooled.");
  });

  it("says no national estimate was made where the National impact is x", () => {
    const s = view()[0];
    const text = metaReading({
      ...s,
      national: { ...s.national, b: "x", ci_low: "x", ci_high: "x", pooled_k: "x", pooled_tau2: "x", pooled_i2: "x", pooled_pi_low: "x", pooled_pi_high: "x" },
    });
    expect(text).toMatch(/^No national estimate of the impact on English was made \(x\)/);
  });

  it("puts I² in words on Higgins et al.'s scale (25% low, 50% moderate, 75% high)", () => {
    expect([i2Words("0.0"), i2Words("20.0"), i2Words("50.0"), i2Words("80.0"), i2Words("x")]).toEqual([
      "none of the spread of the LA estimates is more than chance would give",
      "a low share (20.0%) of the spread of the LA estimates reflects real differences between LAs rather than chance",
      "a moderate share (50.0%) of the spread of the LA estimates reflects real differences between LAs rather than chance",
      "a high share (80.0%) of the spread of the LA estimates reflects real differences between LAs rather than chance",
      undefined,
    ]);
  });
});

describe("tuition-impact site --combined", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(import.meta.dirname, "..", "bin", "tuition-impact.js"), ...args, "--quiet"], { cwd: tmp, encoding: "utf8" });

  it("refuses a folder with no combined return (exit 1, the folder named) and builds nothing", () => {
    const empty = join(tmp, "nothing-here");
    mkdirSync(empty, { recursive: true });
    const r = cli(["site", "--combined", empty, "--out", join(tmp, "site-none")]);
    expect(r.status).toBe(EXIT.inputRefused);
    expect(r.stderr).toContain(`${empty}: no combined return here`);
    expect(existsSync(join(tmp, "site-none"))).toBe(false);
  });

  it("is a usage error beside --db or --pdf (exit 2)", () => {
    const r = cli(["site", "--combined", national, "--db", "x.duckdb"]);
    expect(r.status).toBe(EXIT.usage);
    expect(r.stderr).toContain("--combined builds the combined view from a combine folder alone: leave out --db and --pdf");
  });
});
