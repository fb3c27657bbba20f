// Emits viewpoints.json: the Viewpoints page's table (LA rows, latest year), with labels and
// provenance. Written comments are never in a published table.
import { pageData } from "./page-data.ts";
import { emitJson } from "./source.ts";

await emitJson((db) => pageData(db, [{ mart: "viewpoints" }]));
