// The model manifest (pipelines/measures/models.ts) is the one source of the ntp impact models too:
// an entry added in a test reaches mart_ntp_impact, as rows of its own breakdown or as columns of
// the whole-cohort and pupil-group rows, fitted on the outcome measures it names, and its figures
// are the fit it describes. The entries here split `tutored` into a full and a partial place, as
// the dose does (whose columns the R oracle test checks), so the two paths must agree.
import { describe, expect, it } from "vitest";
import { NTP_BREAKDOWNS, NTP_IMPACT_MODELS, type NtpImpactModel } from "../pipelines/measures/models.ts";
import { withNtpSeed } from "./helpers/ntp-seed.ts";

const DOSE = NTP_IMPACT_MODELS.find((m) => m.id === "dose")!;
const PLACES = [
  { value: "full", label: "Full place" },
  { value: "partial", label: "Partial place" },
];

/** Rows of a breakdown no release has: each place's impact and its difference from a partial place, Standardised score only. */
const BY_PLACE: NtpImpactModel = {
  ...DOSE,
  id: "by_place",
  breakdown: "place",
  outcomes: ["Standardised score"],
  groups: "whole_cohort",
  reference: "partial",
  parts: PLACES,
  publish: "rows",
  columns: undefined,
};

/** Columns no release has: `tutored` as one part, beside the dose on every whole-cohort and pupil-group row. */
const TUTORED: NtpImpactModel = {
  ...DOSE,
  id: "tutored columns",
  column: undefined,
  parts: [{ value: "tutored", label: "Tutored" }],
  columns: { tutored: { n: "n_tut", b: "b_tut", se: "se_tut", ciLow: "ci_tut_low", ciHigh: "ci_tut_high" } },
};

type Mart = Record<string, string | number | null>;

describe("an ntp impact model is one manifest entry", () => {
  it("entries added to the manifest reach mart_ntp_impact as rows and as columns, each the fit it describes", async () => {
    const rows = await withNtpSeed(
      7,
      20,
      {
        measures: ["Standardised score", "GCSE grade"],
        breakdowns: NTP_BREAKDOWNS.filter((b) => b.breakdown === "total" || b.breakdown === "disadvantage_status"),
        models: [...NTP_IMPACT_MODELS, BY_PLACE, TUTORED],
      },
      (db) => db.all<Mart>("select * from mart_ntp_impact order by all"),
    );
    const find = (measure: string, subject: string, breakdown: string, label: string) => {
      const r = rows.find((x) => x.outcome_measure === measure && x.subject === subject && x.breakdown === breakdown && x.group_label === label);
      if (!r) throw new Error(`mart_ntp_impact has no ${measure} ${subject} ${breakdown} / ${label} row`);
      return r;
    };
    const close = (got: unknown, want: unknown, what: string) => {
      expect(want, what).toBeTypeOf("number");
      expect(Math.abs(Number(got) - Number(want)), `${what}: ${got} vs ${want}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(Number(want))));
    };

    for (const subject of ["English", "Mathematics"]) {
      // the rows entry: each place's row carries the dose's figures for that place, and the full place's difference from the partial
      const total = find("Standardised score", subject, "total", "Total");
      const full = find("Standardised score", subject, "place", "Full place");
      const partial = find("Standardised score", subject, "place", "Partial place");
      for (const [row, place] of [
        [full, "full"],
        [partial, "partial"],
      ] as const) {
        expect(row.n_t, `${subject} ${place}`).toBe(total[`n_${place}`]);
        for (const [c, dose] of [
          ["b", `b_${place}`],
          ["se", `se_${place}`],
          ["ci_low", `ci_${place}_low`],
          ["ci_high", `ci_${place}_high`],
        ])
          close(row[c], total[dose], `${subject} ${place} ${c}`);
        // columns models and balance belong to the whole cohort's and pupil groups' rows
        expect(row.b_full, `${subject} ${place}`).toBeNull();
        expect(row.b_full_na_reason).toBe("not applicable: the dose is on the whole cohort's and pupil groups' rows");
        expect(row.bal_disadvantaged_t).toBeNull();
      }
      close(full.b_diff, Number(total.b_full) - Number(total.b_partial), `${subject} full minus partial`);
      expect(Number(full.se_diff)).toBeGreaterThan(0);
      expect(partial.b_diff_na_reason).toBe("not applicable: the reference part");

      // the columns entry: on the whole-cohort row and each disadvantage group's, one part is the row's own impact
      for (const [breakdown, label] of [
        ["total", "Total"],
        ...NTP_BREAKDOWNS.find((b) => b.breakdown === "disadvantage_status")!.labels.map((l) => ["disadvantage_status", l]),
      ]) {
        const r = find("Standardised score", subject, breakdown!, label!);
        expect(r.n_tut, `${subject} ${label}`).toBe(r.n_t);
        close(r.b_tut, r.b, `${subject} ${label} b_tut`);
        close(r.se_tut, r.se, `${subject} ${label} se_tut`);
        close(r.ci_tut_high, r.ci_high, `${subject} ${label} ci_tut_high`);
      }
      for (const label of ["Tuition partner", "One-to-one"]) {
        const r = rows.find((x) => x.outcome_measure === "Standardised score" && x.subject === subject && x.group_label === label)!;
        expect(r.b_tut, `${subject} ${label}`).toBeNull();
        expect(r.b_tut_na_reason).toBe("not applicable: the tutored columns is on the whole cohort's and pupil groups' rows");
      }
    }
    // an entry is fitted on the outcome measures it names: GCSE grade has the manifest's rows, not the added place rows
    expect(rows.some((r) => r.outcome_measure === "GCSE grade" && r.breakdown === "route")).toBe(true);
    expect(rows.filter((r) => r.breakdown === "place").map((r) => r.outcome_measure)).toEqual(Array(4).fill("Standardised score"));
  }, 120_000);

  it("the dose's columns follow the manifest's entry, after the impact columns and before balance", async () => {
    const cols = await withNtpSeed(
      7,
      20,
      { measures: ["Standardised score"], breakdowns: NTP_BREAKDOWNS.filter((b) => b.breakdown === "total"), models: [...NTP_IMPACT_MODELS, TUTORED] },
      async (db) =>
        (
          await db.all<{ c: string }>("select column_name as c from information_schema.columns where table_name = 'mart_ntp_impact' order by ordinal_position")
        ).map((r) => r.c),
    );
    const at = (c: string) => cols.indexOf(c);
    expect(cols.slice(at("n_full"), at("n_full") + 20)).toEqual(
      ["n_full", "b_full", "se_full", "ci_full_low", "ci_full_high", "n_partial", "b_partial", "se_partial", "ci_partial_low", "ci_partial_high"].flatMap(
        (c) => [c, `${c}_na_reason`],
      ),
    );
    expect(at("ci_high_diff_na_reason")).toBeLessThan(at("n_full"));
    expect(at("ci_partial_high_na_reason") + 1).toBe(at("n_tut"));
    expect(at("ci_tut_high_na_reason")).toBeLessThan(at("bal_baseline_t"));
  }, 120_000);
});
