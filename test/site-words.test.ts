// The site's words (src/components: readings.js, format.js, order.js, labels.js, table.js):
// readings of estimates as outputs.md §3 words them ("tutees made about N points (about M months)
// more progress than similar pupils, 95% CI a to b"; "no clear evidence of a difference" where the
// CI includes 0, and then never months), numbers for people, and groups in the return's order.
// Expected strings are built from those rules, not copied from a built page.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { BREAKDOWNS, FILTER_COLUMNS, SUBJECT_ORDER as RETURN_SUBJECT_ORDER } from "../pipelines/export/layout.ts";
// biome-ignore format: the import stays on one line, where @ts-expect-error (the line above it) applies
// @ts-expect-error: plain-JS site components, without type declarations
import { balanceReading, changeReading, ciIncludesZero, gapReading, headlineFigure, impactReading, monthsCell, placesReading } from "../src/components/readings.js";
// @ts-expect-error: plain-JS site component
import { countsPhrase, formatNumber, rounded } from "../src/components/format.js";
// @ts-expect-error: plain-JS site component
import { BREAKDOWN_ORDER, GROUP_ORDER, inReportOrder, SUBJECT_ORDER } from "../src/components/order.js";
// @ts-expect-error: plain-JS site component
import { itemLabel, respondentLabel } from "../src/components/labels.js";
// @ts-expect-error: plain-JS site component
import { cellText } from "../src/components/table.js";

type Row = Record<string, string>;
const read = impactReading as (row: Row | undefined, options?: string | { subject?: string; label?: string }) => string;

describe("impact readings (outputs.md §3)", () => {
  it("CI excludes 0: about N points (about M months) more progress, 95% CI a to b, points to 1 dp", () => {
    const row = { b: "1.234", ci_low: "0.412", ci_high: "2.05", months: "2" };
    // 2.05 to 1 dp half away from zero is 2.1 (measures.md §12); toFixed(1) would give 2.0.
    expect(read(row, "English")).toBe("In English, tutees made about 1.2 points (about 2 months) more progress than similar pupils, 95% CI 0.4 to 2.1.");
    expect(read(row, { label: "FSM eligible" })).toBe(
      "FSM eligible: tutees made about 1.2 points (about 2 months) more progress than similar pupils, 95% CI 0.4 to 2.1.",
    );
    expect(read({ ...row, months: "1" })).toBe("Tutees made about 1.2 points (about 1 month) more progress than similar pupils, 95% CI 0.4 to 2.1.");
  });

  it("CI below 0: less progress, sizes without a sign", () => {
    expect(read({ b: "-1.5", ci_low: "-2.4", ci_high: "-0.6", months: "-2" }, "Mathematics")).toBe(
      "In maths, tutees made about 1.5 points (about 2 months) less progress than similar pupils, 95% CI -2.4 to -0.6.",
    );
  });

  it("CI includes 0 (or touches it): no clear evidence of a difference, never months", () => {
    for (const [lo, hi] of [
      ["-0.3", "1.1"],
      ["0.0", "0.9"],
      ["-0.8", "0"],
    ]) {
      const text = read({ b: "0.4", ci_low: lo, ci_high: hi, months: "1" }, "English");
      expect(text).toMatch(/^In English, there is no clear evidence of a difference/);
      expect(text).toContain(`95% CI ${formatNumber(rounded(lo, 1))} to ${formatNumber(rounded(hi, 1))}`);
      expect(text).not.toMatch(/month/);
      expect(ciIncludesZero(lo, hi)).toBe(true);
    }
    // A CI that is not published cannot show a difference either.
    expect(read({ b: "0.4", ci_low: "c", ci_high: "c", months: "1" })).toMatch(/^There is no clear evidence of a difference[^0-9]*0\.4 points\)\.$/);
  });

  it("months 0 with a CI clear of 0: less than a month", () => {
    expect(read({ b: "0.3", ci_low: "0.1", ci_high: "0.5", months: "0" })).toBe(
      "Tutees made about 0.3 points (less than a month) more progress than similar pupils, 95% CI 0.1 to 0.5.",
    );
  });

  it("suppressed (c), not available (x) and not applicable (z) say so with the symbol and no figure", () => {
    const c = read({ b: "c", ci_low: "c", ci_high: "c", months: "c" }, "English");
    expect(c).toMatch(/^In English, the estimate is suppressed \(c\)/);
    const x = read({ b: "x", ci_low: "x", ci_high: "x", months: "x" }, { label: "Looked after" });
    expect(x).toMatch(/^Looked after: not available \(x\): too few tutees, comparison pupils or schools/);
    expect(read({ b: "z" })).toMatch(/not applicable \(z\)/);
    for (const text of [c, x]) expect(text).not.toMatch(/\d|month/);
  });

  it("the EEF row's months and the headline show months only where the CI excludes 0", () => {
    expect(monthsCell({ b: "1.2", ci_low: "0.8", ci_high: "1.6", months: "2" })).toBe("+2");
    expect(monthsCell({ b: "0.5", ci_low: "-0.2", ci_high: "1.2", months: "1" })).not.toMatch(/\d/);
    expect(monthsCell({ b: "x", ci_low: "x", ci_high: "x", months: "x" })).toBe("x");
    expect(headlineFigure({ b: "1.2", ci_low: "0.8", ci_high: "1.6", months: "2" })).toBe("+2 months");
    expect(headlineFigure({ b: "0.5", ci_low: "-0.2", ci_high: "1.2", months: "1" })).toBe("No clear difference");
    expect(headlineFigure({ b: "c", months: "c" })).toBe("c");
  });

  it("gap and viewpoint readings follow the same CI rule", () => {
    expect(gapReading({ subject: "English", group_label: "FSM eligible", gap_impact: "0.8", gap_impact_ci_low: "0.2", gap_impact_ci_high: "1.4" })).toBe(
      "FSM eligible (English): tuition did about 0.8 points more for these pupils than for the others, 95% CI 0.2 to 1.4.",
    );
    expect(gapReading({ subject: "English", group_label: "FSM eligible", gap_impact: "0.8", gap_impact_ci_low: "-0.2", gap_impact_ci_high: "1.8" })).toMatch(
      /^FSM eligible \(English\): no clear evidence/,
    );
    expect(changeReading({ mean_change: "0.35", mean_change_ci_low: "0.10", mean_change_ci_high: "0.60" }, "Confidence")).toBe(
      "Confidence: answers rose by about 0.35 on the 1–4 scale after tuition, 95% CI 0.10 to 0.60.",
    );
    expect(changeReading({ mean_change: "0.35", mean_change_ci_low: "-0.10", mean_change_ci_high: "0.80" }, "Confidence")).toMatch(
      /^Confidence: no clear evidence of a change/,
    );
  });
});

