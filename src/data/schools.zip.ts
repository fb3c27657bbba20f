// Emits schools.zip: one member <urn>.json per school ({"urn", "name", "tables": {mart: {columns,
// rows}}}: each table compact, src/components/compact-rows.js), read by the school page
// src/schools/school.md; what the member holds is decided in school-page.ts. The site build
// publishes each member as _file/data/schools/<urn>.json (scripts/build-site.ts writeSchoolPages).
// One loader for all schools: one process and one pass per table, however many schools (a
// loader per school would start ~600 processes in the largest LAs). Latest year only, to keep
// each school's file small.
import type { Db } from "../../pipelines/core/db.ts";
import { zip } from "../../pipelines/export/zip.ts";
import { compactTable } from "../components/compact-rows.js";
import { runLoader } from "./source.ts";
import { schoolRows } from "./school-page.ts";
import { schoolNames } from "./school-names.ts";

export async function output(db: Db): Promise<Uint8Array> {
  const names = await schoolNames(db);
  const bySchool = await schoolRows(db);
  // Fixed member dates and order: the same database always gives the same bytes.
  const members = [...bySchool].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const entries = members.map(([urn, tables]) => ({
    name: `${urn}.json`,
    data: Buffer.from(
      JSON.stringify({ urn, name: names[urn] ?? null, tables: Object.fromEntries(Object.entries(tables).map(([mart, rows]) => [mart, compactTable(rows)])) }),
    ),
  }));
  return zip(entries, new Date("1980-01-01T00:00:00Z"));
}

await runLoader(import.meta.url, output);
