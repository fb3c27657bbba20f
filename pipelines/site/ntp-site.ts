// The report site by programme profile (programmes.md §4). One source tree (src/) holds the
// 2009 pages and the ntp pages (src/ntp-overview.md, src/pages/ntp-*.md); Framework builds every
// page file it finds, so the build keeps only the pages of the database's programme:
// - the nav (observablehq.config.ts) lists the profile's pages (`sitePages`);
// - `keepProgrammePages` then deletes from the built folder, before the audit and the swap, the
//   other profile's pages and the data files only they load. An ntp site's overview is its own
//   page written as index.html (same folder depth, so its relative links hold).
// Pages with no ntp meaning (targeting by FSM/CLA ratios, viewpoints questionnaires, the 2009
// schools funnel of adjusted progress, the table tool over the 2009 tables) are not in an ntp site
// at all, rather than shown empty. Each school's page of an ntp site is src/schools/ntp-school.md.
// A 2009 site is built exactly as before: its nav, pages and data files are unchanged.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Db } from "../core/db.ts";
import { readRunContext } from "../core/run-context.ts";

export type SiteProgramme = "one_to_one_2009" | "ntp";

export interface SitePage {
  name: string;
  path: string;
}

const PAGES_2009: SitePage[] = [
  { name: "Impact by group", path: "/pages/impact" },
  { name: "Schools", path: "/pages/schools" },
  { name: "Targeting", path: "/pages/targeting" },
  { name: "Delivery and value for money", path: "/pages/delivery" },
  { name: "Viewpoints", path: "/pages/viewpoints" },
  { name: "Data quality", path: "/pages/data-quality" },
  { name: "Methodology", path: "/pages/methodology" },
  { name: "Table tool", path: "/pages/table-tool" },
  { name: "Downloads", path: "/pages/downloads" },
];

const PAGES_NTP: SitePage[] = [
  { name: "Impact by route and group", path: "/pages/ntp-impact" },
  { name: "Delivery", path: "/pages/ntp-delivery" },
  { name: "Value for money", path: "/pages/ntp-value" },
  { name: "Schools", path: "/pages/ntp-schools" },
  { name: "Data quality", path: "/pages/ntp-data-quality" },
  { name: "Methodology", path: "/pages/ntp-methodology" },
  { name: "Downloads", path: "/pages/downloads" },
];

/** The pages of a profile's site, in nav order (the overview, "/", is always there). */
export function sitePages(programme: SiteProgramme): SitePage[] {
  return programme === "ntp" ? PAGES_NTP : PAGES_2009;
}

/** The programme a run's database was built for (a database without run_context: the 2009 profile). */
export async function siteProgramme(database: string): Promise<SiteProgramme> {
  if (!existsSync(database)) return "one_to_one_2009";
  const db = await Db.open(database, { access_mode: "READ_ONLY" });
  try {
    return (await readRunContext(db))?.programme === "ntp" ? "ntp" : "one_to_one_2009";
  } finally {
    db.close();
  }
}

/** Page files (without .html) of the built site that belong to the ntp profile only. */
const NTP_ONLY = /^(ntp-overview|pages\/ntp-[a-z-]+)$/;
/** The 2009 pages an ntp site leaves out (its overview is ntp-overview, moved to index). */
const ONLY_2009 = /^(index|pages\/(impact|schools|targeting|delivery|viewpoints|data-quality|methodology|table-tool))$/;
/** Data files (_file/data/<name>.<hash>.<ext>) loaded only by the pages of one profile. */
const DATA_NTP_ONLY = /^ntp-/;
const DATA_2009_ONLY = /^(overview|impact|delivery|targeting|viewpoints|data-quality|methodology|schools|school-la|table-tool)\.|^table-tool$/;
/** The ntp school page, built once by Framework (src/schools/ntp-school.md) and written over each school's page. */
const NTP_SCHOOL = join("schools", "ntp-school.html");
/** Modules (_import/components/<name>.<hash>.js) imported only by ntp pages. */
const MODULE_NTP_ONLY = /^ntp[.-]/;

function removeMatching(dir: string, pattern: RegExp | ((name: string) => boolean)): string[] {
  const matches = typeof pattern === "function" ? pattern : (name: string) => pattern.test(name);
  if (!existsSync(dir)) return [];
  const gone: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!matches(name)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    gone.push(name);
  }
  return gone;
}

/**
 * Keeps in the built site (the temporary folder, before the audit and the swap) only the pages
 * of the database's programme and the files only they use. Returns what was removed.
 */
export async function keepProgrammePages(site: string, database: string): Promise<string[]> {
  const programme = await siteProgramme(database);
  const removed: string[] = [];
  const pages = (dir: string, prefix: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => n.endsWith(".html"))
          .map((n) => `${prefix}${n.slice(0, -".html".length)}`)
      : [];
  const built = [...pages(site, ""), ...pages(join(site, "pages"), "pages/")];
  const drop = programme === "ntp" ? ONLY_2009 : NTP_ONLY;
  for (const page of built.filter((p) => drop.test(p))) {
    rmSync(join(site, `${page}.html`));
    removed.push(`${page}.html`);
  }
  const data = join(site, "_file", "data");
  if (programme === "ntp") {
    removed.push(...removeMatching(data, DATA_2009_ONLY).map((n) => `_file/data/${n}`));
    // Each school's page: the ntp one over the 2009 one the build wrote (the school's data,
    // _file/data/schools/<urn>.json, is the same file: its published ntp rows).
    const template = join(site, NTP_SCHOOL);
    if (!existsSync(template)) throw new Error(`The site build made no ${template} (src/schools/ntp-school.md): the ntp school pages cannot be written.`);
    const schoolPage = readFileSync(template, "utf8");
    for (const name of readdirSync(join(site, "schools")).filter((n) => /^\d{6}\.html$/.test(n))) writeFileSync(join(site, "schools", name), schoolPage);
    rmSync(template);
    // The 2009 pages' own modules (the 2009 guidance's questions, the funnel, the table tool):
    // Framework lists every module a page loads, its imports' imports too, in the page itself.
    const pagesLeft = [...pages(site, ""), ...pages(join(site, "pages"), "pages/")]
      .map((p) => readFileSync(join(site, `${p}.html`), "utf8"))
      .concat(schoolPage)
      .join("\n");
    const used = new Set([...pagesLeft.matchAll(/_import\/components\/([^"'\s)]+\.js)/g)].map((m) => m[1]));
    removed.push(...removeMatching(join(site, "_import", "components"), (n) => !used.has(n)).map((n) => `_import/components/${n}`));
    const overview = join(site, "ntp-overview.html");
    if (!existsSync(overview)) throw new Error(`The site build made no ${overview} (src/ntp-overview.md): an ntp site has no overview to publish.`);
    renameSync(overview, join(site, "index.html"));
  } else {
    if (existsSync(join(site, NTP_SCHOOL))) {
      rmSync(join(site, NTP_SCHOOL));
      removed.push(NTP_SCHOOL);
    }
    removed.push(...removeMatching(data, DATA_NTP_ONLY).map((n) => `_file/data/${n}`));
    removed.push(...removeMatching(join(site, "_import", "components"), MODULE_NTP_ONLY).map((n) => `_import/components/${n}`));
  }
  return removed;
}
