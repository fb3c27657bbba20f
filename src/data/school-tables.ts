// Which published tables hold school rows (a `urn` column, and `time_period`: published_schools,
// the list of schools, is not one), shared by schools.json and schools.zip.
import type { Db } from "../../pipelines/core/db.ts";
import { columnsOf, publishedTablesWith } from "./site-catalogue.ts";

export async function schoolTables(db: Db): Promise<{ table: string; hasBreakdown: boolean }[]> {
  const tables = await publishedTablesWith(db, "urn", "time_period");
  return Promise.all(tables.map(async (table) => ({ table, hasBreakdown: (await columnsOf(db, table)).includes("breakdown") })));
}
