// Observable Framework's configuration of the report site when Framework finds it itself (`observable
// preview` by hand). A build (scripts/build-site.ts, `tuition-impact site`) writes the same
// configuration as plain JavaScript and names it, so Framework never reads this file then.
import { siteConfig } from "./scripts/site-config.ts";
import { databasePath } from "./src/data/source.ts";

export default await siteConfig(databasePath(), "dist");
