// Emits schools.zip: one member <urn>.json per school with its rows of every published table
// ({"urn": ..., "tables": {"schools": [...], ...}}), read by the page schools/[urn].md.
// One loader for all schools: one process and one pass per table, however many schools
// (a loader per school would start ~600 processes in the largest LAs).
import JSZip from "jszip";
import { ident } from "../../pipelines/core/db.ts";
import { jsonSafe, openDatabase } from "./source.ts";
import { schoolTables } from "./school-tables.ts";

const db = await openDatabase();
try {
  const bySchool = new Map<string, Record<string, unknown[]>>();
  for (const { table } of await schoolTables(db)) {
    const mart = table.slice("published_".length);
    const rows = jsonSafe(await db.all<{ urn: string }>(`select * from ${ident(table)} where urn is not null order by urn`));
    for (const row of rows) {
      const tables = bySchool.get(row.urn) ?? {};
      (tables[mart] ??= []).push(row);
      bySchool.set(row.urn, tables);
    }
  }
  const zip = new JSZip();
  for (const [urn, tables] of bySchool) zip.file(`${urn}.json`, JSON.stringify({ urn, tables }));
  process.stdout.write(await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
} finally {
  db.close();
}
