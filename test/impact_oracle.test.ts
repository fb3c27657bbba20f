// The pipeline's impact models against R (lm + sandwich::vcovCL(type = "HC1",
// cadjust = TRUE), checked in the script to equal CR1 as measures.md defines it). The
// datasets and R's estimates are committed under test/oracle/data by
// test/oracle/make_fixtures.R, so this test needs no R.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, Row } from "../pipelines/core/db.ts";
import { buildImpactMarts } from "../pipelines/measures/impact.ts";
import { fixtureDb, fixtureSettings, type FixturePupil } from "./oracle/fixture.ts";

const DATA = new URL("./oracle/data/", import.meta.url);

function readCsv(name: string): FixturePupil[] {
  const [header, ...lines] = readFileSync(new URL(`${name}.csv`, DATA), "utf8")
    .trim()
    .split("\n");
  const cols = header!.split(",").map((c) => c.replaceAll('"', ""));
  return lines.map((line) => {
    const v = Object.fromEntries(line.split(",").map((x, i) => [cols[i], x.replaceAll('"', "")]));
    const flag = (s: string) => s === "TRUE";
    return {
      urn: v.urn!,
      upn: v.upn!,
      nc_year: Number(v.nc_year),
      tutored: flag(v.tutored!),
      full_place: v.full_place === "" ? undefined : flag(v.full_place!),
      fsm: flag(v.fsm!),
      cla: flag(v.cla!),
      eal: flag(v.eal!),
      female: flag(v.female!),
      sen_any: flag(v.sen_any!),
      baseline: Number(v.baseline),
      outcome: Number(v.outcome),
    };
  });
}

type Oracle = Record<string, Record<string, number | string[]>>;

const cases: [string, string][] = [
  ["total", "Total"],
  ["fsm_eligible", "FSM eligible"],
  ["not_fsm", "Not known to be FSM eligible"],
];

for (const name of ["basic", "collinear", "dose"]) {
  describe(`impact model on ${name}.csv agrees with R lm + vcovCL (CR1)`, () => {
    const oracle = JSON.parse(readFileSync(new URL(`${name}.json`, DATA), "utf8")) as Oracle;
    let db: Db;
    beforeAll(async () => {
      db = await fixtureDb(readCsv(name));
      await buildImpactMarts(db, fixtureSettings());
    });
    afterAll(() => db.close());
    const get = async (group: string): Promise<Row> => {
      const r = await db.one("select * from mart_impact where subject = 'English' and group_label = ? and breakdown in ('total', 'fsm_status')", [group]);
      if (!r) throw new Error(`no row for ${group}`);
      return r;
    };

    for (const [model, group] of cases) {
      it(`${model}: counts, b, SE, CI, t, Hedges' g to 1e-8`, async () => {
        const o = oracle[model]!;
        const r = await get(group);
        expect(r.n_t).toBe(o.n_t);
        expect(r.n_c).toBe(o.n_c);
        expect(r.n_schools).toBe(o.g_schools);
        expect(r.k_params).toBe(o.k);
        for (const [mine, theirs] of [
          ["b", "b_tutored"],
          ["se", "se_tutored"],
          ["ci_low", "ci_low_tutored"],
          ["ci_high", "ci_high_tutored"],
          ["t_crit", "t_crit"],
          ["g", "g"],
          ["g_ci_low", "g_ci_low"],
          ["g_ci_high", "g_ci_high"],
        ] as const) {
          expect(Math.abs(Number(r[mine]) - Number(o[theirs])), `${mine}`).toBeLessThan(1e-8);
        }
      });
    }

    it("drops the columns R aliases", async () => {
      const r = await get("Total");
      const names: Record<string, string> = {
        bl2: "baseline (key stage 2)",
        bl3: "baseline (key stage 3)",
        bl4: "baseline (key stage 4)",
        cla: "cla (",
        eal: "eal (",
        sen_any: "sen_any (",
        fsm: "fsm (",
        female: "female (",
      };
      const aliased = oracle.total!.aliased as string[];
      for (const a of aliased) expect(String(r.dropped_covariates)).toContain(names[a]!);
      for (const n of Object.keys(names).filter((n) => !aliased.includes(n))) expect(String(r.dropped_covariates ?? "")).not.toContain(names[n]!);
    });

    it("dose model: full and partial places", async () => {
      const o = oracle.dose!;
      const r = await get("Total");
      for (const [mine, theirs] of [
        ["b_full", "b_full"],
        ["se_full", "se_full"],
        ["ci_full_low", "ci_low_full"],
        ["ci_full_high", "ci_high_full"],
        ["b_partial", "b_partial"],
        ["se_partial", "se_partial"],
        ["ci_partial_low", "ci_low_partial"],
        ["ci_partial_high", "ci_high_partial"],
      ] as const) {
        expect(Math.abs(Number(r[mine]) - Number(o[theirs])), `${mine}`).toBeLessThan(1e-8);
      }
    });
  });
}
