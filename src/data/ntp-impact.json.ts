// Emits ntp-impact.json: the ntp impact page: every published impact row (route, group size and
// pupil groups; each outcome measure) with the differences and cost per point, and every other
// published ntp table with an outcome_measure column (attainment: tutees' and comparison pupils'
// results per measure), for the latest year, with labels, layout and provenance. A table the
// measures add later with an outcome_measure column appears on the page without a page edit.
import { ntpPageData } from "./ntp-page-data.ts";
import { publishedTablesWith } from "./site-catalogue.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(async (db) => {
  const byMeasure = (await publishedTablesWith(db, "outcome_measure"))
    .filter((t) => t.startsWith("published_ntp_") && t !== "published_ntp_impact")
    .map((t) => t.slice("published_".length));
  return ntpPageData(db, [{ mart: "ntp_impact" }, ...byMeasure.map((mart) => ({ mart }))]);
});

await runLoader(import.meta.url, output);
