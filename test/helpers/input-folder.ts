// Shared by the tests that change a clean synthetic input folder, one copy per case: copy it,
// rewrite a CSV row by row, rewrite settings.json.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsv, toCsv } from "../../pipelines/export/csv.ts";

/** A fresh copy of the folder `clean`, under the system's temporary folder. */
export function copyFolder(clean: string, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  cpSync(clean, dir, { recursive: true });
  return dir;
}

/** Rewrites one CSV of a folder: `change` edits each data row (by column name) in place. Returns the rows changed. */
export function editCsv(dir: string, file: string, change: (row: Record<string, string>, index: number) => boolean | void): number {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, file), "utf8"));
  let changed = 0;
  const out = rows.map((values, i) => {
    const row = Object.fromEntries(header.map((h, j) => [h, values[j]]));
    if (change(row, i)) changed++;
    return header.map((h) => row[h]);
  });
  writeFileSync(join(dir, file), toCsv(header, out));
  return changed;
}

/** Rewrites a folder's settings.json through `change`. */
export function editSettings(dir: string, change: (s: Record<string, unknown>) => void): void {
  const path = join(dir, "settings.json");
  const s = JSON.parse(readFileSync(path, "utf8"));
  change(s);
  writeFileSync(path, JSON.stringify(s, null, 2));
}
