// Emits published-la.json: the LA (and National) rows of every published_* table, keyed by
// mart name ({"impact": [...], "delivery": [...]}). School rows go to schools.json / schools.zip.
import { emitJson, jsonSafe } from "./source.ts";
import { ident } from "../../pipelines/core/db.ts";

await emitJson(async (db) => {
  const tables = await db.all<{ table_name: string; has_urn: boolean }>(
    `select table_name, bool_or(column_name = 'urn') as has_urn
       from information_schema.columns
      where table_name like 'published\\_%' escape '\\'
      group by table_name order by table_name`,
  );
  const out: Record<string, unknown[]> = {};
  for (const { table_name, has_urn } of tables) {
    const where = has_urn ? " where urn is null" : "";
    out[table_name.slice("published_".length)] = jsonSafe(await db.all(`select * from ${ident(table_name)}${where}`));
  }
  return out;
});
