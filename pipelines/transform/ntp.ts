// Transform, ntp profile (programmes.md §3): the intermediate models an ntp run's marts read,
// built once from stg_* in the transform stage, as index.ts builds the 2009 profile's. The rules'
// parameters are not restated in SQL: the subsidy table (after the settings' overrides), the cap
// of each school phase and the routes' default hourly costs come from core/ntp-rules.ts and the
// resolved settings, written here as small rule tables; one-value settings (the run's LAs and
// years, full-place hours, the 16-hour split of a start) the SQL reads from the run context.
import { listValue } from "@duckdb/node-api";
import type { Db } from "../core/db.ts";
import { capFor, NTP_YEARS, ROUTES, subsidyCell } from "../core/ntp-rules.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { runModelFiles } from "./index.ts";

/**
 * In dependency order. int_ntp_courses also builds int_ntp_places and int_ntp_pupil_rows (the
 * delivery and cost marts read them); int_ntp_analysis_pupils needs int_ethnicity_groups (the
 * GSS groups' rules, shared with the 2009 transform); int_ntp_place_costs reads int_ntp_courses.
 */
export const NTP_TRANSFORM_MODELS = ["int_ethnicity_groups", "int_ntp_courses", "int_ntp_analysis_pupils", "int_ntp_place_costs"] as const;

export type NtpTransformModel = (typeof NTP_TRANSFORM_MODELS)[number];

/**
 * Builds the ntp int_* tables (temp tables: scratch of this run, not kept in its database): all of
 * them in a run; a test that makes the staged tables a model reads by hand runs just that one.
 */
export async function transformNtp(db: Db, settings: ResolvedSettings, models: readonly NtpTransformModel[] = NTP_TRANSFORM_MODELS): Promise<void> {
  if (!settings.ntp) throw new Error('The ntp transform was asked for, but the run\'s settings have no ntp block: it runs only when programme is "ntp"');
  // Hours, starts, billed cost and a tutee's place cost are all made of session minutes: without
  // them every such figure would read 0.
  const sessions = (await db.hasTable("stg_sessions")) ? await db.one<{ n: number }>(`select count(*)::INTEGER as n from stg_sessions`) : undefined;
  if (!sessions?.n)
    throw new Error(
      "The NTP delivery and cost measures (course starts, hours, cost, programme funding) are made of session minutes, but the run has no sessions.csv rows: add the sessions file",
    );
  await ensureRunContext(db, settings);
  await writeNtpRuleTables(db, settings);
  await runModelFiles(db, models);
}

/**
 * ntp_subsidy (year × route cell after overrides), ntp_route_costs (default cost of a
 * tutor-hour per route) and ntp_phase_caps (cap per pupil-hour of each school phase present):
 * the rule tables int_ntp_courses joins course by course. One-value settings are in run_context.
 */
export async function writeNtpRuleTables(db: Db, settings: ResolvedSettings): Promise<void> {
  const ntp = settings.ntp!;
  const cells = NTP_YEARS.flatMap((year) => ROUTES.map((route) => ({ year, route, ...subsidyCell(year, route, ntp.subsidy_share) })));
  await db.run(
    `create or replace temp table ntp_subsidy as
     select unnest(?::varchar[]) as academic_year, unnest(?::varchar[]) as route, unnest(?::double[]) as share, unnest(?::boolean[]) as capped`,
    [listValue(cells.map((c) => c.year)), listValue(cells.map((c) => c.route)), listValue(cells.map((c) => c.share)), listValue(cells.map((c) => c.capped))],
  );
  await db.run(
    `create or replace temp table ntp_route_costs as
     select unnest(?::varchar[]) as route, unnest(?::double[]) as default_hourly_cost_gbp`,
    [listValue([...ROUTES]), listValue(ROUTES.map((r) => ntp.hourly_cost_gbp[r]))],
  );
  // capFor decides which phases earn the higher cap; it is asked of each phase the schools file has.
  const phases = (await db.all<{ phase: string }>(`select distinct phase from stg_schools where phase is not null order by phase`)).map((r) => r.phase);
  await db.run(
    `create or replace temp table ntp_phase_caps as
     select unnest(?::varchar[]) as phase, unnest(?::double[]) as cap_gbp`,
    [listValue(phases), listValue(phases.map(capFor))],
  );
}

/** Refuses a mart build whose transform did not run, naming the table and what builds it. */
export async function requireNtpTransform(db: Db, table: NtpTransformModel, what: string): Promise<void> {
  if (!(await db.hasTable(table)))
    throw new Error(`${what} reads ${table}, which this database lacks: run the ntp transform first (transformNtp, pipelines/transform/ntp.ts)`);
}
