// The manifest of the 2009 impact models (measures.md §3, §5, §11): which models are fitted,
// on which pupils, with which treatment columns, over which breakdowns, and which mart columns
// their estimates fill, in the order the mart, the catalogue and the return show them.
// impact.ts fits what this lists (cross-products per cell, one solve per model), impact_design.sql
// repeats the pupils once per breakdown of IMPACT_BREAKDOWNS (table impact_breakdowns), and
// mart_impact.sql publishes each split model's block of columns where impact.ts puts it. Adding a
// model is one entry of IMPACT_MODELS plus its rows in catalogue/impact.csv (test/models.test.ts
// holds the two together). The §4 exact matching (impact_matched_cells.sql, mart_matched.sql) is
// not a regression: it reads the same models' rows (impact_model_rows) and needs no entry.
import { BREAKDOWNS } from "../export/layout.ts";

/** measures.md §3 minimums. */
export const MIN_TUTEES = 10;
export const MIN_COMPARISON = 10;
export const MIN_SCHOOLS = 5;
export const MIN_DOSE_GROUP = 10;

/**
 * The design columns every model shares (impact_pupils.sql builds each), in fitting order,
 * intercept first, with the name dropped_covariates gives each. The lowest NC year present in a
 * model is its reference; a binary covariate constant in a model is dropped (measures.md §3).
 */
export const COVARIATES: { col: string; label: string; kind: "intercept" | "baseline" | "nc_year" | "binary" }[] = [
  { col: "one", label: "intercept", kind: "intercept" },
  { col: "x_bl2", label: "baseline (key stage 2)", kind: "baseline" },
  { col: "x_bl3", label: "baseline (key stage 3)", kind: "baseline" },
  { col: "x_bl4", label: "baseline (key stage 4)", kind: "baseline" },
  ...[3, 4, 5, 6, 7, 8, 9, 10, 11].map((y) => ({ col: `x_y${y}`, label: `year ${y}`, kind: "nc_year" as const })),
  { col: "x_fsm", label: "fsm", kind: "binary" },
  { col: "x_cla", label: "cla", kind: "binary" },
  { col: "x_eal", label: "eal", kind: "binary" },
  { col: "x_female", label: "female", kind: "binary" },
  { col: "x_sen_any", label: "sen_any", kind: "binary" },
];

/** Cells of the cross-products: comparison pupils, tutees with a full place, with a partial place. */
export const CELLS = ["comparison", "full", "partial"] as const;
export type Cell = (typeof CELLS)[number];

/**
 * A treatment column of the design: 1 for the pupils of `cells`. `sql` is the same indicator
 * over impact_model_rows.cell, for the second (scoring) pass; `label` names it in a reason.
 */
export interface Treatment {
  cells: Cell[];
  sql: string;
  label: string;
}
export const TREATMENTS = {
  tutored: { cells: ["full", "partial"], sql: "(cell <> 'comparison')::double", label: "tutored" },
  full: { cells: ["full"], sql: "(cell = 'full')::double", label: "full place" },
  partial: { cells: ["partial"], sql: "(cell = 'partial')::double", label: "partial place" },
} as const satisfies Record<string, Treatment>;
export type TreatmentId = keyof typeof TREATMENTS;

/** The published columns of one treatment's estimate: b, its school-clustered SE and 95% CI. */
export interface EstimateColumns {
  b: string;
  se: string;
  ciLow: string;
  ciHigh: string;
}

export interface ImpactModel {
  id: string;
  /** Prefix of the model's coefficient columns in the scratch table impact_coef (`<prefix>_x_fsm`). */
  prefix: string;
  /** Treatment columns entering the model beside the common covariates, in fitting order. */
  treatments: TreatmentId[];
  /** Cells whose pupils the model is fitted on. */
  sample: Cell[];
  /**
   * primary: the §3 model (b, g, months, cost per point; its na_reason gates the others).
   * split: `tutored` split into its treatments, fitted where the primary was, its columns
   * published as one block after the primary's (the dose model).
   * school_progress: comparison pupils only, whole cohort, LA rows; no published estimate,
   * its residuals feed mart_school_progress (§11).
   */
  role: "primary" | "split" | "school_progress";
  /** Published columns of each treatment's estimate (primary and split models). */
  estimates?: Partial<Record<TreatmentId, EstimateColumns>>;
  /** split: the column holding why its figures are x (each estimate column also gets `<col>_na_reason`). */
  naReason?: string;
  /** split: the CR1 factor column of its fit. */
  cr1?: string;
  /** split: fewest tutees each treatment needs (measures.md §3). */
  minPerTreatment?: number;
  /** split: needs every tutee's hours (the cells come from hours delivered). */
  needsHours?: boolean;
}

