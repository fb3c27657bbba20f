// The ntp impact models against R (programmes.md §3): test/oracle/make_ntp_fixtures.R fits a
// deterministic synthetic sample with lm and sandwich::vcovCL (CR1) as the pipeline fits it, per
// model of NTP_IMPACT_ROW_MODELS (tutored; three routes; four group sizes), with each part's
// difference from the reference (school-led; three pupils). The fixture's rows are loaded into an
// in-memory DuckDB table shaped as ntp_impact_sample and the pipeline's own path runs on them
// (buildNtpImpactFromSample: the sums by GROUP BY, the solve, the schools' scores in SQL), so its
// rows of mart_ntp_impact must give R's estimates, standard errors, intervals and differences. A
// second fixture is a KS2 scaled score model whose baselines mix two scales (std and KS1 points).
// The dose model (tutored split into a full and a partial place) is checked through the columns
// it publishes (b_full ... ci_partial_high, named as the 2009 return's).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { NTP_BREAKDOWNS } from "../pipelines/measures/models.ts";
import { BALANCE_VARIABLES, balanceName, buildNtpImpactFromSample, MIN_PART, NTP_IMPACT_ROW_MODELS } from "../pipelines/measures/ntp-impact.ts";

const DATA = join(import.meta.dirname, "oracle", "data");
const flag = (v: string) => v === "TRUE";
type Sample = Record<string, string | number | boolean | null>;
type Mart = Record<string, string | number | null>;

/**
 * One R fixture: its sample rows as ntp_impact_sample holds them, and R's figures per model. The
 * fixture has no key columns, upn, §5 characteristics or place cost: the load step gives each row
 * the measure's key, a upn from its row number (the order place costs are summed in) and NULL
 * for the rest (the whole cohort's Total row, the one read here, needs none of them).
 */
function fixture(name: string, measure: string, timePeriod = "202223"): { rows: Sample[]; expected: Record<string, Record<string, number>> } {
  const expected = JSON.parse(readFileSync(join(DATA, `${name}.json`), "utf8")) as Record<string, Record<string, number>>;
  const rows: Sample[] = parseTable(readFileSync(join(DATA, `${name}.csv`), "utf8")).records.map(({ values: v }, i) => ({
    time_period: timePeriod,
    la_code: "919",
    subject: "Mathematics",
    outcome_measure: measure,
    urn: v.urn!,
    upn: `P${String(i).padStart(6, "0")}`,
    tutored: flag(v.tutored!),
    route: v.route || null,
    group_size: v.group_size || null,
    // dose (measures.md §3): the Standardised score sample's full or partial place
    place: v.place || null,
    nc_year: Number(v.nc_year),
    key_stage: Number(v.key_stage),
    baseline: Number(v.baseline),
    // the Standardised score sample has no column: every baseline is a standardised score
    baseline_scale: v.baseline_scale ?? null,
    outcome: Number(v.outcome),
    disadvantaged: flag(v.disadvantaged!),
    cla: flag(v.cla!),
    eal: flag(v.eal!),
    female: flag(v.female!),
    sen_any: flag(v.sen_any!),
    sen_provision: null,
    ethnicity_major: null,
    place_cost_gbp: null,
  }));
  return { rows, expected };
}

const SAMPLE: [string, string][] = [
  ["time_period", "VARCHAR"],
  ["la_code", "VARCHAR"],
  ["subject", "VARCHAR"],
  ["outcome_measure", "VARCHAR"],
  ["urn", "VARCHAR"],
  ["upn", "VARCHAR"],
  ["tutored", "BOOLEAN"],
  ["route", "VARCHAR"],
  ["group_size", "VARCHAR"],
  ["place", "VARCHAR"],
  ["nc_year", "INTEGER"],
  ["key_stage", "INTEGER"],
  ["baseline", "DOUBLE"],
  ["baseline_scale", "VARCHAR"],
  ["outcome", "DOUBLE"],
  ["disadvantaged", "BOOLEAN"],
  ["cla", "BOOLEAN"],
  ["eal", "BOOLEAN"],
  ["female", "BOOLEAN"],
  ["sen_any", "BOOLEAN"],
  ["sen_provision", "VARCHAR"],
  ["ethnicity_major", "VARCHAR"],
  ["place_cost_gbp", "DOUBLE"],
];

