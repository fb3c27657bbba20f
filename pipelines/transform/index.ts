// Transform: builds every int_* table from stg_* by running the SQL models of ./sql in
// dependency order. Settings reach SQL through the run context (run_context, run_las:
// pipelines/core/run-context.ts), never spliced into the SQL text.
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

/** The models in the order they depend on each other. */
export const TRANSFORM_MODELS = [
  "int_ethnicity_groups",
  "int_group_labels",
  "int_pupils",
  "int_results",
  "int_scores",
  "int_places",
  "int_programme_places",
  "int_anchors",
  "int_analysis_pupils",
  "int_pupil_groups",
  "int_eligible_untutored",
] as const;

/**
 * The staged tables a run may lack (validate builds every stg_* table, empty where an optional
 * input is absent; a test fixture built without validate may have none of them): the optional
 * inputs (inputs.md: sessions, viewpoints and allocations may be absent) and the refused-tuition
 * list. Where one is missing, an empty temp table with stg_*.sql's columns stands in, so the
 * transform and the marts run; with no session rows at all, hours, full place and cost are NULL
 * (not available).
 */
const OPTIONAL_STAGING: Record<string, string> = {
  stg_sessions: "tuition_id VARCHAR, session_date DATE, minutes INTEGER, in_school_day BOOLEAN, attended BOOLEAN, _file VARCHAR, _line INTEGER",
  stg_viewpoints:
    "response_id VARCHAR, tuition_id VARCHAR, respondent VARCHAR, stage VARCHAR, item VARCHAR, response INTEGER, comment VARCHAR, _file VARCHAR, _line INTEGER",
  stg_allocations:
    "academic_year VARCHAR, la_code VARCHAR, urn VARCHAR, key_stage INTEGER, subject VARCHAR, places INTEGER, funding_gbp DOUBLE, _file VARCHAR, _line INTEGER",
  stg_tuition_refused: "upn VARCHAR, academic_year VARCHAR, subject VARCHAR",
};

export type TransformModel = (typeof TRANSFORM_MODELS)[number];

export async function transform(db: Db, settings: ResolvedSettings): Promise<void> {
  await runTransformModels(db, settings, TRANSFORM_MODELS);
}

/**
 * Runs the given models, in the order given, after the run context and the optional staging.
 * transform() runs them all; a test that builds the tables a model reads by hand runs that one.
 */
export async function runTransformModels(db: Db, settings: ResolvedSettings, models: readonly TransformModel[]): Promise<void> {
  await ensureRunContext(db, settings);
  await createOptionalStaging(db);
  await defineGroupLabel(db);
  await runModelFiles(db, models);
}

/** group_label_of, the breakdowns' rule (sql/group_label.sql): a temp macro, so each stage that reads it defines it. */
export async function defineGroupLabel(db: Db): Promise<void> {
  await db.runFile(join(SQL_DIR, "group_label.sql"));
}

/** Runs each model's pipelines/transform/sql/<model>.sql in the order given, naming the model that fails. */
export async function runModelFiles(db: Db, models: readonly string[]): Promise<void> {
  for (const model of models) {
    try {
      await db.runFile(join(SQL_DIR, `${model}.sql`));
    } catch (e) {
      throw new Error(`Transform model ${model} (pipelines/transform/sql/${model}.sql) failed: ${(e as Error).message}`);
    }
  }
}

/** Empty stand-ins for the staged tables of OPTIONAL_STAGING that this database lacks. */
export async function createOptionalStaging(db: Db): Promise<void> {
  for (const [table, columns] of Object.entries(OPTIONAL_STAGING)) {
    if (!(await db.hasTable(table))) await db.run(`create or replace temp table ${table} (${columns})`);
  }
}
