// Emits schools.json: the school rows (whole cohort, no breakdown) of every published table
// that has school rows, keyed by mart name, for the Schools page's table and funnel plot.
import { emitJson, jsonSafe } from "./source.ts";
import { ident } from "../../pipelines/core/db.ts";
import { schoolTables } from "./school-tables.ts";

await emitJson(async (db) => {
  const out: Record<string, unknown[]> = {};
  for (const { table, hasBreakdown } of await schoolTables(db)) {
    const where = hasBreakdown ? " and breakdown = 'total'" : "";
    out[table.slice("published_".length)] = jsonSafe(
      await db.all(`select * from ${ident(table)} where urn is not null${where} order by urn`),
    );
  }
  return out;
});
