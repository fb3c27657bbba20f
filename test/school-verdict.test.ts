// The school page's verdict (src/components/verdict.js) against the funnel of measures.md §11:
// centred on the LA mean adjusted progress of tutees, limits centre ± z·σ/√n, a school "above"
// or "below" only outside the 95% limits, otherwise "within"; and "too few tutees to say" when
// the school's figures are suppressed (c), not available (x) or absent. Rows are built here from
// that definition (limits from a chosen centre, σ and n), not copied from a built page.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain-JS site component, without type declarations
import { funnelPosition, verdictSentence, verdictSummary } from "../src/components/verdict.js";

type Row = Record<string, string>;
const sentence = verdictSentence as (row: Row | undefined, options?: { subject?: string; who?: string }) => string;

const Z95 = 1.959963984540054;
const Z998 = 3.090232306167814;
const dp1 = (x: number) => (Math.sign(x) * Math.round(Math.abs(x) * 10 + 1e-9)) / 10;
const fmt = (x: number) => dp1(x).toFixed(1);

/** A published school_progress row: the funnel's limits from centre, σ and n (§11), rounded to 1 dp as published. */
function schoolRow(subject: string, n: number, adjusted: number, { centre = 1.2, sigma = 2 } = {}): Row {
  const h = sigma / Math.sqrt(n);
  const flag = adjusted > centre + Z95 * h ? "1" : adjusted < centre - Z95 * h ? "-1" : "0";
  return {
    urn: "100001",
    subject,
    breakdown: "total",
    group_label: "Total",
    adj_tutees: String(n),
    adjusted_progress: fmt(adjusted),
    adjusted_ci_low: fmt(adjusted - Z95 * h),
    adjusted_ci_high: fmt(adjusted + Z95 * h),
    funnel_centre: fmt(centre),
    funnel_95_low: fmt(centre - Z95 * h),
    funnel_95_high: fmt(centre + Z95 * h),
    funnel_998_low: fmt(centre - Z998 * h),
    funnel_998_high: fmt(centre + Z998 * h),
    funnel_flag: flag,
  };
}

describe("school verdict: the funnel position of measures.md §11 in one sentence", () => {
  it("above the 95% upper limit: did better than the LA's tutees, with the limit, its n and the centre", () => {
    // n 16, σ 2: 95% limits 1.2 ± 0.98 = 0.2 to 2.2; 99.8% limits 1.2 ± 1.55 = -0.3 to 2.7. 2.5 lies between.
    const row = schoolRow("English", 16, 2.5);
    expect(row.funnel_flag).toBe("1");
    expect(funnelPosition(row)).toEqual({ position: "above" });
    expect(sentence(row)).toBe(
      "In English, this school's 16 tutees did better than the LA's tutees: they made 2.5 points more progress than similar untutored pupils (95% CI 1.5 to 3.5), " +
        "above the funnel's 95% upper limit of 2.2 points for a school with 16 tutees (centred on the LA's tutees' mean of 1.2 points).",
    );
  });

  it("beyond the 99.8% limit as well: the sentence says so", () => {
    const row = schoolRow("Mathematics", 16, 3.4);
    expect(sentence(row, { who: "Oak Primary" })).toBe(
      "In maths, Oak Primary's 16 tutees did better than the LA's tutees: they made 3.4 points more progress than similar untutored pupils (95% CI 2.4 to 4.4), " +
        "above the funnel's 95% upper limit of 2.2 points for a school with 16 tutees (centred on the LA's tutees' mean of 1.2 points), and beyond its 99.8% limit of 2.7 points too.",
    );
  });

  it("within the 95% limits: neither better nor worse beyond chance, with both limits", () => {
    const row = schoolRow("English", 25, 0.5);
    // n 25: 1.2 ± 1.96·2/5 = 0.416 to 1.984, published 0.4 and 2.0.
    expect(row.funnel_flag).toBe("0");
    expect(funnelPosition(row).position).toBe("within");
    expect(sentence(row)).toBe(
      "In English, this school's 25 tutees did neither better nor worse than the LA's tutees beyond what chance allows: they made 0.5 points more progress than similar untutored pupils (95% CI -0.3 to 1.3), " +
        "within the funnel's 95% limits of 0.4 to 2.0 points for a school with 25 tutees (centred on the LA's tutees' mean of 1.2 points).",
    );
  });

  it("below the 95% lower limit: did worse, negative adjusted progress read as less progress", () => {
    const row = schoolRow("Mathematics", 9, -0.9);
    // n 9: 1.2 ± 1.96·2/3 = -0.1 to 2.5; 99.8%: 1.2 ± 2.06 = -0.9 to 3.3 (a tie: not claimed beyond it).
    expect(row.funnel_flag).toBe("-1");
    expect(sentence(row)).toBe(
      "In maths, this school's 9 tutees did worse than the LA's tutees: they made 0.9 points less progress than similar untutored pupils (95% CI -2.2 to 0.4), " +
        "below the funnel's 95% lower limit of -0.1 points for a school with 9 tutees (centred on the LA's tutees' mean of 1.2 points).",
    );
  });

  it("too few tutees to say: suppressed (c), not available (x), or no tutees in the model", () => {
    const c: Row = { urn: "100002", subject: "English", adj_tutees: "c", adjusted_progress: "c", funnel_flag: "c" };
    expect(funnelPosition(c)).toEqual({ position: "too-few", reason: "suppressed", symbol: "c" });
    expect(sentence(c)).toBe(
      "In English, there are too few tutees to say: this school's figures are suppressed (c) because so few of its tutees are in the LA's model that publishing them could identify pupils.",
    );
    const x: Row = { urn: "100002", subject: "Mathematics", adj_tutees: "7", adjusted_progress: "x", funnel_flag: "x" };
    expect(sentence(x)).toBe("In maths, there are too few tutees to say: this school's adjusted progress is not available (x).");
    expect(sentence(undefined, { subject: "English", who: "Oak Primary" })).toBe(
      "In English, there are too few tutees to say: none of Oak Primary's pupils is among the tutees in the LA's model (tutored in English, with a baseline and an outcome).",
    );
  });

  it("the published flag decides a tie with a rounded limit; a flag the figures contradict stops the page", () => {
    // Tie: adjusted 2.2 and upper limit 2.2 after rounding; the unrounded comparison (the flag) says above.
    const tie = { ...schoolRow("English", 16, 2.5), adjusted_progress: "2.2", funnel_flag: "1" };
    expect(funnelPosition(tie).position).toBe("above");
    const wrong = { ...schoolRow("English", 16, 2.5), funnel_flag: "0" };
    expect(() => funnelPosition(wrong)).toThrow(/School 100001, English: funnel_flag says within .* 2\.5 against limits 0\.2 to 2\.2 is above/);
    expect(() => funnelPosition({ ...wrong, funnel_flag: "2" })).toThrow(/funnel_flag is "2"/);
  });

  it("the summary line gives each subject's position in a few words", () => {
    expect(verdictSummary({ English: schoolRow("English", 16, 2.5), Mathematics: undefined })).toBe(
      "English: above the LA's tutees · Maths: too few tutees to say",
    );
  });
});
