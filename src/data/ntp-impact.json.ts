// Emits ntp-impact.json: the ntp impact page: every published impact row (route, group size, disadvantage; each outcome measure), with the differences and cost per point, for the latest year, with labels, layout and provenance.
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) => ntpPageData(db, [{ mart: "ntp_impact" }]));

await runLoader(import.meta.url, output);
