// Emits ntp-value.json: the ntp value-for-money page: §14 cost, programme funding and school contribution, and cost per point of impact, for the latest year, with labels, layout and provenance.
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) =>
  ntpPageData(db, [{ mart: "ntp_cost" }, { mart: "ntp_impact", drop: ["n_excluded_unknown_covariate", "s_pooled", "se", "se_diff"] }]),
);

await runLoader(import.meta.url, output);
