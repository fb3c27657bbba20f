// Emits ntp-delivery.json: the ntp delivery page: the Department's NTP statistics (§13) and the tutor-type shares (§7–§8) by route, group size and subject, for the latest year, with labels, layout and provenance.
import { ntpPageData } from "./ntp-page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) => ntpPageData(db, [{ mart: "ntp_delivery" }, { mart: "ntp_practice" }]));

await runLoader(import.meta.url, output);
