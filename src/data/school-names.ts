// URN → school name, from the schools file of the return (school_urn, school_name): the
// published list of schools; the published_* tables carry URNs only.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../../pipelines/core/db.ts";
import { returnDir } from "./source.ts";

export async function schoolNames(dir = returnDir()): Promise<Record<string, string>> {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^impact_schools_.*\d\.csv$/.test(f)).map((f) => join(dir, f)) : [];
  const names: Record<string, string> = {};
  if (!files.length) return names;
  const db = await Db.open(":memory:");
  try {
    for (const file of files) {
      const rows = await db.all<{ urn: string; name: string }>(
        "select distinct school_urn as urn, school_name as name from read_csv(?, all_varchar = true) where school_urn is not null order by all",
        [file],
      );
      for (const r of rows) names[r.urn] = r.name;
    }
  } finally {
    db.close();
  }
  return names;
}
