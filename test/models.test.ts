// The model manifest (pipelines/measures/models.ts) is the one source of the 2009 impact models:
// an entry added in a test reaches mart_impact with its own columns and correct figures, the
// breakdowns the models run over are the manifest's, and the catalogue lists the model columns
// in the manifest's order.
import { afterEach, describe, expect, it } from "vitest";
import type { Db, Row } from "../pipelines/core/db.ts";
import { Db as DbClass } from "../pipelines/core/db.ts";
import { loadCatalogue, loadCountCatalogue, martTable } from "../pipelines/export/catalogue.ts";
import { BREAKDOWNS } from "../pipelines/export/layout.ts";
import { buildImpactMarts } from "../pipelines/measures/impact.ts";
import { IMPACT_BREAKDOWNS, IMPACT_MODELS, type ImpactModel, publishedModelColumns } from "../pipelines/measures/models.ts";
import { fixtureDb, fixtureSettings, type FixturePupil, rng } from "./oracle/fixture.ts";

/** Eight schools, each with comparison pupils, full-place and partial-place tutees (English). */
function pupils(): FixturePupil[] {
  const r = rng(18);
  const out: FixturePupil[] = [];
  for (let s = 0; s < 8; s++) {
    for (let i = 0; i < 30; i++) {
      const tutored = i < 12;
      const year = 5 + (i % 2);
      const baseline = 20 + 6 * r() + (year - 5) * 2;
      out.push({
        urn: `20000${s}`,
        upn: `P${s}_${i}`,
        nc_year: year,
        tutored,
        full_place: tutored ? i < 7 : undefined,
        fsm: r() < 0.3,
        eal: r() < 0.2,
        female: r() < 0.5,
        baseline,
        outcome: baseline + 3 + (tutored ? (i < 7 ? 2 : 1) : 0) + 0.5 * s + 2 * r(),
      });
    }
  }
  return out;
}

/** A model no release fits: full-place tutees against comparison pupils, partial places left out. */
const FULL_ONLY: ImpactModel = {
  id: "full_only",
  prefix: "f",
  treatments: ["full"],
  sample: ["comparison", "full"],
  role: "split",
  estimates: { full: { b: "b_fo", se: "se_fo", ciLow: "ci_fo_low", ciHigh: "ci_fo_high" } },
  naReason: "fo_na_reason",
  cr1: "cr1_fo",
  minPerTreatment: 10,
};

let dbs: Db[] = [];
afterEach(() => {
  for (const d of dbs) d.close();
  dbs = [];
});

async function build(ps: FixturePupil[], manifest?: Parameters<typeof buildImpactMarts>[2]): Promise<Db> {
  const db = await fixtureDb(ps);
  dbs.push(db);
  await buildImpactMarts(db, fixtureSettings(), manifest);
  return db;
}

async function totalRow(db: Db, subject = "English"): Promise<Row> {
  const r = await db.one("select * from mart_impact where subject = ? and breakdown = 'total'", [subject]);
  if (!r) throw new Error(`mart_impact has no ${subject} whole-cohort row`);
  return r;
}

