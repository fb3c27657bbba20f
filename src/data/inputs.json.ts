// Emits inputs.json: one row per input file read, with rows read / loaded / quarantined and
// columns it had that the pipeline does not use (names only, never values), for the Downloads page.
import { inputFiles } from "./page-data.ts";
import { asJson, runLoader } from "./source.ts";

export const output = asJson(inputFiles);

await runLoader(import.meta.url, output);
