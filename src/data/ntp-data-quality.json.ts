// Emits ntp-data-quality.json: the ntp Data quality page's figures (published_ntp_data_quality:
// programme-rule breaches and standardised-score ranges), the input files and how many rows of
// each file broke each rule: rule ids and counts only, never values, lines or messages.
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, quarantineRuleCounts, runLoader } from "./source.ts";

export const output = asJson(async (db) => ({
  ...(await ntpPageData(db, [{ mart: "ntp_data_quality" }])),
  rules: await quarantineRuleCounts(db),
}));

await runLoader(import.meta.url, output);
