// URN → school name of every school the return's schools file publishes: published_schools, which
// the export step writes beside the other published_* tables (pipelines/export/published-schools.ts);
// the published marts carry URNs only.
import type { Db } from "../../pipelines/core/db.ts";
import { publishedRows } from "./source.ts";

export async function schoolNames(db: Db): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const r of await publishedRows(db, "schools")) names[String(r.urn)] = r.school_name as string;
  return names;
}