/** Runs the pipeline's impact path (every model, the whole cohort) on `rows` as ntp_impact_sample; mart_ntp_impact's rows. */
async function fitted(rows: Sample[]): Promise<Mart[]> {
  const db = await Db.open(":memory:");
  try {
    await db.writeTable("ntp_impact_sample", SAMPLE, rows, { temp: true });
    await db.run("create temp table ntp_impact_keys as select distinct time_period, la_code, subject, outcome_measure from ntp_impact_sample where tutored");
    await db.run("create temp table ntp_impact_excluded as select time_period, la_code, subject, outcome_measure, 0 as n from ntp_impact_keys where false");
    await buildNtpImpactFromSample(db, 85, { breakdowns: NTP_BREAKDOWNS.filter((b) => b.breakdown === "total") });
    return await db.all<Mart>("select * from mart_ntp_impact");
  } finally {
    db.close();
  }
}

const row = (mart: Mart[], breakdown: string, label: string): Mart => {
  const r = mart.find((x) => x.breakdown === breakdown && x.group_label === label);
  if (!r) throw new Error(`mart_ntp_impact has no ${breakdown} / ${label} row`);
  return r;
};

const close = (got: unknown, want: number | undefined, what: string) => {
  expect(want, `${what}: in the R fixture`).toBeTypeOf("number");
  expect(got, `${what}: in mart_ntp_impact`).toBeTypeOf("number");
  expect(Math.abs(Number(got) - want!), `${what}: ${got} vs R ${want}`).toBeLessThan(1e-8 * Math.max(1, Math.abs(want!)));
};

function agreesWithR(name: string, mart: () => Mart[], expected: Record<string, Record<string, number>>): void {
  for (const model of NTP_IMPACT_ROW_MODELS) {
    const key = model.column ?? "tutored";
    it(`${name}, ${model.breakdown}: each part's b, SE, CI and difference from the reference`, () => {
      const want = expected[key]!;
      for (const part of model.parts) {
        // the whole cohort's row is its Total group's; a route's or size's row is its part's
        const f = row(mart(), model.breakdown, model.breakdown === "total" ? "Total" : part.label);
        expect(f.na_reason, part.label).toBeNull();
        close(f.b, want[`b_${part.value}`], `${part.label} b`);
        close(f.se, want[`se_${part.value}`], `${part.label} se`);
        close(f.ci_low, want[`ci_low_${part.value}`], `${part.label} ci_low`);
        close(f.n_schools, want.g, `${part.label} schools`);
        close(f.k_params, want.k, `${part.label} parameters`);
        if (model.reference !== undefined && part.value !== model.reference) {
          close(f.b_diff, want[`b_diff_${part.value}`], `${part.label} b_diff`);
          close(f.se_diff, want[`se_diff_${part.value}`], `${part.label} se_diff`);
        } else expect(f.b_diff, part.label).toBeNull();
      }
    });
  }
}

describe("ntp impact models equal R's lm + vcovCL (CR1) on the oracle sample", async () => {
  const { rows, expected } = fixture("ntp_impact", "Standardised score");
  const mart = await fitted(rows);
  it("has a sample with every route and group size", () => {
    expect(rows.length).toBe(expected.tutored!.n);
    expect(new Set(rows.map((r) => r.route)).size).toBe(4); // three routes and the comparison pupils' blank
    expect(new Set(rows.map((r) => r.group_size)).size).toBe(5);
  });
  agreesWithR("Standardised score", () => mart, expected);
});

describe("a KS2 scaled score model mixing baseline scales (std and KS1) equals R's", async () => {
  const { rows, expected } = fixture("ntp_impact_ks2", "KS2 scaled score");
  const mart = await fitted(rows);
  it("mixes the two scales in one key stage: a slope per scale and a KS1 intercept (§3)", () => {
    expect(rows.length).toBe(expected.tutored!.n);
    expect(new Set(rows.map((r) => r.baseline_scale))).toEqual(new Set(["std", "ks1"]));
    expect(new Set(rows.map((r) => r.key_stage))).toEqual(new Set([2]));
    // intercept, tutored, two slopes, the KS1 intercept, five covariates: R's column count
    expect(expected.tutored!.k).toBe(10);
  });
  agreesWithR("KS2 scaled score", () => mart, expected);
});

