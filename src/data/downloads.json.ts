// Emits downloads.json: the files of the return folder (CSV data and metadata, workbook,
// data guidance) that scripts/build-site.ts copies into dist/downloads/. Only the return
// folder is listed; output/private/ is never read.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { returnDir } from "./source.ts";
import { publishableDownloads } from "./downloadable.ts";

const dir = returnDir();
const files = existsSync(dir) ? publishableDownloads(readdirSync(dir)) : [];
process.stdout.write(
  JSON.stringify(
    files.map((name) => {
      const bytes = readFileSync(join(dir, name));
      return { name, bytes: statSync(join(dir, name)).size, sha256: createHash("sha256").update(bytes).digest("hex") };
    }),
  ),
);
