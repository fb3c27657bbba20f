// Emits ntp-overview.json: the overview of an ntp run (src/ntp-overview.md): the whole-cohort impact per outcome measure and subject, delivery, cost and practice, for the latest year, with labels, layout and provenance.
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) =>
  ntpPageData(db, [
    { mart: "ntp_impact", totalOnly: true },
    { mart: "ntp_delivery", totalOnly: true },
    { mart: "ntp_cost", totalOnly: true },
    { mart: "ntp_practice", totalOnly: true },
  ]),
);

await runLoader(import.meta.url, output);
