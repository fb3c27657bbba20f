// Emits school-la.json: what every school's page shares (one file, cached by the browser from
// one school's page to the next): the LA rows a school is compared against (whole-cohort
// progress, latest year), the labels of every figure a school's page may show, and the run's
// provenance. Each school's own rows are its member of schools.zip.
import { labelsOf, pageData } from "./page-data.ts";
import { schoolColumns } from "./school-page.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(async (db) => {
  const data = await pageData(
    db,
    [
      { mart: "attainment", totalOnly: true },
      // The LA's delivery figures, beside the school's in the SIP's questions (issue 17).
      { mart: "delivery", totalOnly: true },
      // Every school's point of the funnel, so a school's page can mark it among the others; only
      // what the funnel draws, and only schools with figures (an all-c row is not plotted).
      {
        mart: "school_progress",
        schools: true,
        totalOnly: true,
        drop: ["adj_mean_progress", "adjusted_ci_low", "adjusted_ci_high", "funnel_95_low", "funnel_998_low", "funnel_998_high"],
      },
    ],
    { catalogue: false },
  );
  data.tables.school_progress = data.tables.school_progress.filter((r) => !["c", "x", "z"].includes(String(r.adjusted_progress)));
  const used = await schoolColumns(db);
  for (const rows of Object.values(data.tables)) for (const r of rows) for (const k of Object.keys(r)) used.add(k);
  return { ...data, catalogue: await labelsOf(db, used) };
});

await runLoader(import.meta.url, output);
