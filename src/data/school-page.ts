// What a school's page holds (schools.zip, one member per school; school-la.json, shared): the
// school's rows of every published table with school rows, latest year, whole school, key stage
// and questionnaire (respondent × item) rows. Pupil-characteristic breakdowns are left out: at
// one school they are nearly all suppressed, and they would make the site ~20 times larger.
import { ident, type Db, type Row } from "../../pipelines/core/db.ts";
import { latestPeriod } from "./page-data.ts";
import { columnsOf } from "./site-catalogue.ts";
import { jsonSafe } from "./source.ts";
import { schoolTables } from "./school-tables.ts";

export const PUPIL_BREAKDOWNS = ["fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major", "prior_attainment"];

/** Columns of the school tables (for their labels). */
export async function schoolColumns(db: Db): Promise<Set<string>> {
  const out = new Set<string>();
  for (const { table } of await schoolTables(db)) for (const c of await columnsOf(db, table)) out.add(c);
  return out;
}

/** urn → {mart: rows}: one pass per table, however many schools. */
export async function schoolRows(db: Db): Promise<Map<string, Record<string, Row[]>>> {
  const period = (await latestPeriod(db)) ?? "";
  const bySchool = new Map<string, Record<string, Row[]>>();
  for (const { table, hasBreakdown } of await schoolTables(db)) {
    const mart = table.slice("published_".length);
    const where = hasBreakdown ? ` and breakdown not in (${PUPIL_BREAKDOWNS.map(() => "?").join(", ")})` : "";
    const rows = jsonSafe(
      await db.all<Row & { urn: string }>(`select * from ${ident(table)} where urn is not null and time_period = ?${where} order by all`, [
        period,
        ...(hasBreakdown ? PUPIL_BREAKDOWNS : []),
      ]),
    );
    for (const row of rows) {
      const tables = bySchool.get(row.urn) ?? {};
      (tables[mart] ??= []).push(row);
      bySchool.set(row.urn, tables);
    }
  }
  return bySchool;
}

/**
 * The schools that get a page (schools/<urn>.html): every school with a row in a published
 * school table, any year; the build writes one copy of the school page for each.
 */
export async function schoolPageUrns(db: Db): Promise<string[]> {
  const tables = await schoolTables(db);
  if (!tables.length) return [];
  const union = tables.map((t) => `select urn from ${ident(t.table)} where urn is not null`).join(" union ");
  const rows = await db.all<{ urn: string }>(`select distinct urn from (${union}) order by urn`);
  return rows.map((r) => r.urn).filter((urn) => /^\d{6}$/.test(urn));
}
