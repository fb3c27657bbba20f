// Emits ntp-data-quality.json: the ntp Data quality page's figures (published_ntp_data_quality:
// programme-rule breaches and standardised-score ranges), the input files and how many rows of
// each file broke each rule: rule ids and counts only, never values, lines or messages.
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, jsonSafe, runLoader, tableExists } from "./source.ts";

export const output = asJson(async (db) => ({
  ...(await ntpPageData(db, [{ mart: "ntp_data_quality" }])),
  rules: (await tableExists(db, "quarantine"))
    ? jsonSafe(
        await db.all(
          `select dataset, file, rule, count(distinct line)::int as rows
             from quarantine group by dataset, file, rule order by dataset, rows desc, rule`,
        ),
      )
    : [],
}));

await runLoader(import.meta.url, output);
