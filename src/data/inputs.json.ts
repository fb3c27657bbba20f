// Emits inputs.json: one row per input file read, with rows read / loaded / quarantined and
// columns it had that the pipeline does not use (names only, never values).
import { emitJson, jsonSafe, tableExists } from "./source.ts";

await emitJson(async (db) => {
  if (!(await tableExists(db, "ingest_files"))) return [];
  const counts = await tableExists(db, "validate_counts");
  return jsonSafe(
    await db.all(
      counts
        ? `select f.dataset, f.file, f.format, f.encoding, f.bytes, f.sha256, f.rows_read,
                  v.rows_loaded, v.rows_quarantined, f.extra_columns
             from ingest_files f left join validate_counts v using (dataset, file)
            order by f.dataset`
        : `select dataset, file, format, encoding, bytes, sha256, rows_read,
                  null as rows_loaded, null as rows_quarantined, extra_columns
             from ingest_files order by dataset`,
    ),
  );
});
