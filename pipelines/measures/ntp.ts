// The National Tutoring Programme's delivery and cost marts (programmes.md §3 §13–§14):
// SQL models over the ntp transform's courses (int_ntp_courses, int_ntp_places,
// int_ntp_pupil_rows: pipelines/transform/ntp.ts, which also writes the rules' tables) and the
// run context (run_context, run_las: core/run-context.ts), as every model reads it.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { requireNtpTransform } from "../transform/ntp.ts";

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "sql");

/** In dependency order: both read int_ntp_courses, int_ntp_pupil_rows and int_ntp_places. */
export const NTP_MARTS = ["mart_ntp_delivery", "mart_ntp_cost"] as const;

/** Builds mart_ntp_delivery (§13) and mart_ntp_cost (§14). Only for a run whose programme is ntp, after transformNtp. */
export async function buildNtpMarts(db: Db, settings: ResolvedSettings): Promise<void> {
  if (!settings.ntp)
    throw new Error('The NTP delivery and cost marts were asked for, but the run\'s settings have no ntp block: they are built only when programme is "ntp"');
  await requireNtpTransform(db, "int_ntp_courses", "The NTP delivery and cost marts");
  await ensureRunContext(db, settings);
  for (const mart of NTP_MARTS) await db.runFile(join(SQL_DIR, `${mart}.sql`));
}

/**
 * mart_ntp_data_quality (§2): the programme-rule breaches validate listed and the pupil premium
 * flag beside disadvantaged, per subject. After transformNtp (it reads int_ntp_courses), in a
 * run whose validate made programme_breaches.
 */
export async function buildNtpDataQualityMart(db: Db): Promise<void> {
  if (!(await db.hasTable("programme_breaches")))
    throw new Error("The NTP data-quality mart reads validate's programme_breaches, which this database lacks: validate an ntp folder first");
  await db.runFile(join(SQL_DIR, "mart_ntp_data_quality.sql"));
}

/** mart_ntp_practice (§7–§8): tutees disadvantaged, hours by tutor type and by trained tutors. After transformNtp (it reads int_ntp_courses). */
export async function buildNtpPracticeMart(db: Db): Promise<void> {
  await db.runFile(join(SQL_DIR, "mart_ntp_practice.sql"));
}
