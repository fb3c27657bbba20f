// Which published tables hold school rows (a `urn` column, and `time_period`: published_schools,
// the list of schools, is not one), shared by schools.json and schools.zip.
import type { Db } from "../../pipelines/core/db.ts";

export async function schoolTables(db: Db): Promise<{ table: string; hasBreakdown: boolean }[]> {
  const rows = await db.all<{ table_name: string; has_breakdown: boolean }>(
    `select table_name, bool_or(column_name = 'breakdown') as has_breakdown
       from information_schema.columns
      where table_name like 'published\\_%' escape '\\'
      group by table_name
     having bool_or(column_name = 'urn') and bool_or(column_name = 'time_period')
      order by table_name`,
  );
  return rows.map((r) => ({ table: r.table_name, hasBreakdown: r.has_breakdown }));
}
