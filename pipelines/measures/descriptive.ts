// The descriptive marts: attainment and progress (measures.md §6), targeting (§7) and the
// data-quality counts. Plain SQL models over the int_* tables that transform built; settings
// reach them through run_settings / run_las / run_years (pipelines/transform/index.ts).
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { writeRunSettings } from "../transform/index.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

export const DESCRIPTIVE_MARTS = ["mart_attainment", "mart_targeting", "mart_data_quality"] as const;

export async function buildDescriptiveMarts(db: Db, settings: ResolvedSettings): Promise<void> {
  // transform() wrote the run tables; a database built some other way gets them from settings.
  const found = await db.one(`select 1 as x from information_schema.tables where table_name = 'run_settings'`);
  if (!found) await writeRunSettings(db, settings);
  for (const mart of DESCRIPTIVE_MARTS) {
    try {
      await db.runFile(join(SQL_DIR, `${mart}.sql`));
    } catch (e) {
      throw new Error(`Measures model ${mart} (pipelines/measures/sql/${mart}.sql) failed: ${(e as Error).message}`);
    }
  }
}
