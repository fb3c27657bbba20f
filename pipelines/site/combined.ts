// `tuition-impact site --combined DIR`: the combined view (issue 19) — a one-page site from a folder
// `tuition-impact combine` wrote, with no run database behind it: per year and subject, a forest
// plot of the LAs' published impacts, the National pooled diamond and the prediction interval.
//
// Framework builds every page under its root, and the LA site's pages need a run's database, so
// this site has a root of its own: a folder inside src/.observablehq/ (which Framework's walk of
// src/ skips) holding the page (combined-page.md), a copy of src/components (the same chart
// helpers; Framework cannot import from outside its root) and the data written here as a file.
// Built into a temporary folder, audited as published, and only then swapped into place, as the
// LA site is (scripts/build-site.ts).
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { guard } from "../core/interrupt.ts";
import { assertReleaseClean } from "../export/audit.ts";
import { combinedView } from "./combined-data.ts";
import { SITE_FRAMEWORK_OPTIONS } from "./framework-options.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

export interface CombinedSiteOptions {
  /** The folder `tuition-impact combine` wrote. */
  combined: string;
  /** Folder the site ends up in. */
  out: string;
  /** Print Framework's own output. */
  verbose?: boolean;
}

/** What this build uses of scripts/build-site.ts (imported by URL: the compile of pipelines/ must not pull scripts/ in). */
interface BuildSiteModule {
  fixHtmlUnder: (dir: string) => void;
  withLockDir: <T>(dir: string, body: () => Promise<T>) => Promise<T>;
  runFramework: (config: object, env: NodeJS.ProcessEnv, verbose: boolean, failure: (code: number | null) => string) => Promise<void>;
}

/** Writes the combined site's Framework root (page, components, style, data) into `root`; returns its configuration. */
export function stageCombinedRoot(root: string, combined: string, output: string): object {
  const view = combinedView(combined);
  // Framework's bundles of node_modules packages (_node) are kept between builds: keyed by
  // package version, not by data.
  if (existsSync(root)) for (const name of readdirSync(root)) if (name !== ".observablehq") rmSync(join(root, name), { recursive: true, force: true });
  mkdirSync(join(root, "data"), { recursive: true });
  cpSync(join(ROOT, "src", "components"), join(root, "components"), { recursive: true });
  copyFileSync(join(ROOT, "src", "style.css"), join(root, "style.css"));
  copyFileSync(join(ROOT, "pipelines", "site", "combined-page.md"), join(root, "index.md"));
  writeFileSync(join(root, "data", "combined.json"), JSON.stringify(view));
  return {
    title: "Tuition impact: national",
    root,
    output,
    // As the LA site: nothing fetched from outside the site.
    ...SITE_FRAMEWORK_OPTIONS,
    sidebar: false,
    pages: [],
    footer: "Built from the combined LA returns as published (disclosure-controlled). Synthetic demonstration data.",
  };
}

export async function buildCombinedSite(options: CombinedSiteOptions): Promise<{ out: string; seconds: number }> {
  const started = performance.now();
  const combined = resolve(options.combined);
  const out = resolve(options.out);
  // Refuses a folder with no combined return before anything is built.
  const view = combinedView(combined);
  // scripts/build-site.ts is TypeScript: the compiled CLI (build/) registers tsx for it, the CLI
  // run from source already has it (as pipelines/site.ts does).
  if (!import.meta.url.endsWith(".ts")) (await import("tsx/esm/api")).register();
  const { fixHtmlUnder, withLockDir, runFramework } = (await import(pathToFileURL(join(ROOT, "scripts", "build-site.ts")).href)) as BuildSiteModule;
  const stage = join(ROOT, "src", ".observablehq", "combined-site");
  const temp = `${out}.building-${process.pid}`;
  mkdirSync(join(ROOT, "src", ".observablehq"), { recursive: true });
  // Stopped by a signal: the half-built folder goes too (the old site is untouched).
  const endGuard = guard({ cleanup: () => rmSync(temp, { recursive: true, force: true }) });
  // One build at a time in src/.observablehq, whichever site it is.
  await withLockDir(join(ROOT, "src", ".observablehq", "build.lock"), async () => {
    rmSync(temp, { recursive: true, force: true });
    try {
      await runFramework(
        stageCombinedRoot(stage, combined, temp),
        process.env,
        options.verbose ?? true,
        (code) => `The combined site build failed (exit ${code}); the old site was left as it was.`,
      );
      fixHtmlUnder(temp);
      mkdirSync(join(temp, "downloads"), { recursive: true });
      for (const f of view.periods.flatMap((p) => p.files)) copyFileSync(join(combined, f), join(temp, "downloads", f));
      // Audited as published (outputs.md §2) before the old site is replaced.
      await assertReleaseClean(temp, "the combined site");
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(temp, out);
    rmSync(old, { recursive: true, force: true });
  }).finally(endGuard);
  return { out, seconds: (performance.now() - started) / 1000 };
}
