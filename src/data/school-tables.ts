// Which published tables hold school rows (a `urn` column), shared by schools.json and schools.zip.
import type { Db } from "../../pipelines/core/db.ts";

export async function schoolTables(db: Db): Promise<{ table: string; hasBreakdown: boolean }[]> {
  const rows = await db.all<{ table_name: string; has_breakdown: boolean }>(
    `select table_name, bool_or(column_name = 'breakdown') as has_breakdown
       from information_schema.columns
      where table_name like 'published\\_%' escape '\\'
      group by table_name
     having bool_or(column_name = 'urn')
      order by table_name`,
  );
  return rows.map((r) => ({ table: r.table_name, hasBreakdown: r.has_breakdown }));
}
