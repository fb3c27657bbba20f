// Emits catalogue.json: indicator_catalogue (label, unit, dp, grouping of every published indicator).
import { emitJson, jsonSafe, tableExists } from "./source.ts";

await emitJson(async (db) =>
  (await tableExists(db, "indicator_catalogue")) ? jsonSafe(await db.all("select * from indicator_catalogue order by mart, indicator")) : [],
);
