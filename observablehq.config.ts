// Observable Framework configuration for the report site. The site must work with no network:
// no web fonts (globalStylesheets: []), no search index (search: false), themes and libraries
// served from dist/ itself (bare imports resolve to node_modules and are bundled).
// The school pages are one page (src/schools/school.md) that scripts/build-site.ts writes once per
// school as schools/<urn>.html after Framework has built it (issue 17: the build-time budget).
import { siteProgramme, sitePages } from "./pipelines/site/ntp-site.ts";
import { databasePath, TS_LOADER_COMMAND } from "./src/data/source.ts";

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
  // The nav of the database's programme profile (pipelines/site/ntp-site.ts): an ntp site lists its
  // route and group-size pages, a 2009 site the pages it always had.
  pages: sitePages(await siteProgramme(databasePath())),
  // A .ts loader Framework runs itself (one without `output`, or a stale cache) starts in Node with
  // tsx's hooks, not through the tsx command's second process (src/data/source.ts).
  interpreters: { ".ts": [...TS_LOADER_COMMAND] },
  footer: "Built from the disclosure-controlled published tables only. Synthetic demonstration data.",
};
