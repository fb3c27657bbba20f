// The run context: what the SQL models need to know about the run, derived once from the
// validated settings (and two facts of the staged input) into one typed object and written to
// two tables every model reads: `run_context` (one row) and `run_las` (one row per LA of the
// run). It is the only channel by which settings reach SQL: values are bound parameters, never
// spliced into SQL text, so a setting cannot change what a query means, and a model shows what
// it depends on by naming these tables.
import type { Db } from "./db.ts";
import { START_SPLIT_HOURS } from "./ntp-rules.ts";
import type { Programme } from "./programme.ts";
import { programmeOf, type ResolvedSettings } from "./settings.ts";

export interface RunContext {
  /** Old LA codes of the run, in settings order (table run_las). */
  la_codes: string[];
  /** The run holds several LAs, so the marts add National rows (la_code 'National'). */
  several_las: boolean;
  /** Academic years analysed: settings.academic_years, else every year with a loaded tuition row. */
  academic_years: string[];
  tutor_hourly_rate_gbp: number;
  school_payment_per_place_gbp: number;
  /** Counts of pupils from 1 to threshold − 1 are suppressed (disclosure control reads it here). */
  suppression_threshold: number;
  programme: Programme;
  /** The run has session rows: without them hours, full places and costs are not available. */
  sessions_available: boolean;
  /** ntp: attended hours of a full place, settings.ntp.full_course_hours (programmes.md §2); null for the 2009 programme. */
  ntp_full_course_hours: number | null;
  /** ntp: census hours above which a pupil's row counts a second course start (§13, core/ntp-rules.ts); null for 2009. */
  ntp_start_split_hours: number | null;
}

/** The one definition of "several LAs": a run of two or more LAs also publishes National rows. */
export function severalLas(las: readonly unknown[]): boolean {
  return las.length >= 2;
}

/** The run context of these settings over the staged tables in `db` (stg_tuition, stg_sessions, where present). */
export async function runContextOf(db: Db, settings: ResolvedSettings): Promise<RunContext> {
  const years =
    settings.academic_years && settings.academic_years.length > 0
      ? [...settings.academic_years]
      : (await db.hasTable("stg_tuition"))
        ? (await db.all<{ y: string }>("select distinct academic_year as y from stg_tuition where academic_year is not null order by 1")).map((r) => r.y)
        : [];
  const sessions = (await db.hasTable("stg_sessions")) && (await db.one("select 1 as x from stg_sessions limit 1")) !== undefined;
  return {
    la_codes: settings.las.map((la) => la.old_code),
    several_las: severalLas(settings.las),
    academic_years: years,
    tutor_hourly_rate_gbp: settings.tutor_hourly_rate_gbp,
    school_payment_per_place_gbp: settings.school_payment_per_place_gbp,
    suppression_threshold: settings.suppression_threshold,
    programme: programmeOf(settings),
    sessions_available: sessions,
    ntp_full_course_hours: settings.ntp ? settings.ntp.full_course_hours : null,
    ntp_start_split_hours: settings.ntp ? START_SPLIT_HOURS : null,
  };
}

/** Writes run_context and run_las from the settings; returns the context written. */
export async function writeRunContext(db: Db, settings: ResolvedSettings): Promise<RunContext> {
  const context = await runContextOf(db, settings);
  await db.run(
    `create or replace table run_context as
     select ?::double as tutor_hourly_rate_gbp, ?::double as school_payment_per_place_gbp,
            ?::integer as suppression_threshold, ?::boolean as several_las,
            ?::boolean as sessions_available, from_json(?, '["VARCHAR"]') as academic_years,
            ?::varchar as programme /* one_to_one_2009 | ntp, programmes.md §1 */,
            ?::double as ntp_full_course_hours, ?::double as ntp_start_split_hours /* NULL unless ntp */`,
    [
      context.tutor_hourly_rate_gbp,
      context.school_payment_per_place_gbp,
      context.suppression_threshold,
      context.several_las,
      context.sessions_available,
      // as JSON: an empty list has no item type to bind by
      JSON.stringify(context.academic_years),
      context.programme,
      context.ntp_full_course_hours,
      context.ntp_start_split_hours,
    ],
  );
  await writeRunLas(db, settings);
  return context;
}

/**
 * run_las alone: the LA list depends on the settings only, so validate (which runs before the
 * staged tables the rest of the context is read from exist) writes it for its LA rules.
 */
export async function writeRunLas(db: Db, settings: ResolvedSettings): Promise<void> {
  const codes = settings.las.map((la) => la.old_code);
  await db.run("create or replace table run_las as select unnest(from_json(?, '[\"VARCHAR\"]')) as la_code", [JSON.stringify(codes)]);
}

/** The context the tables hold, or undefined when this database has none. */
export async function readRunContext(db: Db): Promise<RunContext | undefined> {
  if (!(await db.hasTable("run_context")) || !(await db.hasTable("run_las"))) return undefined;
  const row = await db.one<Omit<RunContext, "la_codes" | "academic_years"> & { academic_years: unknown }>("select * from run_context");
  if (!row) return undefined;
  const las = await db.all<{ la_code: string }>("select la_code from run_las");
  return {
    la_codes: las.map((r) => r.la_code),
    several_las: row.several_las,
    academic_years: listItems(row.academic_years),
    tutor_hourly_rate_gbp: Number(row.tutor_hourly_rate_gbp),
    school_payment_per_place_gbp: Number(row.school_payment_per_place_gbp),
    suppression_threshold: Number(row.suppression_threshold),
    programme: row.programme,
    sessions_available: row.sessions_available,
    ntp_full_course_hours: nullableNumber(row.ntp_full_course_hours),
    ntp_start_split_hours: nullableNumber(row.ntp_start_split_hours),
  };
}

/**
 * Each stage's entry point takes the settings and calls this, so a stage run on its own (a test,
 * a database built some other way) sees the same tables as in a run: the context is written when
 * the database has none or one that these settings and staged tables would not give (in a run,
 * written once after validation; every later stage finds it current).
 */
export async function ensureRunContext(db: Db, settings: ResolvedSettings): Promise<RunContext> {
  const wanted = await runContextOf(db, settings);
  const held = await readRunContext(db);
  if (held && JSON.stringify(held) === JSON.stringify(wanted)) return held;
  return writeRunContext(db, settings);
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function listItems(value: unknown): string[] {
  // DuckDB's node API returns a LIST as a DuckDBListValue (items) or, through db.all, a plain array
  if (Array.isArray(value)) return value.map(String);
  const items = (value as { items?: unknown[] } | null)?.items;
  return Array.isArray(items) ? items.map(String) : [];
}