describe("balance paragraph (standardised difference beyond 0.25 in size)", () => {
  const catalogue = [
    { indicator: "bal_baseline_std_diff", label: "Balance (model sample): standardised difference in baseline" },
    { indicator: "bal_fsm_std_diff", label: "Balance (model sample): standardised difference in FSM eligible" },
    { indicator: "bal_senprov_std_diff", label: "Balance (model sample): standardised difference in with SEN provision" },
  ];
  const total = (d: Row) => ({
    subject: "English",
    breakdown: "total",
    group_label: "Total",
    bal_baseline_std_diff: "0.05",
    bal_fsm_std_diff: "-0.10",
    bal_senprov_std_diff: "c",
    mbal_baseline_std_diff: "0.90",
    ...d,
  });

  it("names each difference beyond ±0.25 by its metadata label and says the estimate leans on the model's adjustment", () => {
    const text = balanceReading([total({ bal_baseline_std_diff: "-0.56", bal_senprov_std_diff: "0.31" })], catalogue, { subject: "English" }) as string;
    expect(text).toContain("-0.56 for baseline and 0.31 for SEN provision");
    expect(text).not.toContain("FSM eligible"); // -0.10 is within 0.25
    expect(text).toContain("leans on the model's adjustment");
  });

  it("says nothing when every difference is within 0.25 (matched-sample figures are not the model's)", () => {
    expect(balanceReading([total({ bal_fsm_std_diff: "0.25" })], catalogue, { subject: "English" })).toBe("");
  });

  it("speaks of groups when only a group is unbalanced", () => {
    const rows = [total({}), total({ breakdown: "sex", group_label: "Female", bal_fsm_std_diff: "0.40" }), total({ breakdown: "sex", group_label: "Male" })];
    expect(balanceReading(rows, catalogue, { subject: "English" })).toMatch(/alike before tuition, but in 1 of 2 groups .*lean on the model's adjustment/);
  });
});

describe("numbers for people", () => {
  it("thousands separated, £ before, % after, published decimals kept, symbols unchanged", () => {
    expect(formatNumber("1370576", "£")).toBe("£1,370,576");
    expect(formatNumber("-2500", "£")).toBe("-£2,500");
    expect(formatNumber("12.5", "%")).toBe("12.5%");
    expect(formatNumber("0.50")).toBe("0.50");
    expect(formatNumber("1234.5")).toBe("1,234.5");
    for (const sym of ["c", "x", "z"]) expect(formatNumber(sym, "£")).toBe(sym);
    expect([rounded("2.05", 1), rounded("-0.05", 1), rounded("1.005", 2), rounded("c", 1)]).toEqual(["2.1", "-0.1", "1.01", "c"]);
    expect(countsPhrase("3217", "90218")).toBe("3,217 tutees and 90,218 comparison pupils");
    expect(countsPhrase("1", "c")).toBe("1 tutee and c comparison pupils");
  });

  it("table cells: numbers with their unit, identifiers as they are", () => {
    expect(cellText({ key: "total_cost_gbp", unit: "£" }, "1370576", {})).toBe("£1,370,576");
    expect(cellText({ key: "urn" }, "100001", {})).toBe("100001");
    expect(cellText({ key: "n_c" }, "90218", {})).toBe("90,218");
  });

  it("places used against places funded, stated as such", () => {
    expect(placesReading({ subject: "English", places: "1250", places_funded: "1400", pct_funded_places_used: "89.3" })).toBe(
      "English: 1,250 places used of 1,400 funded (89.3% of the funded places).",
    );
    expect(placesReading({ subject: "English", places: "1250", places_funded: "z", pct_funded_places_used: "z" })).toMatch(/places funded not recorded/);
  });
});

describe("labels, never internal names", () => {
  it("viewpoint items and respondents in words", () => {
    for (const code of ["confidence", "enjoyment", "independence", "uses_strategies", "asks_for_help", "reads_aloud"]) {
      const label = itemLabel(code) as string;
      expect(label).not.toContain("_");
      expect(label).not.toBe(code);
      expect(label[0]).toBe(label[0]!.toUpperCase());
    }
    expect(itemLabel("reads_aloud")).toBe("Reads aloud");
    expect(respondentLabel("pupil")).toBe("Pupils");
  });
});

describe("groups in the return's order", () => {
  it("the site's subject and breakdown order is the return's column order (layout.ts)", () => {
    expect(SUBJECT_ORDER).toEqual(RETURN_SUBJECT_ORDER);
    expect(BREAKDOWN_ORDER).toEqual(BREAKDOWNS);
    expect(BREAKDOWN_ORDER.slice(1)).toEqual(FILTER_COLUMNS.filter((c) => c !== "subject"));
  });

  it("each breakdown's groups are in the vocabulary's order (int_group_labels.sql)", async () => {
    const db = await Db.open(":memory:");
    try {
      await db.run(readFileSync(join(process.cwd(), "pipelines/transform/sql/int_group_labels.sql"), "utf8"));
      const rows = await db.all<{ breakdown: string; group_label: string }>(
        "select breakdown, group_label from int_group_labels order by breakdown, sort_order",
      );
      const vocabulary: Record<string, string[]> = {};
      for (const r of rows) (vocabulary[r.breakdown] ??= []).push(r.group_label);
      expect(GROUP_ORDER).toEqual(vocabulary);
    } finally {
      db.close();
    }
  });

  it("sorts published rows by subject, breakdown and group in that order, not by internal name; unknown values last", () => {
    const key = (r: Row) => `${r.subject}|${r.breakdown}|${r.group_label}`;
    const want = [
      { subject: "English", breakdown: "total", group_label: "Total" },
      { subject: "English", breakdown: "fsm_status", group_label: "FSM eligible" },
      { subject: "English", breakdown: "fsm_status", group_label: "Not known to be FSM eligible" },
      { subject: "English", breakdown: "cla_status", group_label: "Looked after" },
      { subject: "English", breakdown: "ethnicity_major", group_label: "White" },
      { subject: "English", breakdown: "ethnicity_major", group_label: "Asian / Asian British" },
      { subject: "English", breakdown: "ethnicity_major", group_label: "Unknown" },
      { subject: "English", breakdown: "key_stage", group_label: "Key stage 2" },
      { subject: "English", breakdown: "prior_attainment", group_label: "Below expected" },
      { subject: "Mathematics", breakdown: "total", group_label: "Total" },
      { subject: "Total", breakdown: "total", group_label: "Total" },
    ];
    // Reverse alphabetical by every key: what a sort on internal names would never give back as `want`.
    const shuffled = [...want].sort((a, b) => key(b).localeCompare(key(a)));
    expect((inReportOrder(shuffled) as Row[]).map(key)).toEqual(want.map(key));
  });
});

describe("precision on the site", () => {
  it("shows to 1 dp exactly the figures the catalogue carries to 3 dp for the combiner (measures.md §12)", async () => {
    // @ts-expect-error: plain-JS site component
    const { SHOWN_TO_1DP } = await import("../src/components/format.js");
    const dir = join(process.cwd(), "pipelines/measures/catalogue");
    const threeDp = new Set<string>();
    for (const file of ["impact.csv", "descriptive.csv", "programme.csv"]) {
      const [head, ...lines] = readFileSync(join(dir, file), "utf8").trim().split(/\r?\n/);
      const cols = head!.split(",");
      for (const line of lines) {
        // Labels may hold quoted commas: indicator is the first field, dp the sixth counted from a split
        // that keeps quoted fields whole.
        const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ""));
        if (cells[cols.indexOf("dp")] === "3") threeDp.add(cells[0]!);
      }
    }
    expect([...SHOWN_TO_1DP].sort()).toEqual([...threeDp].sort());
    expect(cellText({ key: "b", dp: 1 }, "1.163", {})).toBe("1.2");
  });
});
