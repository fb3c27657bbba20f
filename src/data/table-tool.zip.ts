// Emits table-tool.zip, read by the table tool page (src/pages/table-tool.md): la.json (loaded
// with the page), schools-rows.json and one schools-<part>.json per published table with school
// rows (loaded only when the reader picks the schools data). What each holds: table-tool.ts.
// One loader and one database pass for every file; fixed member dates: the same database
// always gives the same bytes.
import type { Db } from "../../pipelines/core/db.ts";
import { zip } from "../../pipelines/export/zip.ts";
import { runLoader } from "./source.ts";
import { schoolNames } from "./school-names.ts";
import { readRunContext } from "../../pipelines/core/run-context.ts";
import { laData, SCHOOL_PARTS, schoolParts } from "./table-tool.ts";

export async function output(db: Db): Promise<Uint8Array> {
  // An ntp run's site has no table tool (its school tables are the ntp ones; pipelines/site/ntp-site.ts
  // leaves the page out): members that only let Framework build the page it then drops.
  if ((await readRunContext(db))?.programme === "ntp")
    return zip(
      ["la.json", "schools-rows.json", ...SCHOOL_PARTS.map((p) => `schools-${p}.json`)].map((name) => ({ name, data: Buffer.from("{}") })),
      new Date("1980-01-01T00:00:00Z"),
    );
  const { rows, parts } = await schoolParts(db);
  const all = await schoolNames(db);
  // Names of the schools that have rows here only (the return's schools file lists the same).
  const names: Record<string, string> = {};
  for (const urn of rows.schools as string[]) names[urn] = all[urn] ?? `School ${urn}`;
  const entries = [
    { name: "la.json", data: Buffer.from(JSON.stringify(await laData(db, names))) },
    { name: "schools-rows.json", data: Buffer.from(JSON.stringify(rows)) },
    ...Object.entries(parts).map(([part, values]) => ({ name: `schools-${part}.json`, data: Buffer.from(JSON.stringify(values)) })),
  ];
  return zip(entries, new Date("1980-01-01T00:00:00Z"));
}

await runLoader(import.meta.url, output);
