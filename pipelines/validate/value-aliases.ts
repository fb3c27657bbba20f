// value_aliases (settings.json): raw values an LA's exports write in words, read as the
// contract's codes before any rule runs. Validation reads aliased_<dataset>, a view of
// raw_<dataset> with the aliases applied (raw_* stay the record of what the files said), and
// every alias used is recorded in value_aliases_applied for the data-quality report.
// Matching: the value as read (already trimmed by ingest) equals the alias ignoring case.
import { ident, literal, type Db } from "../core/db.ts";
import { programmeOf, SettingsError, type ResolvedSettings } from "../core/settings.ts";
import { columnsOf, DATASETS, RAW_COLUMNS } from "../ingest/datasets.ts";
import { codedColumn, codedColumns } from "./codes.ts";

/** Refuses an alias that names no coded column, maps a blank, or maps to a value the column refuses. */
export function checkValueAliases(settings: ResolvedSettings): void {
  const problems: string[] = [];
  const programme = programmeOf(settings);
  for (const [dataset, columns] of Object.entries(settings.value_aliases)) {
    if (!(DATASETS as readonly string[]).includes(dataset)) {
      problems.push(`value_aliases.${dataset}: not a dataset (${DATASETS.join(", ")})`);
      continue;
    }
    for (const [column, map] of Object.entries(columns)) {
      const col = codedColumn(dataset, column, programme);
      if (!col) {
        const coded = codedColumns(programme)
          .filter((c) => c.dataset === dataset)
          .map((c) => c.column);
        const what = columnsOf(dataset as (typeof DATASETS)[number], programme).includes(column) ? "not a coded column" : "not a column";
        problems.push(`value_aliases.${dataset}.${column}: ${what} of ${dataset}; the coded columns are ${coded.join(", ")}`);
        continue;
      }
      const seen = new Map<string, string>();
      for (const [raw, code] of Object.entries(map)) {
        const key = raw.trim().toLowerCase();
        const where = `value_aliases.${dataset}.${column}."${raw}"`;
        if (!key) problems.push(`${where}: a blank value cannot be given a code`);
        else if (!col.valid(code.trim())) problems.push(`${where}: "${code}" is not a value ${dataset}.${column} accepts (${col.expect})`);
        else if (seen.has(key) && seen.get(key) !== code)
          problems.push(`${where}: given two codes (${seen.get(key)} and ${code}); matching ignores case, so keep one`);
        seen.set(key, code);
      }
    }
  }
  if (problems.length) throw new SettingsError(`settings.json is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** The aliases of one dataset's column, keyed by the lower-case raw value (last one wins, as checked above). */
function aliasesOf(settings: ResolvedSettings, dataset: string, column: string): [string, string, string][] {
  const map = settings.value_aliases[dataset]?.[column] ?? {};
  const byKey = new Map(Object.entries(map).map(([raw, code]) => [raw.trim().toLowerCase(), [raw, code.trim()]]));
  return [...byKey].map(([key, [raw, code]]) => [key, raw, code]);
}

/**
 * Creates aliased_<dataset> for every dataset, and value_aliases_applied(dataset, file, column,
 * raw_value, code, rows): one row per alias in the settings, with the rows it matched (0 when
 * it matched none, so a misspelt alias shows).
 */
export async function applyValueAliases(db: Db, settings: ResolvedSettings): Promise<void> {
  await db.run(
    `create or replace table value_aliases_applied (dataset VARCHAR, file VARCHAR, "column" VARCHAR, raw_value VARCHAR, code VARCHAR, rows INTEGER)`,
  );
  for (const dataset of DATASETS) {
    // Every raw column, the ntp profile's too (NULL in a 2009 folder), so the SQL of validate is one set of files.
    const select = RAW_COLUMNS[dataset].map((column) => {
      const aliases = aliasesOf(settings, dataset, column);
      if (aliases.length === 0) return ident(column);
      const whens = aliases.map(([key, , code]) => `when ${literal(key)} then ${literal(code)}`).join(" ");
      return `case lower(${ident(column)}) ${whens} else ${ident(column)} end as ${ident(column)}`;
    });
    await db.run(`create or replace temp view ${ident(`aliased_${dataset}`)} as
      select ${select.join(", ")}, _overflow, _file, _line from ${ident(`raw_${dataset}`)}`);
    for (const column of RAW_COLUMNS[dataset]) {
      const aliases = aliasesOf(settings, dataset, column);
      if (aliases.length === 0) continue;
      // One scan per aliased column, counting only the values that have an alias.
      await db.run(
        `insert into value_aliases_applied
         with aliases as (select * from (values ${aliases.map(([key, raw, code]) => `(${literal(key)}, ${literal(raw)}, ${literal(code)})`).join(", ")}) a(k, raw_value, code)),
         counts as (select lower(${ident(column)}) as k, count(*)::INTEGER as n from ${ident(`raw_${dataset}`)}
                    where lower(${ident(column)}) in (select k from aliases) group by all),
         files as (select file from ingest_files where dataset = ${literal(dataset)})
         select ${literal(dataset)}, f.file, ${literal(column)}, a.raw_value, a.code, coalesce(c.n, 0)
         from aliases a cross join files f left join counts c using (k)`,
      );
    }
  }
}
