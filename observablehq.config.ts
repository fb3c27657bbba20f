// Observable Framework configuration for the report site. The site must work with no network:
// no web fonts (globalStylesheets: []), no search index (search: false), themes and libraries
// served from dist/ itself (bare imports resolve to node_modules and are bundled).
import { existsSync } from "node:fs";
import { Db } from "./pipelines/core/db.ts";
import { databasePath } from "./src/data/source.ts";
import { schoolTables } from "./src/data/school-tables.ts";

/** One page per school with published rows: /schools/<urn>. */
async function schoolPaths(): Promise<string[]> {
  const path = databasePath();
  if (!existsSync(path)) return [];
  const db = await Db.open(path, { access_mode: "READ_ONLY" });
  try {
    const tables = await schoolTables(db);
    if (!tables.length) return [];
    const union = tables.map((t) => `select urn from "${t.table}" where urn is not null`).join(" union ");
    const rows = await db.all<{ urn: string }>(`select distinct urn from (${union}) order by urn`);
    return rows.filter((r) => /^\d{6}$/.test(r.urn)).map((r) => `/schools/${r.urn}`);
  } finally {
    db.close();
  }
}

export default {
  title: "Tuition impact",
  root: "src",
  // Built into a temporary folder by scripts/build-site.ts, then swapped into dist/.
  output: process.env.TUITION_SITE_OUT || "dist",
  style: "style.css",
  globalStylesheets: [],
  search: false,
  pager: false,
  toc: false,
  sidebar: true,
  pages: [
    { name: "Impact by group", path: "/pages/impact" },
    { name: "Schools", path: "/pages/schools" },
    { name: "Targeting", path: "/pages/targeting" },
    { name: "Delivery and value for money", path: "/pages/delivery" },
    { name: "Viewpoints", path: "/pages/viewpoints" },
    { name: "Data quality", path: "/pages/data-quality" },
    { name: "Methodology", path: "/pages/methodology" },
    { name: "Table tool", path: "/pages/table-tool" },
    { name: "Downloads", path: "/pages/downloads" },
  ],
  async *dynamicPaths() {
    yield* await schoolPaths();
  },
  footer: "Built from the disclosure-controlled published tables only. Synthetic demonstration data.",
};
