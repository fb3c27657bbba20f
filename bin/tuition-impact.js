#!/usr/bin/env node
// Starts the CLI in this same process (so a signal sent to it reaches the pipeline itself).
// It runs the compiled build/ (made by `npm run compile`, which `npm ci` and `npm install` run
// as the `prepare` script) when that is at least as new as every file under pipelines/;
// otherwise the TypeScript sources through tsx, so an edited source is never run stale.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "build", "BUILT");

/**
 * True when build/ was compiled after the last change under pipelines/: to any file, or to
 * any folder (a folder's time changes when a file in it is added, deleted or renamed).
 */
function buildIsCurrent() {
  const sources = join(root, "pipelines");
  if (!existsSync(stamp)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(stamp).mtimeMs;
  if (statSync(sources).mtimeMs > built) return false;
  for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) {
    if (statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > built) return false;
  }
  return true;
}

if (process.env.TUITION_FROM_SOURCE !== "1" && buildIsCurrent()) {
  await import(pathToFileURL(join(root, "build", "cli.js")).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "pipelines", "cli.ts")).href);
}
