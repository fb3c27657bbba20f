// Types of compact-rows.js for the TypeScript loaders that import it (src/data/schools.zip.ts);
// the browser imports the .js itself.
export interface CompactTable {
  columns: string[];
  rows: unknown[][];
}
export function compactTable(objects: Record<string, unknown>[]): CompactTable;
export function expandTable(table: CompactTable): Record<string, unknown>[];
export function isCompactTable(v: unknown): v is CompactTable;
export function expandSchool<S extends { tables: Record<string, CompactTable> }>(
  school: S,
): Omit<S, "tables"> & { tables: Record<string, Record<string, unknown>[]> };
