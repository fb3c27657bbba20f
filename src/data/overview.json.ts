// Emits overview.json: what the overview (src/index.md) shows and nothing else: whole-cohort
// impact of every year (headline and trend), delivery and value, with the run's provenance.
import { pageData } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) =>
  pageData(
    db,
    [
      { mart: "impact", allYears: true, totalOnly: true },
      // every year too: the overview's headline figures per year side by side (issue 19 item 4)
      { mart: "delivery", allYears: true, totalOnly: true },
      { mart: "value", allYears: true, totalOnly: true },
      // strength of evidence beside the headline (issue 19 item 5): its figures and the matched estimate
      { mart: "evidence", totalOnly: true },
      { mart: "matched", totalOnly: true },
    ],
    { catalogue: false },
  ),
);

await runLoader(import.meta.url, output);
