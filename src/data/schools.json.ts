// Emits schools.json: the school rows (whole cohort, no breakdown) of the school comparisons
// (published_school_progress), keyed by mart name, for the Schools page's table and funnel
// plot. Other school figures are on each school's page (schools.zip), keeping this file small.
import { emitJson, jsonSafe } from "./source.ts";
import { ident } from "../../pipelines/core/db.ts";
import { schoolTables } from "./school-tables.ts";

await emitJson(async (db) => {
  const out: Record<string, unknown[]> = {};
  for (const { table, hasBreakdown } of (await schoolTables(db)).filter((t) => t.table === "published_school_progress")) {
    const where = hasBreakdown ? " and breakdown = 'total'" : "";
    out[table.slice("published_".length)] = jsonSafe(
      await db.all(`select * from ${ident(table)} where urn is not null${where} order by urn`),
    );
  }
  return out;
});
