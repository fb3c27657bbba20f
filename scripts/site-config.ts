// The report site's Framework configuration, made in one place for the two ways Framework reads
// it: observablehq.config.ts (Framework's default, for `observable preview` by hand) and the plain
// JavaScript file scripts/build-site.ts writes for each build and names with `--config`. Given
// observablehq.config.ts, Framework imports tsx to read it, and every module it loads after that
// (jsdom, acorn, rollup, ...) goes through tsx's hooks; and this configuration opens the database
// to choose the nav. The build works it out before Framework starts, so Framework does neither
// (the fixture site's Framework step: 5.9-6.4 s with the .ts file, 5.4-5.9 s with a .js one).
// Bare imports resolve to node_modules and are bundled, so the site works with no network
// (pipelines/site/framework-options.ts).
// The school pages are one page (src/schools/school.md) that scripts/build-site.ts writes once per
// school as schools/<urn>.html after Framework has built it (issue 17: the build-time budget).
import { SITE_FRAMEWORK_OPTIONS } from "../pipelines/site/framework-options.ts";
import { siteProgramme, sitePages } from "../pipelines/site/ntp-site.ts";
import { TS_LOADER_COMMAND } from "../src/data/source.ts";

/** The configuration of a site of this database, built into `output`: plain data, so it can be written as JSON. */
export async function siteConfig(database: string, output: string) {
  return {
    title: "Tuition impact",
    root: "src",
    // Built into a temporary folder by scripts/build-site.ts, then swapped into dist/.
    output,
    ...SITE_FRAMEWORK_OPTIONS,
    sidebar: true,
    // The nav of the database's programme profile (pipelines/site/ntp-site.ts): an ntp site lists its
    // route and group-size pages, a 2009 site the pages it always had.
    pages: sitePages(await siteProgramme(database)),
    // A .ts loader Framework runs itself (one without `output`, or a stale cache) starts in Node with
    // tsx's hooks, not through the tsx command's second process (src/data/source.ts).
    interpreters: { ".ts": [...TS_LOADER_COMMAND] },
    footer: "Built from the disclosure-controlled published tables only. Synthetic demonstration data.",
  };
}
