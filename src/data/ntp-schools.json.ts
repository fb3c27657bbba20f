// Emits ntp-schools.json: the ntp Schools page's data: each school's whole-school rows of the
// Department's NTP statistics and of cost (all routes, every subject), the names of those schools,
// and the run's provenance, labels and layout (src/data/ntp-page-data.ts).
import { ntpPageData } from "./ntp-page-data.ts";
import { schoolNames } from "./school-names.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(async (db) => {
  const data = await ntpPageData(db, [
    { mart: "ntp_delivery", schools: true, totalOnly: true, drop: ["total_schools", "total_schools_participating", "percentage_schools_participating"] },
    { mart: "ntp_cost", schools: true, totalOnly: true },
  ]);
  const all = await schoolNames(db);
  const names: Record<string, string> = {};
  for (const rows of Object.values(data.tables)) for (const r of rows) if (all[String(r.urn)]) names[String(r.urn)] = all[String(r.urn)];
  return { ...data, names };
});

await runLoader(import.meta.url, output);
