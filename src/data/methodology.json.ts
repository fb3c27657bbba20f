// Emits methodology.json: the footnotes (one row per x cell, with its reason) of every year,
// with the labels and topics of the figures they are about, and the run's provenance.
import { pageData } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) => pageData(db, [{ mart: "footnotes", allYears: true }]));

await runLoader(import.meta.url, output);
