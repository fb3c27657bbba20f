// Emits delivery.json: the Delivery and value for money page's tables for the latest year,
// with labels and provenance.
import { pageData } from "./page-data.ts";
import { emitJson } from "./source.ts";

await emitJson((db) => pageData(db, [{ mart: "delivery" }, { mart: "value" }]));
