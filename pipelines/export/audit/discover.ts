// What of a folder is a release, as published: the return's data files (with their .meta.csv),
// workbooks, data guidance, and a built site's data files and pages. The database and private/
// are never published, so never read; nor are Framework's own script bundles.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export interface ReleaseFiles {
  /** Return data files (impact_*.csv with a .meta.csv beside them): absolute paths. */
  data: { path: string; meta: string }[];
  workbooks: string[];
  guidance: string[];
  /** Site data (JSON under _file/) and pages (.html). */
  siteJson: string[];
  pages: string[];
  /** Every other text file that is published (aggregation CSVs, ...), scanned for identifiers. */
  otherText: string[];
}

const NEVER = new Set(["private", "node_modules", "_npm", "_node", "_observablehq", ".observablehq"]);

export function discover(root: string): ReleaseFiles {
  const found: ReleaseFiles = { data: [], workbooks: [], guidance: [], siteJson: [], pages: [], otherText: [] };
  const walk = (dir: string, underFile: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!NEVER.has(entry.name) && !entry.name.endsWith(".duckdb")) walk(path, underFile || entry.name === "_file");
        continue;
      }
      const name = entry.name;
      if (/\.duckdb(\.wal)?$/.test(name)) continue;
      if (/^impact_.*\.csv$/.test(name) && !/\.(meta|aggregation)\.csv$/.test(name)) {
        const meta = path.replace(/\.csv$/, ".meta.csv");
        if (existsSync(meta)) found.data.push({ path, meta });
        else found.otherText.push(path);
      } else if (/\.meta\.csv$/.test(name)) {
        // read with its data file
      } else if (/\.xlsx$/i.test(name)) found.workbooks.push(path);
      // a combined folder's guidance too: an ntp one's title names its catalogue, as an LA's does
      else if (name === "data-guidance.md" || /^data-guidance-national-\d{6}\.md$/.test(name)) found.guidance.push(path);
      else if (underFile && name.endsWith(".json")) found.siteJson.push(path);
      else if (name.endsWith(".html")) found.pages.push(path);
      else if (/\.(csv|md|txt|json)$/i.test(name)) found.otherText.push(path);
    }
  };
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root} is not a folder`);
  walk(root, false);
  return found;
}

export function countFiles(f: ReleaseFiles): number {
  return f.data.length + f.workbooks.length + f.guidance.length + f.siteJson.length + f.pages.length + f.otherText.length;
}

export const rel = (root: string, path: string) => relative(root, path) || path;
