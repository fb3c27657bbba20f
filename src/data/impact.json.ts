// Emits impact.json: the Impact by group page's tables (impact, progress, gaps, balance,
// matching) for the latest year, with their labels and the run's provenance.
import { pageData } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) =>
  pageData(
    db,
    ["impact", "attainment", "gaps", "balance", "matched"].map((mart) => ({ mart })),
  ),
);

await runLoader(import.meta.url, output);
