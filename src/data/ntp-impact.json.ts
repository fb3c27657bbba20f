// Emits ntp-impact.json: the ntp impact page: every published impact row (route, group size and
// pupil groups; each outcome measure) with the differences and cost per point, and every other
// published ntp table with an outcome_measure column (attainment: tutees' and comparison pupils'
// results per measure), for the latest year, with labels, layout and provenance. A table the
// measures add later with an outcome_measure column appears on the page without a page edit.
import { columnsOf } from "./page-data.ts";
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(async (db) => {
  const tables = await db.all<{ t: string }>(
    `select distinct table_name as t from information_schema.columns
      where table_name like 'published\\_ntp\\_%' escape '\\' and table_name <> 'published_ntp_impact' order by 1`,
  );
  const byMeasure: string[] = [];
  for (const { t } of tables) if ((await columnsOf(db, t)).includes("outcome_measure")) byMeasure.push(t.slice("published_".length));
  return ntpPageData(db, [{ mart: "ntp_impact" }, ...byMeasure.map((mart) => ({ mart }))]);
});

await runLoader(import.meta.url, output);
