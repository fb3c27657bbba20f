// Emits run.json: when the data was built, for which academic year(s) and LA(s), with which
// tool version, from run_info; where run_info is absent (older databases) the academic years
// come from the published tables and the build date is unknown.
import { emitJson, jsonSafe, tableExists } from "./source.ts";

await emitJson(async (db) => {
  if (await tableExists(db, "run_info")) {
    return { source: "run_info", ...(jsonSafe(await db.one("select * from run_info")) ?? {}) };
  }
  const years = await db.all<{ time_period: string }>(
    (await tableExists(db, "published_impact"))
      ? "select distinct time_period from published_impact order by time_period"
      : "select null::varchar as time_period where false",
  );
  return { source: "published tables", time_periods: years.map((y) => y.time_period) };
});
