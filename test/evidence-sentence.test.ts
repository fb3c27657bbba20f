// The strength-of-evidence sentence and lines (src/components/evidence.js), case by case: no
// estimate; nothing to weaken it; too little power to see a small effect; a clear result below
// the MDES; the matched estimate missing or pointing the other way; groups unlike before
// adjustment (beyond the WWC's 0.25) or after matching; a fifth of tutees lost. Inputs are
// published rows (strings and symbols), as the overview reads them.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain-JS site component, without type declarations
import { evidenceItems, evidenceSentence } from "../src/components/evidence.js";

type Row = Record<string, string>;
const say = evidenceSentence as (impact: Row | undefined, matched: Row | undefined, evidence: Row | undefined, subject?: string) => string;
const items = evidenceItems as (impact: Row | undefined, matched: Row | undefined, evidence: Row | undefined) => [string, string][];

const clear: Row = { b: "2.400", ci_low: "1.2", ci_high: "3.6", g: "0.25" };
const unclear: Row = { b: "0.400", ci_low: "-0.8", ci_high: "1.6", g: "0.04" };
const agrees: Row = { att: "2.150", n_matched_t: "180" };
const good: Row = {
  mdes: "0.12",
  mde_points: "1.1",
  lost_share: "8.0",
  ev_tutees: "250",
  ev_tutees_lost: "20",
  max_std_diff: "0.18",
  max_std_diff_matched: "0.05",
};

describe("evidenceSentence", () => {
  it("no estimate: says so with the symbol's meaning, and weighs nothing", () => {
    expect(say({ b: "x" }, agrees, good, "English")).toBe(
      "There is no English estimate to weigh: the estimate is x, not available (for example too few pupils or schools to estimate).",
    );
    expect(say(undefined, undefined, undefined, "Mathematics")).toBe("There is no maths estimate to weigh.");
  });

  it("nothing weakens it: every check is named, and the limits of a non-random comparison still stated", () => {
    expect(say(clear, agrees, good, "English")).toBe(
      "Nothing here weakens the English figure beyond the limits of any comparison with pupils who were not chosen at random: the design could reliably detect an effect size of 0.12, the exact-matching estimate (2.2 points) agrees in direction, tutees and comparison pupils were alike before tuition and 8.0% of tutees were lost for want of a baseline or an outcome.",
    );
  });

  it("CI includes 0 and |g| under the MDES: a smaller effect may have gone unseen", () => {
    const s = say(unclear, { att: "0.300" }, { ...good, mdes: "0.31" }, "Mathematics");
    expect(s).toBe(
      "Read the maths figure with caution: the design could reliably detect only an effect size of 0.31 or more, so a smaller effect may have gone unseen.",
    );
  });

  it("CI excludes 0 but |g| under the MDES: such clear results tend to overstate the effect", () => {
    expect(say(clear, agrees, { ...good, mdes: "0.40" })).toBe(
      "Read the figure with caution: the estimate is smaller than the effect size of 0.40 the design could reliably detect, and such clear results tend to overstate the true effect.",
    );
  });

  it("the matched estimate missing, or of the other sign, is a caution", () => {
    expect(say(clear, { att: "x" }, good)).toBe("Read the figure with caution: there is no exact-matching estimate to check it against.");
    expect(say(clear, { att: "-0.640" }, good)).toBe("Read the figure with caution: the exact-matching estimate (-0.6 points) points the other way.");
  });

  it("imbalance beyond 0.25 before adjustment or after matching, and a fifth lost, are cautions, listed together", () => {
    const s = say(clear, agrees, { ...good, max_std_diff: "0.41", max_std_diff_matched: "0.30", lost_share: "20.0" });
    expect(s).toBe(
      "Read the figure with caution: tutees and comparison pupils differed by up to 0.41 standard deviations before adjustment, beyond the ±0.25 usually read as a poor match, even exactly matched pupils differ by 0.30 standard deviations in a characteristic not matched on and 20.0% of tutees had no baseline or no outcome and are not in it.",
    );
  });

  it("exactly 0.25 is within the limit; none lost is said in words", () => {
    expect(say(clear, agrees, { ...good, max_std_diff: "0.25", lost_share: "0.0" })).toBe(
      "Nothing here weakens the figure beyond the limits of any comparison with pupils who were not chosen at random: the design could reliably detect an effect size of 0.12, the exact-matching estimate (2.2 points) agrees in direction, tutees and comparison pupils were alike before tuition and no tutee was lost for want of a baseline or an outcome.",
    );
  });

  it("a suppressed largest difference is never read as balance; other suppressed figures are neither caution nor support", () => {
    const s = say(clear, agrees, { mdes: "c", lost_share: "c", max_std_diff: "c", max_std_diff_matched: "c" });
    expect(s).toBe(
      "Read the figure with caution: how alike tutees and comparison pupils were before tuition cannot be shown here (c: it involves a small group; see the balance on the impact page).",
    );
    expect(say(clear, agrees, { mdes: "x", lost_share: "c", max_std_diff: "x", max_std_diff_matched: "c" })).toBe(
      "Nothing here weakens the figure beyond the limits of any comparison with pupils who were not chosen at random: the exact-matching estimate (2.2 points) agrees in direction.",
    );
  });
});

describe("evidenceItems", () => {
  it("shows the four figures with their units, the matched estimate beside the primary, to 1 dp", () => {
    expect(items(clear, agrees, good)).toEqual([
      ["Smallest effect the design could reliably detect (80% power)", "effect size 0.12 (1.1 points)"],
      ["Tutees not analysed for want of a baseline or an outcome", "8.0% (20 of 250)"],
      ["Largest standardised difference at baseline", "0.18 before adjustment; 0.05 in the exactly matched sample"],
      ["Exact-matching estimate beside the primary", "2.2 points against 2.4 points (180 matched tutees)"],
    ]);
  });

  it("keeps symbols as symbols", () => {
    expect(items({ b: "x" }, { att: "x", n_matched_t: "c" }, { mdes: "x", lost_share: "c", max_std_diff: "c", max_std_diff_matched: "z" })).toEqual([
      ["Smallest effect the design could reliably detect (80% power)", "x"],
      ["Tutees not analysed for want of a baseline or an outcome", "c"],
      ["Largest standardised difference at baseline", "c before adjustment; z in the exactly matched sample"],
      ["Exact-matching estimate beside the primary", "x against x (c matched tutees)"],
    ]);
  });
});
