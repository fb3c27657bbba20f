// The National impact's random-effects model (outputs.md §1) against R's metafor::rma(yi,
// sei = se, method = "REML") on committed fixtures (test/oracle/make_meta_fixtures.R writes
// them; R is not needed here). Tolerances: 1e-8 on the estimate, SE, CI and prediction
// interval and 1e-6 on τ² and I², as the brief asks; both implementations run the same Fisher
// scoring to the same stopping rule, so the differences are rounding (the fixture's numbers
// carry 15 significant digits, jsonlite's most).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MetaAnalysisError, randomEffects } from "../pipelines/export/meta-analysis.ts";
import { loadNationalIndicators, nationalImpact } from "../pipelines/export/national-impact.ts";

interface Case {
  name: string;
  note: string;
  yi: number[];
  sei: number[];
  k: number;
  b: number;
  se: number;
  ci_lb: number;
  ci_ub: number;
  tau2: number;
  I2: number;
  pi_lb: number;
  pi_ub: number;
  warnings: string[];
}

const cases: Case[] = JSON.parse(readFileSync(join(import.meta.dirname, "oracle", "data", "meta_cases.json"), "utf8"));
const byName = (name: string): Case => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`meta_cases.json has no case ${name}: rerun test/oracle/make_meta_fixtures.R`);
  return c;
};

describe("random-effects meta-analysis: as metafor's rma(method = 'REML')", () => {
  it("the fixtures hold the cases the brief names: k = 1, 2, 3, a τ² = 0 case and random ones", () => {
    expect(byName("k1").k).toBe(1);
    expect(byName("k2").k).toBe(2);
    expect(byName("k3").k).toBe(3);
    expect(byName("tau2_zero").tau2).toBe(0);
    expect(cases.filter((c) => c.name.startsWith("random_")).length).toBeGreaterThanOrEqual(5);
    // metafor raised no warning (e.g. its ll0check resetting τ²) on any of them.
    expect(cases.flatMap((c) => c.warnings)).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const r = randomEffects(c.yi, c.sei);
    expect(r.k).toBe(c.k);
    expect(Math.abs(r.estimate - c.b)).toBeLessThan(1e-8);
    expect(Math.abs(r.se - c.se)).toBeLessThan(1e-8);
    expect(Math.abs(r.ciLow - c.ci_lb)).toBeLessThan(1e-8);
    expect(Math.abs(r.ciHigh - c.ci_ub)).toBeLessThan(1e-8);
    expect(Math.abs(r.tau2 - c.tau2)).toBeLessThan(1e-6);
    expect(Math.abs(r.i2 - c.I2)).toBeLessThan(1e-6);
    expect(Math.abs(r.piLow - c.pi_lb)).toBeLessThan(1e-8);
    expect(Math.abs(r.piHigh - c.pi_ub)).toBeLessThan(1e-8);
  });

  it("τ² = 0 exactly where metafor's is 0, not a small positive number", () => {
    for (const c of cases.filter((x) => x.tau2 === 0)) expect(randomEffects(c.yi, c.sei).tau2).toBe(0);
  });

  it("refuses what it cannot pool, in a sentence", () => {
    expect(() => randomEffects([], [])).toThrow(MetaAnalysisError);
    expect(() => randomEffects([1, 2], [0.5])).toThrow(/2 estimates but 1 standard errors/);
    expect(() => randomEffects([1, 2, 3], [0.5, 0, 0.4])).toThrow(/standard error 2 is 0; it must be a positive number/);
    expect(() => randomEffects([1, Number.NaN], [0.5, 0.5])).toThrow(/estimate 2 is NaN/);
  });
});

describe("nationalImpact: which LA rows are pooled, and why a figure is x", () => {
  const national = loadNationalIndicators();
  const k3 = byName("k3");
  const la = (b: string, se: string, extra: Record<string, string> = {}) => ({ b, se, n_t: "50", n_c: "400", s_pooled: "6.00", ...extra });
  const columns = ["n_t", "n_c", "b", "se", "ci_low", "ci_high", "g", "g_ci_low", "g_ci_high", "months", "s_pooled"];
  const published = k3.yi.map((y, i) => la(y.toFixed(3), k3.sei[i].toFixed(3)));

  it("pools the LAs with a number for b and a positive SE; c, x and an SE of 0.000 are left out", () => {
    const cells = nationalImpact([...published, la("c", "c"), la("x", "x"), la("5.000", "0.000")], columns, national);
    expect(cells.get("pooled_k")).toEqual({ value: 3 });
    const b = cells.get("b");
    expect(b !== undefined && "value" in b && Math.abs(b.value - k3.b)).toBeLessThan(1e-8);
  });

  it("two LAs with an estimate: every pooled figure is x with the reason", () => {
    const cells = nationalImpact([published[0], published[1], la("c", "c")], columns, national);
    expect(cells.size).toBe(columns.length - 2 + national.length);
    for (const [col, c] of cells) expect([col, c]).toEqual([col, { x: expect.stringMatching(/^Fewer than 3 LAs have a published impact estimate/) }]);
  });

  it("an LA's s_pooled suppressed: the pooled impact stands, the effect size and months are x", () => {
    const cells = nationalImpact([published[0], published[1], { ...published[2], s_pooled: "c" }], columns, national);
    expect(cells.get("pooled_k")).toEqual({ value: 3 });
    for (const col of ["g", "g_ci_low", "g_ci_high", "months", "s_pooled"])
      expect([col, cells.get(col)]).toEqual([col, { x: expect.stringMatching(/s_pooled, n_t, n_c\) behind the pooled impact is suppressed/) }]);
  });

  it("subject Total (every LA z) is z", () => {
    const cells = nationalImpact([la("z", "z"), la("z", "z"), la("z", "z")], columns, national);
    expect(new Set([...cells.values()].map((c) => JSON.stringify(c)))).toEqual(new Set([JSON.stringify({ z: true })]));
  });
});
