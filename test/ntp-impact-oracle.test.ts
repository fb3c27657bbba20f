// The ntp impact models against R (programmes.md §3): test/oracle/make_ntp_fixtures.R fits a
// deterministic synthetic sample with lm and sandwich::vcovCL (CR1) as the pipeline fits it, per
// split of NTP_IMPACT_SPLITS (tutored; three routes; four group sizes), with each part's
// difference from the reference (school-led; three pupils). The pipeline's fitSplit on the same
// rows must give the same estimates, standard errors, intervals and differences. A second fixture
// is a KS2 scaled score model whose baselines mix two scales (std and KS1 points). The dose model
// (tutored split into a full and a partial place) is checked through doseFigures, the columns it
// publishes (b_full ... ci_partial_high, named as the 2009 return's).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTable } from "../pipelines/export/csv.ts";
import { BALANCE_VARIABLES, balanceFigures, balanceName, doseFigures, fitSplit, MIN_PART, NTP_IMPACT_SPLITS, type SampleRow } from "../pipelines/measures/ntp-impact.ts";

const DATA = join(import.meta.dirname, "oracle", "data");
const flag = (v: string) => v === "TRUE";
/** One R fixture: its sample rows and R's figures per split. */
function fixture(name: string): { rows: SampleRow[]; expected: Record<string, Record<string, number>> } {
  const expected = JSON.parse(readFileSync(join(DATA, `${name}.json`), "utf8")) as Record<string, Record<string, number>>;
  const rows: SampleRow[] = parseTable(readFileSync(join(DATA, `${name}.csv`), "utf8")).records.map(({ values: v }) => ({
    time_period: "202223",
    la_code: "919",
    urn: v.urn!,
    subject: "Mathematics",
    tutored: flag(v.tutored!),
    route: v.route || null,
    group_size: v.group_size || null,
    // dose (measures.md §3): the Standardised score sample's full or partial place
    ...(v.place === undefined ? {} : { place: v.place || null }),
    nc_year: Number(v.nc_year),
    key_stage: Number(v.key_stage),
    baseline: Number(v.baseline),
    // the Standardised score sample has no column: every baseline is a standardised score
    ...(v.baseline_scale === undefined ? {} : { baseline_scale: v.baseline_scale }),
    outcome: Number(v.outcome),
    disadvantaged: flag(v.disadvantaged!),
    cla: flag(v.cla!),
    eal: flag(v.eal!),
    female: flag(v.female!),
    sen_any: flag(v.sen_any!),
  }));
  return { rows, expected };
}

const close = (got: unknown, want: number | undefined, what: string) => {
  expect(want, `${what}: in the R fixture`).toBeTypeOf("number");
  expect(Math.abs(Number(got) - want!), `${what}: ${got} vs R ${want}`).toBeLessThan(1e-8 * Math.max(1, Math.abs(want!)));
};

function agreesWithR(name: string, rows: SampleRow[], expected: Record<string, Record<string, number>>): void {
  for (const split of NTP_IMPACT_SPLITS) {
    const key = split.column ?? "tutored";
    it(`${name}, ${split.breakdown}: each part's b, SE, CI and difference from the reference`, () => {
      const want = expected[key]!;
      const results = fitSplit(rows, split);
      expect(results.map((r) => r.label)).toEqual(split.parts.map((p) => p.label));
      for (const [i, part] of split.parts.entries()) {
        const f = results[i]!.figures;
        expect(f.na_reason, part.label).toBeNull();
        close(f.b, want[`b_${part.value}`], `${part.label} b`);
        close(f.se, want[`se_${part.value}`], `${part.label} se`);
        close(f.ci_low, want[`ci_low_${part.value}`], `${part.label} ci_low`);
        close(f.n_schools, want.g, `${part.label} schools`);
        close(f.k_params, want.k, `${part.label} parameters`);
        if (split.reference !== undefined && part.value !== split.reference) {
          close(f.b_diff, want[`b_diff_${part.value}`], `${part.label} b_diff`);
          close(f.se_diff, want[`se_diff_${part.value}`], `${part.label} se_diff`);
        } else expect(f.b_diff, part.label).toBeUndefined();
      }
    });
  }
}

describe("ntp impact models equal R's lm + vcovCL (CR1) on the oracle sample", () => {
  const { rows, expected } = fixture("ntp_impact");
  it("has a sample with every route and group size", () => {
    expect(rows.length).toBe(expected.tutored!.n);
    expect(new Set(rows.map((r) => r.route)).size).toBe(4); // three routes and the comparison pupils' blank
    expect(new Set(rows.map((r) => r.group_size)).size).toBe(5);
  });
  agreesWithR("Standardised score", rows, expected);
});

