// Emits downloads.json: the files of the return folder (CSV data and metadata, workbook, data
// guidance) that scripts/build-site.ts copies into dist/downloads/, each under the name it is
// offered as (a large CSV zipped; see downloadable.ts) with that file's size, and the SHA-256 of
// the return file itself (inside the zip where zipped), to check against the return as sent.
// Only the return folder is listed; output/private/ is never read. It reads no table: the build
// computes it in its own process with the other loaders (precomputeLoaders), given the folder.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asJson, runLoader } from "./source.ts";
import { offeredBytes, offeredName, publishableDownloads } from "./downloadable.ts";

export const output = asJson(async (_db, { returnDir: dir }) => {
  const files = existsSync(dir) ? publishableDownloads(readdirSync(dir)) : [];
  return files.map((file) => {
    const bytes = readFileSync(join(dir, file));
    const name = offeredName(file, bytes.length);
    return {
      name,
      bytes: offeredBytes(file, bytes).length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      ...(name === file ? {} : { zipped: file }),
    };
  });
});

await runLoader(import.meta.url, output);