describe("the impact model manifest", () => {
  it("a model added to the manifest reaches mart_impact with its own columns, and its figures are the fit it describes", async () => {
    const all = pupils();
    const withEntry = await build(all, { models: [...IMPACT_MODELS, FULL_ONLY], breakdowns: IMPACT_BREAKDOWNS });
    const r = await totalRow(withEntry);
    // the same fit by hand: the primary model on the same pupils without the partial-place tutees
    const withoutPartial = await build(all.filter((p) => !(p.tutored && p.full_place === false)));
    const expected = await totalRow(withoutPartial);

    expect(Number(expected.b)).toBeGreaterThan(0);
    expect(Number(r.b_fo)).toBeCloseTo(Number(expected.b), 8);
    expect(Number(r.se_fo)).toBeCloseTo(Number(expected.se), 8);
    expect(Number(r.ci_fo_low)).toBeCloseTo(Number(expected.ci_low), 8);
    expect(Number(r.ci_fo_high)).toBeCloseTo(Number(expected.ci_high), 8);
    expect(r.fo_na_reason).toBeNull();
    // the entry's block follows the dose model's, before cost per point; n_full is not repeated
    const cols = (await withEntry.all("select column_name from information_schema.columns where table_name = 'mart_impact' order by ordinal_position")).map(
      (c) => String(c.column_name),
    );
    const at = (c: string) => cols.indexOf(c);
    expect(cols.filter((c) => c === "n_full")).toHaveLength(1);
    expect(at("dose_na_reason")).toBeLessThan(at("b_fo"));
    expect([at("b_fo"), at("se_fo"), at("ci_fo_low"), at("ci_fo_high"), at("fo_na_reason"), at("b_fo_na_reason")]).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => at("b_fo") + i),
    );
    expect(at("ci_fo_high_na_reason")).toBeLessThan(at("tutee_cost_gbp"));
    // impact does not apply to the subject Total: the entry's reason is z there, as the dose model's
    const total = await totalRow(withEntry, "Total");
    expect([total.fo_na_reason, total.dose_na_reason, total.na_reason]).toEqual(["z", "z", "z"]);
  });

  it("a model whose tutees are too few is x with its own reason, and not fitted", async () => {
    const few = pupils().filter((p) => !(p.tutored && p.full_place !== false && Number(p.urn.slice(-1)) > 0));
    const db = await build(few, { models: [...IMPACT_MODELS, FULL_ONLY], breakdowns: IMPACT_BREAKDOWNS });
    const r = await totalRow(db);
    expect(r.fo_na_reason).toBe("fewer than 10 tutees with a full place in the model");
    expect(r.b_fo).toBeNull();
    expect(r.b_fo_na_reason).toBe(r.fo_na_reason);
  });

  it("the models run over the manifest's breakdowns, with subject Total rows where it says", async () => {
    const db = await build(pupils(), {
      models: IMPACT_MODELS,
      breakdowns: [
        { id: "total", subjectTotal: true },
        { id: "sex", subjectTotal: false },
      ],
    });
    const got = await db.all("select breakdown, subject, count(*)::integer as n from mart_impact group by all order by all");
    expect(got).toEqual([
      { breakdown: "sex", subject: "English", n: 2 },
      { breakdown: "total", subject: "English", n: 1 },
      { breakdown: "total", subject: "Total", n: 1 },
    ]);
  });

  it("fits every breakdown of the return, in the return's order", () => {
    expect(IMPACT_BREAKDOWNS.map((b) => b.id)).toEqual(BREAKDOWNS);
    // a band of the subject's own baseline has no subject Total (measures.md §5)
    expect(IMPACT_BREAKDOWNS.filter((b) => !b.subjectTotal).map((b) => b.id)).toEqual(["prior_attainment"]);
  });

  it("a gap is the manifest's: mart_gaps pairs its groups, as the count catalogue's other groups do", async () => {
    const db = await build(pupils(), {
      models: IMPACT_MODELS,
      breakdowns: [
        { id: "total", subjectTotal: true },
        { id: "sex", subjectTotal: true, gap: { concern: "Female", other: "Male" } },
      ],
    });
    expect(await db.all("select breakdown, group_label from mart_gaps where subject = 'English'")).toEqual([{ breakdown: "sex", group_label: "Female" }]);
    const counts = await loadCountCatalogue(db);
    expect(counts.otherGroups).toEqual(
      IMPACT_BREAKDOWNS.filter((b) => b.gap).map((b) => ({ breakdown: b.id, group_label: b.gap!.concern, other_label: b.gap!.other })),
    );
  });

  it("the catalogue lists each model's published columns, in the manifest's order", async () => {
    const db = await DbClass.open(":memory:");
    dbs.push(db);
    const rows = await loadCatalogue(db);
    const impact = rows.filter((r) => martTable(r.mart) === "mart_impact").map((r) => r.indicator);
    const manifest = publishedModelColumns();
    expect(manifest.length).toBeGreaterThan(4);
    expect(impact.filter((c) => manifest.includes(c))).toEqual(manifest);
  });
});
