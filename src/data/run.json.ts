// Emits run.json: when the data was built, for which academic year(s) and LA(s), with which
// tool version (run_info, written by pipelines/run.ts). Only these fields: run_info also holds
// the settings, of which the site needs the LA codes alone. Where run_info is absent (older
// databases) the academic years come from the published tables and the build date is unknown.
import { emitJson, jsonSafe, tableExists } from "./source.ts";

interface RunInfo {
  tool_version?: string;
  build_date?: string;
  settings?: string;
  academic_years?: string[];
  la_names?: string[];
  run_at?: string;
}

await emitJson(async (db) => {
  if (await tableExists(db, "run_info")) {
    const info = jsonSafe((await db.one<RunInfo & Record<string, unknown>>("select * from run_info")) ?? {}) as RunInfo;
    let laCodes: string[] = [];
    try {
      const settings = typeof info.settings === "string" ? JSON.parse(info.settings) : info.settings;
      laCodes = (settings?.las ?? (settings?.la ? [settings.la] : [])).map((l: { old_code: string }) => l.old_code);
    } catch {
      laCodes = [];
    }
    return {
      source: "run_info",
      tool_version: info.tool_version ?? null,
      build_date: info.build_date ?? null,
      run_at: info.run_at ?? null,
      academic_years: info.academic_years ?? [],
      la_names: info.la_names ?? [],
      la_codes: laCodes,
    };
  }
  const years = await db.all<{ time_period: string }>(
    (await tableExists(db, "published_impact"))
      ? "select distinct time_period from published_impact order by time_period"
      : "select null::varchar as time_period where false",
  );
  return { source: "published tables", time_periods: years.map((y) => y.time_period) };
});
