// Emits schools.zip: one member <urn>.json per school with its rows of every published table
// ({"urn": ..., "tables": {"school_progress": [...], ...}}), read by the page schools/[urn].md.
// Pupil-characteristic breakdowns are left out (at one school they are nearly all suppressed,
// and they would make the site ~20 times larger); whole-school, key-stage and questionnaire
// (respondent × item) rows are kept.
// One loader for all schools: one process and one pass per table, however many schools
// (a loader per school would start ~600 processes in the largest LAs).
import { ident } from "../../pipelines/core/db.ts";
import { zip } from "../../pipelines/export/zip.ts";
import { jsonSafe, openDatabase } from "./source.ts";
import { schoolTables } from "./school-tables.ts";

const PUPIL_BREAKDOWNS = ["fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major"];

const db = await openDatabase();
try {
  const bySchool = new Map<string, Record<string, unknown[]>>();
  for (const { table, hasBreakdown } of await schoolTables(db)) {
    const mart = table.slice("published_".length);
    const where = hasBreakdown ? ` and breakdown not in (${PUPIL_BREAKDOWNS.map(() => "?").join(", ")})` : "";
    const rows = jsonSafe(
      await db.all<{ urn: string }>(`select * from ${ident(table)} where urn is not null${where} order by all`, hasBreakdown ? PUPIL_BREAKDOWNS : []),
    );
    for (const row of rows) {
      const tables = bySchool.get(row.urn) ?? {};
      (tables[mart] ??= []).push(row);
      bySchool.set(row.urn, tables);
    }
  }
  // Fixed member dates and order: the same database always gives the same bytes.
  const members = [...bySchool].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const entries = members.map(([urn, tables]) => ({ name: `${urn}.json`, data: Buffer.from(JSON.stringify({ urn, tables })) }));
  process.stdout.write(zip(entries, new Date("1980-01-01T00:00:00Z")));
} finally {
  db.close();
}
