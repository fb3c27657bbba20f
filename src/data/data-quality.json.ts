// Emits data-quality.json: the Data quality page's figures, the input files (rows read,
// loaded, quarantined) and how many rows of each file broke each rule: rule ids and counts
// only, never the values, lines or messages (they can hold UPNs).
import { pageData } from "./page-data.ts";
import { asJson, quarantineRuleCounts, runLoader } from "./source.ts";

export const output = asJson(async (db) => ({
  ...(await pageData(db, [{ mart: "data_quality" }])),
  rules: await quarantineRuleCounts(db),
}));

await runLoader(import.meta.url, output);