/** The 2009 impact models, in the order their columns appear in mart_impact and the return. */
export const IMPACT_MODELS: ImpactModel[] = [
  {
    id: "primary",
    prefix: "m",
    treatments: ["tutored"],
    sample: ["comparison", "full", "partial"],
    role: "primary",
    estimates: { tutored: { b: "b", se: "se", ciLow: "ci_low", ciHigh: "ci_high" } },
  },
  {
    id: "dose",
    prefix: "d",
    treatments: ["full", "partial"],
    sample: ["comparison", "full", "partial"],
    role: "split",
    estimates: {
      full: { b: "b_full", se: "se_full", ciLow: "ci_full_low", ciHigh: "ci_full_high" },
      partial: { b: "b_partial", se: "se_partial", ciLow: "ci_partial_low", ciHigh: "ci_partial_high" },
    },
    naReason: "dose_na_reason",
    cr1: "cr1_dose",
    minPerTreatment: MIN_DOSE_GROUP,
    needsHours: true,
  },
  {
    id: "school_progress",
    prefix: "c",
    treatments: [],
    sample: ["comparison"],
    role: "school_progress",
  },
];

/** A breakdown the models are fitted over (measures.md §5): the whole cohort and each group. */
export interface ImpactBreakdown {
  id: string;
  /** The breakdown has a subject Total row (z): false for a band of the subject's own baseline. */
  subjectTotal: boolean;
  /**
   * A two-valued breakdown's gap (§5, mart_gaps): the group of concern minus the other group.
   * counts/other_groups.csv pairs the same labels for disclosure control (test/models.test.ts).
   */
  gap?: { concern: string; other: string };
}

/** The §5 gaps: group of concern and the other group of each two-valued breakdown. */
const GAPS: Record<string, { concern: string; other: string }> = {
  fsm_status: { concern: "FSM eligible", other: "Not known to be FSM eligible" },
  cla_status: { concern: "Looked after", other: "Not looked after" },
  first_language: { concern: "Known or believed to be other than English", other: "Known or believed to be English" },
  sex: { concern: "Male", other: "Female" },
};

/** Every breakdown of the return (layout.ts), in its order: impact is fitted for each group of each. */
export const IMPACT_BREAKDOWNS: ImpactBreakdown[] = BREAKDOWNS.map((id) => ({
  id,
  subjectTotal: id !== "prior_attainment",
  ...(GAPS[id] ? { gap: GAPS[id] } : {}),
}));

/** The primary model (exactly one: its na_reason and counts head every row). */
export function primaryModel(models: ImpactModel[] = IMPACT_MODELS): ImpactModel {
  const primary = models.filter((m) => m.role === "primary");
  if (primary.length !== 1) throw new Error(`pipelines/measures/models.ts: the impact manifest needs exactly one primary model, found ${primary.length}.`);
  return primary[0]!;
}

/**
 * The mart_impact columns of a split model, in mart order: each treatment's tutee count, each
 * treatment's estimate columns, the model's na_reason, then each estimate column's own
 * `<col>_na_reason` (the export footnotes each x with it; they share the model's reason).
 */
export function splitColumns(model: ImpactModel): { counts: string[]; estimates: string[]; naReason: string; footnotes: string[] } {
  if (model.role !== "split" || !model.naReason || !model.estimates) {
    throw new Error(`pipelines/measures/models.ts: model ${model.id} is not a split model with estimates and naReason.`);
  }
  const estimates = model.treatments.flatMap((t) => {
    const e = model.estimates![t];
    if (!e) throw new Error(`pipelines/measures/models.ts: model ${model.id} gives no estimate columns for treatment ${t}.`);
    return [e.b, e.se, e.ciLow, e.ciHigh];
  });
  return {
    counts: model.treatments.map((t) => `n_${t}`),
    estimates,
    naReason: model.naReason,
    footnotes: estimates.map((c) => `${c}_na_reason`),
  };
}

/**
 * The blocks of mart_impact columns of every split model, in manifest order; a treatment's
 * tutee count appears once, in the first block whose model uses it.
 */
export function splitBlocks(models: ImpactModel[] = IMPACT_MODELS): ReturnType<typeof splitColumns>[] {
  const seen = new Set<string>();
  return models.filter((m) => m.role === "split").map((m) => {
    const c = splitColumns(m);
    const counts = c.counts.filter((n) => !seen.has(n));
    for (const n of counts) seen.add(n);
    return { ...c, counts };
  });
}

/** The published model columns of mart_impact that the manifest decides, in mart order (the catalogue follows it). */
export function publishedModelColumns(models: ImpactModel[] = IMPACT_MODELS): string[] {
  const p = primaryModel(models).estimates!.tutored!;
  return [p.b, p.se, p.ciLow, p.ciHigh, ...splitBlocks(models).flatMap((c) => [...c.counts, ...c.estimates])];
}
