// Emits schools.json: the Schools page's data: every school's whole-cohort comparison
// (published_school_progress, latest year) for its table and funnel plots, the names of those
// schools, and the run's provenance. The 99.8% limits are left out: the page draws those curves
// from the centre and the 95% limits (they are on each school's page and in the return).
import { pageData } from "./page-data.ts";
import { schoolNames } from "./school-names.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(async (db) => {
  const data = await pageData(db, [{ mart: "school_progress", schools: true, totalOnly: true, drop: ["funnel_998_low", "funnel_998_high"] }], {
    catalogue: false,
  });
  const all = await schoolNames(db);
  const names: Record<string, string> = {};
  for (const r of data.tables.school_progress) if (all[String(r.urn)]) names[String(r.urn)] = all[String(r.urn)];
  return { ...data, names };
});

await runLoader(import.meta.url, output);
