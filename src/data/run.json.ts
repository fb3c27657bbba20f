// Emits run.json: when the data was built, for which academic year(s) and LA(s), with which
// tool version (run_info; see page-data.ts runInfo), for the Downloads page's provenance line.
import { runInfo } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(runInfo);

await runLoader(import.meta.url, output);
