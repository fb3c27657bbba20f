// The site's Framework configuration (scripts/site-config.ts) is one configuration: a build hands
// it to Framework as a module of plain data (scripts/build-site.ts frameworkConfigModule), so
// Framework needs no TypeScript hooks to read it and opens no database; and observablehq.config.ts,
// which Framework reads when it finds the file itself, is the same configuration.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { sitePages } from "../pipelines/site/ntp-site.ts";
import { frameworkConfigModule } from "../scripts/build-site.ts";
import { siteConfig } from "../scripts/site-config.ts";
import { TS_LOADER_COMMAND } from "../src/data/source.ts";
import { builtNtpRun } from "./fixtures/ntp-site/built.ts";
import { builtFixtureSite } from "./fixtures/site/built.ts";

/** A Node script printing a module's default export as JSON. */
const printDefault = (file: string) => `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(JSON.stringify(m.default));`;

let db2009 = "";
let dbNtp = "";

beforeAll(async () => {
  db2009 = (await builtFixtureSite()).db;
  dbNtp = (await builtNtpRun()).db;
}, 1_200_000);

describe("the site's Framework configuration", () => {
  it("names the pages of the database's programme, and its output folder", async () => {
    const c2009 = await siteConfig(db2009, "/somewhere/out");
    const cNtp = await siteConfig(dbNtp, "/somewhere/out");
    expect(c2009.pages).toEqual(sitePages("one_to_one_2009"));
    expect(cNtp.pages).toEqual(sitePages("ntp"));
    expect(cNtp.pages).not.toEqual(c2009.pages);
    expect(c2009.output).toBe("/somewhere/out");
    expect(c2009.root).toBe("src");
    // nothing fetched from outside the site: no web fonts, no search index (Framework's CDN)
    expect(c2009.globalStylesheets).toEqual([]);
    expect(c2009.search).toBe(false);
  });

  it("as a build writes it, plain Node (no tsx) reads it back whole, and it imports nothing", async () => {
    const config = await siteConfig(dbNtp, "/somewhere/out");
    const source = frameworkConfigModule(config);
    // no import statement or import() (the loader command's "--import" is data)
    expect(source).not.toMatch(/^\s*import\b|\bimport\s*\(/m);
    const dir = mkdtempSync(join(tmpdir(), "site-config-"));
    try {
      const file = join(dir, "config.mjs");
      writeFileSync(file, source);
      // A Node with no loader hooks, as Framework now runs.
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", printDefault(file)], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("observablehq.config.ts is the same configuration, of the database TUITION_DB names, built into dist", async () => {
    // In a Node of its own with tsx, as Framework reads it: the file reads TUITION_DB when imported.
    const config = join(import.meta.dirname, "..", "observablehq.config.ts");
    const r = spawnSync(process.execPath, [...TS_LOADER_COMMAND.slice(1), "--input-type=module", "-e", printDefault(config)], {
      encoding: "utf8",
      env: { ...process.env, TUITION_DB: dbNtp },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(await siteConfig(dbNtp, "dist"));
  });
});
