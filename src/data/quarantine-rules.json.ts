// Emits quarantine-rules.json: how many rows of each input file broke each validation rule.
// Rule ids and counts only: never the values, lines or messages (they can hold UPNs).
import { emitJson, jsonSafe, tableExists } from "./source.ts";

await emitJson(async (db) =>
  (await tableExists(db, "quarantine"))
    ? jsonSafe(
        await db.all(
          `select dataset, file, rule, count(distinct line)::int as rows
             from quarantine group by dataset, file, rule order by dataset, rows desc, rule`,
        ),
      )
    : [],
);
