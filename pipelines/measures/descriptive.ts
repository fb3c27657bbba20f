// The descriptive marts: attainment and progress (measures.md §6), targeting (§7) and the
// data-quality counts. Plain SQL models over the int_* tables that transform built; settings
// reach them through the run context (run_context, run_las: pipelines/core/run-context.ts).
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { defineGroupLabel } from "../transform/index.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

export const DESCRIPTIVE_MARTS = ["mart_attainment", "mart_targeting", "mart_data_quality"] as const;

export async function buildDescriptiveMarts(db: Db, settings: ResolvedSettings): Promise<void> {
  await ensureRunContext(db, settings);
  // the macro mart_attainment spreads its counts over the breakdowns by
  await defineGroupLabel(db);
  for (const mart of DESCRIPTIVE_MARTS) {
    try {
      await db.runFile(join(SQL_DIR, `${mart}.sql`));
    } catch (e) {
      throw new Error(`Measures model ${mart} (pipelines/measures/sql/${mart}.sql) failed: ${(e as Error).message}`);
    }
  }
}
