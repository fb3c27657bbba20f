// `npm run compile` (and npm's `prepare`, so `npm ci` / `npm install` run it): compiles
// pipelines/ into build/ for bin/tuition-impact.js, so a command starts in plain Node instead
// of transpiling every module through tsx first. The .sql and catalogue files are copied
// beside the compiled modules, which read them relative to themselves (import.meta.dirname).
// Plain JavaScript, so that it runs before anything else is built.
//   node scripts/compile.mjs [--out DIR]   (default build/; the tests compile elsewhere)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const i = process.argv.indexOf("--out");
const build = i > 0 ? resolve(process.argv[i + 1]) : join(root, "build");
const started = performance.now();

// Only ever delete a folder this script made (a mistyped --out must not cost anything).
if (existsSync(build) && readdirSync(build).length > 0 && !existsSync(join(build, "cli.js")) && !existsSync(join(build, "BUILT"))) {
  console.error(`compile: ${build} is not a build folder (no cli.js, no BUILT stamp); not replacing it.`);
  process.exit(1);
}
// A half-made build/ has no stamp, so bin/ runs the sources meanwhile.
rmSync(build, { recursive: true, force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  // An install without devDependencies (npm ci --omit=dev) has no compiler: the CLI then runs
  // from the sources through tsx (a dependency), which works, only starts more slowly.
  console.error("compile: typescript is not installed (devDependencies omitted?); tuition-impact will run from the TypeScript sources.");
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", build, "--listEmittedFiles"], { encoding: "utf8" });
if (r.status !== 0) {
  process.stderr.write(r.stdout + r.stderr);
  console.error(
    `compile: tsc failed (exit ${r.status}); build/ was removed, so tuition-impact runs from the TypeScript sources (slower start) until this is fixed.`,
  );
  process.exit(1);
}
// A module under pipelines/ importing from outside it (scripts/, src/) would make tsc write
// .js files beside those sources: refuse, naming them, and remove them.
const strays = r.stdout
  .split("\n")
  .map((l) => l.replace(/^TSFILE: /, "").trim())
  .filter((f) => f && !resolve(f).startsWith(build + "/"));
if (strays.length) {
  for (const f of strays) rmSync(f, { force: true });
  console.error(
    `compile: pipelines/ imports files outside it; tsc wrote (now removed):\n  ${strays.join("\n  ")}\nImport them by URL at run time instead (see pipelines/site.ts).`,
  );
  process.exit(1);
}
cpSync(join(root, "pipelines"), build, { recursive: true, filter: (src) => !src.endsWith(".ts") });
// Written last: bin/tuition-impact.js uses build/ only when this stamp is newer than every source file.
writeFileSync(join(build, "BUILT"), `${new Date().toISOString()}\n`);
console.error(`compile: pipelines/ compiled into ${build} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
