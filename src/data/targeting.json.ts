// Emits targeting.json: the Targeting page's tables (targeting, and any published table of
// entry reasons or allocation types) for the latest year, with labels and provenance.
import { martsMatching, pageData } from "./page-data.ts";
import { emitJson } from "./source.ts";

await emitJson(async (db) => pageData(db, [{ mart: "targeting" }, ...(await martsMatching(db, /entry|reason|allocation_type/))]));
