// Emits school-la.json: what every school's page shares (one file, cached by the browser from
// one school's page to the next): the LA rows a school is compared against (whole-cohort
// progress, latest year), the labels of every figure a school's page may show, and the run's
// provenance. Each school's own rows are its member of schools.zip.
import { labelsOf, pageData } from "./page-data.ts";
import { schoolColumns } from "./school-page.ts";
import { emitJson } from "./source.ts";

await emitJson(async (db) => {
  const data = await pageData(db, [{ mart: "attainment", totalOnly: true }], { catalogue: false });
  const used = await schoolColumns(db);
  for (const rows of Object.values(data.tables)) for (const r of rows) for (const k of Object.keys(r)) used.add(k);
  return { ...data, catalogue: await labelsOf(db, used) };
});