describe("the dose model (full / partial place, measures.md §3) equals R's on the oracle sample", () => {
  const { rows, expected } = fixture("ntp_impact", "Standardised score");
  const want = expected.place!;
  it("publishes each place's tutees, impact, SE and CI as R fits them", async () => {
    const got = row(await fitted(rows), "total", "Total");
    for (const place of ["full", "partial"]) {
      expect(got[`n_${place}`], `n_${place}`).toBe(want[`n_${place}`]);
      close(got[`b_${place}`], want[`b_${place}`], `b_${place}`);
      close(got[`se_${place}`], want[`se_${place}`], `se_${place}`);
      close(got[`ci_${place}_low`], want[`ci_low_${place}`], `ci_${place}_low`);
      close(got[`ci_${place}_high`], want[`ci_high_${place}`], `ci_${place}_high`);
      expect(got[`b_${place}_na_reason`], `b_${place}_na_reason`).toBeNull();
    }
  });
  it(`is x with the reason for both places when one has fewer than ${MIN_PART} tutees`, async () => {
    const partial = rows.filter((r) => r.place === "partial");
    const keep = new Set(partial.slice(0, MIN_PART - 1));
    const got = row(await fitted(rows.filter((r) => r.place !== "partial" || keep.has(r))), "total", "Total");
    expect(got.n_full).toBe(want.n_full);
    expect(got.n_partial).toBe(MIN_PART - 1);
    for (const col of ["b_full", "se_full", "ci_full_low", "ci_full_high", "b_partial", "se_partial", "ci_partial_low", "ci_partial_high"]) {
      expect(got[col], col).toBeNull();
      expect(got[`${col}_na_reason`], col).toBe(`fewer than ${MIN_PART} tutees with a partial place in the model`);
    }
  });
  it("is x with the measure's reason on every figure, counts too, where the measure has no results", async () => {
    // KS2 scaled score in 2020/21 (§4): the same pupils under the key of a measure with no results
    const ks2021 = fixture("ntp_impact", "KS2 scaled score", "202021").rows;
    const got = row(await fitted(ks2021), "total", "Total");
    for (const col of ["n_full", "n_partial", "b_full", "ci_partial_high"]) {
      expect(got[col], col).toBeNull();
      expect(got[`${col}_na_reason`], col).toBe("no KS2 tests in 2021");
    }
  });
});

describe("balance (measures.md §3) equals R's means, shares and standardised differences on the oracle sample", () => {
  const { rows, expected } = fixture("ntp_impact", "Standardised score");
  const want = expected.balance!;
  it("gives tutees' and comparison pupils' mean baseline and % of each characteristic, and the standardised difference", async () => {
    const got = row(await fitted(rows), "total", "Total");
    // R names each figure by its variable (female); the return, as the 2009 one, says girls
    for (const v of BALANCE_VARIABLES)
      for (const side of ["t", "c", "std_diff"]) close(got[`bal_${balanceName(v)}_${side}`], want[`bal_${v}_${side}`], `bal_${balanceName(v)}_${side}`);
    for (const v of BALANCE_VARIABLES.filter((v) => v !== "baseline"))
      expect(got[`bal_${balanceName(v)}_n_t`], v).toBe(rows.filter((r) => r.tutored && r[v]).length);
  });
  it("leaves the mean baseline x where the model mixes baseline scales (the KS2 sample: std and KS1 points)", async () => {
    const got = row(await fitted(fixture("ntp_impact_ks2", "KS2 scaled score").rows), "total", "Total");
    for (const c of ["bal_baseline_t", "bal_baseline_c", "bal_baseline_std_diff"]) {
      expect(got[c], c).toBeNull();
      expect(got[`${c}_na_reason`], c).toBe("the model's baselines are on more than one scale");
    }
    expect(got.bal_girls_t, "a share is still published").toBeTypeOf("number");
  });
});
