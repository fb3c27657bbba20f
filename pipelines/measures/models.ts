// The one manifest of the impact models of both programmes (measures.md §3, §5, §11; programmes.md
// §3): which models are fitted, on which pupils, with which treatment columns and covariates, over
// which groups, and which mart rows or columns their estimates fill, in the order the marts, the
// catalogues and the returns show them. Both programmes' models are solved by one runner
// (grouped-ols.ts: normal equations assembled from cells of summed cross-products).
//
// The 2009 profile (IMPACT_MODELS, COVARIATES, TREATMENTS, IMPACT_BREAKDOWNS): impact.ts fits
// what this lists (cross-products per cell, one solve per model), impact_design.sql gives the
// pupils of each breakdown of IMPACT_BREAKDOWNS (table impact_breakdowns), and mart_impact.sql
// publishes each split model's block of columns where impact.ts puts it. Adding a model is one
// entry of IMPACT_MODELS plus its rows in catalogue/impact.csv (test/models.test.ts holds the two
// together). The §4 exact matching (impact_matched_cells.sql, mart_matched.sql) is not a
// regression: it reads the same models' rows (impact_model_rows) and needs no entry.
//
// The ntp profile (NTP_IMPACT_MODELS, NTP_COVARIATES, NTP_BREAKDOWNS, OUTCOME_MEASURES):
// ntp-impact.ts fits each entry over each outcome measure's sample, on the whole cohort and, where
// the entry says so, on each §5 group, and publishes it as rows of mart_ntp_impact (one per part)
// or as columns of the whole-cohort and §5 rows (the dose). Adding a model is one entry of
// NTP_IMPACT_MODELS (test/models-ntp.test.ts), plus catalogue/ntp rows for new columns.
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
 * over a `cell` column (impact_cluster_sums), for the scoring pass; `label` names it in a reason.
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
  return models
    .filter((m) => m.role === "split")
    .map((m) => {
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

// ---- The ntp profile (programmes.md §3) --------------------------------------------------

/** The outcome measures of §2, in the order the return lists them. */
export const OUTCOME_MEASURES = ["Standardised score", "KS2 scaled score", "GCSE grade"] as const;
export type OutcomeMeasure = (typeof OUTCOME_MEASURES)[number];
/** The scale of each outcome measure's outcome (§2). */
export const OUTCOME_SCALE: Record<string, string> = { "Standardised score": "std", "KS2 scaled score": "ks2", "GCSE grade": "gcse9" };

/**
 * The covariates of every ntp model (§3; disadvantage replaces FSM, programmes.md §1), after a
 * baseline slope per key stage and baseline scale, an intercept per scale but the first present
 * of NTP_SCALES, and NC-year dummies (the lowest year present is the reference). A covariate
 * constant in a model is dropped.
 */
export const NTP_COVARIATES = ["disadvantaged", "cla", "eal", "female", "sen_any"] as const;
export type NtpCovariate = (typeof NTP_COVARIATES)[number];
/** Baseline scales (§1) in the order a model's reference scale is chosen: the first present. */
export const NTP_SCALES = ["std", "ks1", "ks2", "gcse9"] as const;

/** measures.md §3: a part below MIN_PART tutees is `x` but stays in its model as its own dummy. */
export const MIN_PART = 10;

/** The columns of one part's estimate of a model published as columns: its tutees, b, SE and CI. */
export interface NtpEstimateColumns extends EstimateColumns {
  n: string;
}

/**
 * An ntp impact model: the §3 model with `tutored` entering as one indicator per part (the whole
 * of it, the three routes, the four group sizes, a full and a partial place), school-clustered CR1
 * standard errors, each part's difference from the reference part (SE √(V_ii + V_jj − 2V_ij)).
 */
export interface NtpImpactModel {
  id: string;
  /** mart_ntp_impact `breakdown` of its rows ("total": the whole cohort's and the §5 groups' rows). */
  breakdown: string;
  /** The outcome measures it is fitted on (§2). */
  outcomes: readonly OutcomeMeasure[];
  /** Whose rows of the measure's ntp_impact_sample (baseline, outcome and covariates known) it is fitted on. */
  sample: readonly ("comparison" | "tutees")[];
  covariates: readonly NtpCovariate[];
  /** Fitted over the whole cohort only (a breakdown of its own, §3, §4), or also over each group of each §5 breakdown. */
  groups: "whole_cohort" | "each_group";
  /** The sample column a tutee's part is read from; none: one part, every tutee. */
  column?: "route" | "group_size" | "place";
  /** The parts, in the order of their rows or columns; a row's group_label is its part's label. */
  parts: { value: string; label: string }[];
  /** The part the others are compared with (§3: school-led; three pupils). */
  reference?: string;
  /**
   * rows: each part a row of mart_ntp_impact under `breakdown`. columns: each part's figures are
   * columns (`columns`) of the rows of the `breakdown` model, `x` unless every part has MIN_PART
   * tutees, `z` on other rows (the dose: a pupil group's row reads its impact and dose side by side).
   */
  publish: "rows" | "columns";
  columns?: Record<string, NtpEstimateColumns>;
}

const NTP_MODEL = { outcomes: OUTCOME_MEASURES, sample: ["comparison", "tutees"], covariates: NTP_COVARIATES } as const;

/** The ntp impact models, in the order of their rows (and, for the dose, columns) in mart_ntp_impact. */
export const NTP_IMPACT_MODELS: NtpImpactModel[] = [
  { id: "whole_cohort", breakdown: "total", ...NTP_MODEL, groups: "each_group", parts: [{ value: "tutored", label: "Total" }], publish: "rows" },
  {
    id: "routes",
    breakdown: "route",
    ...NTP_MODEL,
    groups: "whole_cohort",
    column: "route",
    reference: "school_led",
    parts: [
      { value: "tuition_partner", label: "Tuition partner" },
      { value: "academic_mentor", label: "Academic mentor" },
      { value: "school_led", label: "School-led tutoring" },
    ],
    publish: "rows",
  },
  {
    id: "group_sizes",
    breakdown: "group_size",
    ...NTP_MODEL,
    groups: "whole_cohort",
    column: "group_size",
    reference: "3",
    parts: [
      { value: "1", label: "One-to-one" },
      { value: "2", label: "Two pupils" },
      { value: "3", label: "Three pupils" },
      { value: "4+", label: "Four or more pupils" },
    ],
    publish: "rows",
  },
  {
    // measures.md §3 "Dose", named as the 2009 return's columns (b_full ...)
    id: "dose",
    breakdown: "total",
    ...NTP_MODEL,
    groups: "each_group",
    column: "place",
    parts: [
      { value: "full", label: "Full place" },
      { value: "partial", label: "Partial place" },
    ],
    publish: "columns",
    columns: {
      full: { n: "n_full", b: "b_full", se: "se_full", ciLow: "ci_full_low", ciHigh: "ci_full_high" },
      partial: { n: "n_partial", b: "b_partial", se: "se_partial", ciLow: "ci_partial_low", ciHigh: "ci_partial_high" },
    },
  },
];

/** A model published as rows whose parts, if any, are routes or group sizes. */
export type NtpRowModel = NtpImpactModel & { publish: "rows"; column?: "route" | "group_size" };
/** The models of `tutored` published as rows (whole, routes, group sizes): what the planted-effect and oracle tests fit. */
export const NTP_IMPACT_ROW_MODELS: NtpRowModel[] = NTP_IMPACT_MODELS.filter((m): m is NtpRowModel => m.publish === "rows" && m.column !== "place");

/**
 * A §5 breakdown of the ntp profile: each group is a model of its own over its pupils. `sql` gives
 * a pupil's group as an SQL expression over a row of ntp_impact_pupils (ntp_impact_pupils.sql;
 * NULL: in no group of the breakdown, e.g. a blank SEN code), which ntp-sums.ts repeats each
 * pupil over. `concern`: the group whose row carries the gap (group of concern minus the other,
 * measures.md §5) of a two-valued breakdown. FSM is replaced by disadvantage (programmes.md §1);
 * prior attainment is the baseline against the expected standard of its own scale (§5 choice:
 * below / at or above).
 */
export interface NtpBreakdown {
  breakdown: string;
  labels: string[];
  sql: string;
  concern?: string;
}
/** An SQL expression: `label` where the boolean column is true, else `otherwise`. */
const flagLabel = (column: string, label: string, otherwise: string) => `case when ${column} then '${label}' else '${otherwise}' end`;
export const NTP_BREAKDOWNS: NtpBreakdown[] = [
  { breakdown: "total", labels: ["Total"], sql: "'Total'" },
  {
    breakdown: "disadvantage_status",
    labels: ["Disadvantaged", "Not known to be disadvantaged"],
    sql: flagLabel("disadvantaged", "Disadvantaged", "Not known to be disadvantaged"),
    concern: "Disadvantaged",
  },
  {
    breakdown: "cla_status",
    labels: ["Looked after", "Not looked after"],
    sql: flagLabel("cla", "Looked after", "Not looked after"),
    concern: "Looked after",
  },
  {
    breakdown: "first_language",
    labels: ["Known or believed to be English", "Known or believed to be other than English"],
    sql: flagLabel("eal", "Known or believed to be other than English", "Known or believed to be English"),
    concern: "Known or believed to be other than English",
  },
  { breakdown: "sex", labels: ["Female", "Male"], sql: flagLabel("female", "Female", "Male"), concern: "Male" },
  {
    breakdown: "sen_provision",
    labels: ["No SEN provision", "SEN support / SEN without an EHC plan", "Education, health and care plan"],
    sql: "sen_provision",
  },
  {
    breakdown: "ethnicity_major",
    labels: [
      "White",
      "Mixed / Multiple ethnic groups",
      "Asian / Asian British",
      "Black / African / Caribbean / Black British",
      "Other ethnic group",
      "Unknown",
    ],
    sql: "coalesce(ethnicity_major, 'Unknown')",
  },
  { breakdown: "key_stage", labels: ["Key stage 1", "Key stage 2", "Key stage 3", "Key stage 4"], sql: "'Key stage ' || key_stage" },
  {
    breakdown: "prior_attainment",
    labels: ["Below expected", "At or above expected"],
    sql: "case when baseline_at_expected then 'At or above expected' when not baseline_at_expected then 'Below expected' end",
  },
];

/** Every impact model of both programmes, by the run_context.programme that fits them. */
export const MODEL_MANIFEST = {
  one_to_one_2009: { models: IMPACT_MODELS, covariates: COVARIATES, breakdowns: IMPACT_BREAKDOWNS },
  ntp: { models: NTP_IMPACT_MODELS, covariates: NTP_COVARIATES, breakdowns: NTP_BREAKDOWNS, outcomes: OUTCOME_MEASURES },
} as const;
