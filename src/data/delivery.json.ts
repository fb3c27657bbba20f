// Emits delivery.json: the Delivery and value for money page's tables for the latest year,
// with labels and provenance.
import { pageData } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) => pageData(db, [{ mart: "delivery" }, { mart: "value" }]));

await runLoader(import.meta.url, output);
