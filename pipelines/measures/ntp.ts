// The National Tutoring Programme's delivery and cost marts (programmes.md §3 §13–§14):
// SQL models over the staged tuition, sessions, schools, pupils and allocations. The rules'
// parameters are not restated in SQL: the subsidy table (after the settings' overrides), the
// cap of each school phase and the routes' default hourly costs come from core/ntp-rules.ts
// and the resolved settings, written here as small rule tables; the run's LAs and years,
// "several LAs", the full-place hours and the 16-hour split of a start the SQL reads from the
// run context (run_context, run_las: core/run-context.ts), as every model does.
import { listValue } from "@duckdb/node-api";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../core/db.ts";
import { capFor, NTP_YEARS, ROUTES, subsidyCell } from "../core/ntp-rules.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "sql");

/** In dependency order: the two marts read int_ntp_courses, int_ntp_pupil_rows and int_ntp_places. */
export const NTP_MARTS = ["int_ntp_courses", "mart_ntp_delivery", "mart_ntp_cost"] as const;

/** Builds mart_ntp_delivery (§13) and mart_ntp_cost (§14). Only for a run whose programme is ntp. */
export async function buildNtpMarts(db: Db, settings: ResolvedSettings): Promise<void> {
  if (!settings.ntp)
    throw new Error('The NTP delivery and cost marts were asked for, but the run\'s settings have no ntp block: they are built only when programme is "ntp"');
  // Hours, starts and billed cost are all made of session minutes: without them every figure would read 0.
  const sessions = (await tableExists(db, "stg_sessions")) ? await db.one<{ n: number }>(`select count(*)::INTEGER as n from stg_sessions`) : undefined;
  if (!sessions?.n)
    throw new Error(
      "The NTP delivery and cost measures (course starts, hours, cost, programme funding) are made of session minutes, but the run has no sessions.csv rows: add the sessions file",
    );
  await ensureRunContext(db, settings);
  await writeNtpRuleTables(db, settings);
  for (const mart of NTP_MARTS) await db.runFile(join(SQL_DIR, `${mart}.sql`));
}

/**
 * mart_ntp_data_quality (§2): the programme-rule breaches validate listed and the pupil premium
 * flag beside disadvantaged, per subject. After buildNtpMarts (it reads int_ntp_courses), in a
 * run whose validate made programme_breaches.
 */
export async function buildNtpDataQualityMart(db: Db): Promise<void> {
  if (!(await tableExists(db, "programme_breaches")))
    throw new Error("The NTP data-quality mart reads validate's programme_breaches, which this database lacks: validate an ntp folder first");
  await db.runFile(join(SQL_DIR, "mart_ntp_data_quality.sql"));
}

/** mart_ntp_practice (§7–§8): tutees disadvantaged, hours by tutor type and by trained tutors. After buildNtpMarts (it reads int_ntp_courses). */
export async function buildNtpPracticeMart(db: Db): Promise<void> {
  await db.runFile(join(SQL_DIR, "mart_ntp_practice.sql"));
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

async function tableExists(db: Db, table: string): Promise<boolean> {
  return (await db.one(`select 1 as x from information_schema.tables where table_name = ?`, [table])) !== undefined;
}
