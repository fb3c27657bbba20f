// Emits targeting.json: the Targeting page's tables (targeting, and any published table of
// entry reasons or allocation types) for the latest year, with labels and provenance.
import { martsMatching, pageData } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(async (db) => pageData(db, [{ mart: "targeting" }, ...(await martsMatching(db, /entry|reason|allocation_type/))]));

await runLoader(import.meta.url, output);
