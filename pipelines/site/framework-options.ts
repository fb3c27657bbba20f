// What every site of this project asks of Observable Framework, the LA's (scripts/site-config.ts)
// and the combined one (combined.ts): it must work with no network, so no web fonts
// (globalStylesheets: []) and no search index (search: false), themes and libraries served from
// the site itself; the project's own stylesheet; no pager, no table of contents.
export const SITE_FRAMEWORK_OPTIONS = {
  style: "style.css",
  globalStylesheets: [] as string[],
  search: false,
  pager: false,
  toc: false,
};
