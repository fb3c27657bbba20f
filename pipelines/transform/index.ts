// Transform: builds every int_* table from stg_* by running the SQL models of ./sql in
// dependency order. Settings reach SQL through small tables filled with bound parameters
// (run_settings, run_las, run_years), never spliced into the SQL text.
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { programmeOf, type ResolvedSettings } from "../core/settings.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

/** The models in the order they depend on each other. */
export const TRANSFORM_MODELS = [
  "int_ethnicity_groups",
  "int_group_labels",
  "int_pupils",
  "int_results",
  "int_scores",
  "int_places",
  "int_anchors",
  "int_analysis_pupils",
  "int_eligible_untutored",
] as const;

/**
 * Optional inputs (inputs.md: sessions may be absent) and the refused-tuition list: when
 * validate did not create them, empty temp tables with the contract's columns stand in, so the
 * models run; with no session rows at all, hours, full place and cost are NULL (not available).
 */
const OPTIONAL_STAGING: Record<string, string> = {
  stg_sessions:
    "tuition_id VARCHAR, session_date DATE, minutes INTEGER, in_school_day BOOLEAN, attended BOOLEAN, _file VARCHAR, _line INTEGER",
  stg_tuition_refused: "upn VARCHAR, academic_year VARCHAR, subject VARCHAR",
};

export async function transform(db: Db, settings: ResolvedSettings): Promise<void> {
  await writeRunSettings(db, settings);
  for (const model of TRANSFORM_MODELS) {
    try {
      await db.runFile(join(SQL_DIR, `${model}.sql`));
    } catch (e) {
      throw new Error(`Transform model ${model} (pipelines/transform/sql/${model}.sql) failed: ${(e as Error).message}`);
    }
  }
}

async function createOptionalStaging(db: Db): Promise<void> {
  for (const [table, columns] of Object.entries(OPTIONAL_STAGING)) {
    const found = await db.one(`select 1 as x from information_schema.tables where table_name = ?`, [table]);
    if (!found) await db.run(`create or replace temp table ${table} (${columns})`);
  }
}

/** run_settings (one row), run_las (LA codes analysed), run_years (academic years analysed). */
export async function writeRunSettings(db: Db, settings: ResolvedSettings): Promise<void> {
  await createOptionalStaging(db);
  await db.run(
    `create or replace table run_settings as
     select ?::double as tutor_hourly_rate_gbp, ?::double as school_payment_per_place_gbp,
            ?::integer as suppression_threshold, ?::boolean as several_las,
            exists (select 1 from stg_sessions) as sessions_available,
            ?::varchar as programme /* one_to_one_2009 | ntp, programmes.md §1 */`,
    [settings.tutor_hourly_rate_gbp, settings.school_payment_per_place_gbp, settings.suppression_threshold, settings.las.length >= 2, programmeOf(settings)],
  );
  await db.run(`create or replace table run_las (la_code VARCHAR)`);
  for (const la of settings.las) await db.run(`insert into run_las values (?)`, [la.old_code]);
  await db.run(`create or replace table run_years (academic_year VARCHAR)`);
  if (settings.academic_years && settings.academic_years.length > 0) {
    for (const year of settings.academic_years) await db.run(`insert into run_years values (?)`, [year]);
  } else {
    // Default (settings.ts): every year that has tuition.
    await db.run(`insert into run_years select distinct academic_year from stg_tuition order by 1`);
  }
}
