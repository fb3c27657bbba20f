// The tables and views of the database the site is built from, with their columns, read once per
// open database. The site reads a finished run's database and writes nothing to it (read-only),
// so its catalogue cannot change while the loaders read it; asking information_schema about each
// table in turn was some 180 lookups of 2-5 ms in each site build (about 1 s of the demo site's
// 1.5 s of loader SQL, issue 18).
import type { Db } from "../../pipelines/core/db.ts";

const catalogues = new WeakMap<Db, Promise<Map<string, string[]>>>();

/** Every table and view of the database (any schema), each with its columns in order. */
function catalogueOf(db: Db): Promise<Map<string, string[]>> {
  let catalogue = catalogues.get(db);
  if (!catalogue) {
    catalogue = db
      .all<{ t: string; c: string }>("select table_name as t, column_name as c from information_schema.columns order by table_name, ordinal_position")
      .then((rows) => {
        const byTable = new Map<string, string[]>();
        for (const { t, c } of rows) {
          const columns = byTable.get(t);
          if (columns) columns.push(c);
          else byTable.set(t, [c]);
        }
        return byTable;
      });
    catalogues.set(db, catalogue);
  }
  return catalogue;
}

/** Whether the database has a table or view of this name. */
export async function hasTable(db: Db, name: string): Promise<boolean> {
  return (await catalogueOf(db)).has(name);
}

/** A table's columns in order ([] when there is no such table). */
export async function columnsOf(db: Db, table: string): Promise<string[]> {
  return (await catalogueOf(db)).get(table) ?? [];
}

/** The published tables (published_*) with every one of these columns, by name. */
export async function publishedTablesWith(db: Db, ...columns: string[]): Promise<string[]> {
  return [...(await catalogueOf(db))]
    .filter(([t, cs]) => t.startsWith("published_") && columns.every((c) => cs.includes(c)))
    .map(([t]) => t)
    .sort();
}
