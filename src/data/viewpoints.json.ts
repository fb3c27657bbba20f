// Emits viewpoints.json: the Viewpoints page's table (LA rows, latest year), with labels and
// provenance. Written comments are never in a published table.
import { pageData } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson((db) => pageData(db, [{ mart: "viewpoints" }]));

await runLoader(import.meta.url, output);