describe("a KS2 scaled score model mixing baseline scales (std and KS1) equals R's", () => {
  const { rows, expected } = fixture("ntp_impact_ks2");
  it("mixes the two scales in one key stage: a slope per scale and a KS1 intercept (§3)", () => {
    expect(rows.length).toBe(expected.tutored!.n);
    expect(new Set(rows.map((r) => r.baseline_scale))).toEqual(new Set(["std", "ks1"]));
    expect(new Set(rows.map((r) => r.key_stage))).toEqual(new Set([2]));
    // intercept, tutored, two slopes, the KS1 intercept, five covariates: R's column count
    expect(expected.tutored!.k).toBe(10);
  });
  agreesWithR("KS2 scaled score", rows, expected);
});

describe("the dose model (full / partial place, measures.md §3) equals R's on the oracle sample", () => {
  const { rows, expected } = fixture("ntp_impact");
  const want = expected.place!;
  it("publishes each place's tutees, impact, SE and CI as R fits them", () => {
    const got = doseFigures(rows, null);
    for (const place of ["full", "partial"]) {
      expect(got[`n_${place}`], `n_${place}`).toBe(want[`n_${place}`]);
      close(got[`b_${place}`], want[`b_${place}`], `b_${place}`);
      close(got[`se_${place}`], want[`se_${place}`], `se_${place}`);
      close(got[`ci_${place}_low`], want[`ci_low_${place}`], `ci_${place}_low`);
      close(got[`ci_${place}_high`], want[`ci_high_${place}`], `ci_${place}_high`);
      expect(got[`b_${place}_na_reason`], `b_${place}_na_reason`).toBeUndefined();
    }
  });
  it(`is x with the reason for both places when one has fewer than ${MIN_PART} tutees`, () => {
    const partial = rows.filter((r) => r.place === "partial");
    const keep = new Set(partial.slice(0, MIN_PART - 1));
    const few = rows.filter((r) => r.place !== "partial" || keep.has(r));
    const got = doseFigures(few, null);
    expect(got.n_full).toBe(want.n_full);
    expect(got.n_partial).toBe(MIN_PART - 1);
    for (const col of ["b_full", "se_full", "ci_full_low", "ci_full_high", "b_partial", "se_partial", "ci_partial_low", "ci_partial_high"]) {
      expect(got[col], col).toBeNull();
      expect(got[`${col}_na_reason`], col).toBe(`fewer than ${MIN_PART} tutees with a partial place in the model`);
    }
  });
  it("is x with the measure's reason on every figure, counts too, where the measure has no results", () => {
    const got = doseFigures(rows, "no KS2 tests in 2021");
    for (const col of ["n_full", "n_partial", "b_full", "ci_partial_high"]) {
      expect(got[col], col).toBeNull();
      expect(got[`${col}_na_reason`], col).toBe("no KS2 tests in 2021");
    }
  });
});

describe("balance (measures.md §3) equals R's means, shares and standardised differences on the oracle sample", () => {
  const { rows, expected } = fixture("ntp_impact");
  const want = expected.balance!;
  it("gives tutees' and comparison pupils' mean baseline and % of each characteristic, and the standardised difference", () => {
    const got = balanceFigures(
      rows.filter((r) => r.tutored),
      rows.filter((r) => !r.tutored),
      null,
    );
    // R names each figure by its variable (female); the return, as the 2009 one, says girls
    for (const v of BALANCE_VARIABLES)
      for (const side of ["t", "c", "std_diff"]) close(got[`bal_${balanceName(v)}_${side}`], want[`bal_${v}_${side}`], `bal_${balanceName(v)}_${side}`);
    for (const v of BALANCE_VARIABLES.filter((v) => v !== "baseline")) expect(got[`bal_${balanceName(v)}_n_t`], v).toBe(rows.filter((r) => r.tutored && r[v]).length);
  });
  it("leaves the mean baseline x where the model mixes baseline scales (the KS2 sample: std and KS1 points)", () => {
    const ks2 = fixture("ntp_impact_ks2").rows;
    const got = balanceFigures(
      ks2.filter((r) => r.tutored),
      ks2.filter((r) => !r.tutored),
      null,
    );
    for (const c of ["bal_baseline_t", "bal_baseline_c", "bal_baseline_std_diff"]) {
      expect(got[c], c).toBeNull();
      expect(got[`${c}_na_reason`], c).toBe("the model's baselines are on more than one scale");
    }
    expect(got.bal_girls_t, "a share is still published").toBeTypeOf("number");
  });
});
