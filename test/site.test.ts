// The built report site: every page present, nothing fetched from outside dist/, nothing in
// dist/ that the published tables do not publish (canaries planted in NON-published tables of
// the fixture must never appear), a new database never served from a stale cache, and a failed
// build leaves the previous dist/ in place.
import JSZip from "jszip";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { buildSite } from "../scripts/build-site.ts";
import { builtFixtureSite, type BuiltSite } from "./fixtures/site/built.ts";
import { CANARY, LA_CODE, THRESHOLD, TIME_PERIOD } from "./fixtures/site/make-db.ts";
import { expandSchool } from "../src/components/compact-rows.js";

const UPN = /[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]/;
const PAGES = [
  "index",
  "pages/impact",
  "pages/schools",
  "pages/targeting",
  "pages/delivery",
  "pages/viewpoints",
  "pages/data-quality",
  "pages/methodology",
  "pages/downloads",
];

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? allFiles(join(dir, n)) : [join(dir, n)]));
}

/** Every text the site holds: its files, and the members of any zip in it. */
async function siteTexts(dist: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  for (const path of allFiles(dist)) {
    if (extname(path) === ".zip") {
      const zip = await JSZip.loadAsync(readFileSync(path));
      for (const [name, entry] of Object.entries(zip.files)) if (!entry.dir) out.push({ path: `${path}:${name}`, text: await entry.async("string") });
    } else out.push({ path, text: readFileSync(path, "utf8") });
  }
  return out;
}

/** Data files the site carries (loader output), parsed. */
function dataFile(dist: string, name: string): unknown {
  const dir = join(dist, "_file", "data");
  const file = readdirSync(dir).find((f) => f.startsWith(`${name}.`) && f.endsWith(".json"));
  if (!file) throw new Error(`no ${name}.json in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), "utf8"));
}

// published_footnotes adds the table and indicator a footnote is about to the shared key.
const KEY = ["time_period", "la_code", "urn", "subject", "breakdown", "group_label", "published_table", "indicator"];
const keyOf = (r: Record<string, unknown>) => KEY.map((k) => r[k] ?? "").join("|");

let site: BuiltSite;
let db: Db;

beforeAll(async () => {
  site = await builtFixtureSite();
  db = await Db.open(site.db, { access_mode: "READ_ONLY" });
  return () => db.close();
}, 1_200_000); // the build on a busy two-core machine

describe("the built site", () => {
  it("has every page, and a page per school with published rows", async () => {
    for (const p of PAGES) expect(existsSync(join(site.dist, `${p}.html`)), p).toBe(true);
    const urns = (await db.all<{ urn: string }>("select distinct urn from published_school_progress where urn is not null order by urn")).map((r) => r.urn);
    expect(urns).toHaveLength(12);
    for (const urn of urns) expect(existsSync(join(site.dist, "schools", `${urn}.html`)), urn).toBe(true);
  });

  it("references nothing outside itself: no remote scripts, stylesheets, fonts, npm: or CDN imports", async () => {
    const texts = await siteTexts(site.dist);
    // Each kind of file is checked by its own rule; each kind must be there, or its rule checked nothing.
    const ofKind = (ext: string) => texts.filter((t) => t.path.endsWith(ext));
    for (const ext of [".html", ".css", ".js"]) expect(ofKind(ext).length, ext).toBeGreaterThan(0);
    for (const { path, text } of ofKind(".html")) {
      expect(text, path).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)="(https?:)?\/\//i);
      expect(text, path).not.toMatch(/import\s*\(?\s*["'](https?:|npm:)/);
    }
    for (const { path, text } of ofKind(".css")) expect(text, path).not.toMatch(/(@import|url)\(\s*["']?(https?:)?\/\//i);
    for (const { path, text } of ofKind(".js")) expect(text, path).not.toMatch(/(from|import)\s*\(?\s*["'](https?:\/\/|npm:)/);
    for (const { path, text } of texts) {
      expect(text, path).not.toContain("fonts.googleapis.com");
      expect(text, path).not.toContain("cdn.jsdelivr.net/npm/@observablehq/inputs");
    }
  });

  it("says which academic year, LA, build date and inputs it was built from", () => {
    const run = dataFile(site.dist, "run") as Record<string, unknown>;
    expect(run).toMatchObject({ build_date: "2010-09-30", academic_years: ["2009/10"], la_names: ["Exampleshire"], la_codes: [LA_CODE] });
    const inputs = dataFile(site.dist, "inputs") as { file: string }[];
    expect(inputs.map((f) => f.file).sort()).toEqual(["attainment.csv", "pupils.xlsx", "schools.csv", "tuition.csv"]);
  });
});

describe("privacy: dist/ holds only what the published tables publish", () => {
  it("holds nothing shaped like a UPN, no tutor id, no questionnaire comment", async () => {
    const texts = await siteTexts(site.dist);
    expect(texts.length).toBeGreaterThan(20);
    for (const { path, text } of texts) {
      if (!/\.(html|json|csv|md|txt)$/.test(path)) continue; // library code is not data
      expect(UPN.exec(text)?.[0], path).toBeUndefined();
      expect(text, path).not.toContain(CANARY.tutorId);
      expect(text, path).not.toContain(CANARY.comment);
    }
    // Library code too must not carry the canaries (e.g. inlined into a page module).
    for (const { path, text } of texts) {
      expect(text.includes(CANARY.upn), path).toBe(false);
      expect(text.includes(CANARY.comment), path).toBe(false);
    }
  });

  it("offers the return's CSVs as the return has them: no byte order mark (the site's table downloads have one)", () => {
    for (const name of readdirSync(join(site.dist, "downloads")).filter((n) => n.endsWith(".csv"))) {
      const bytes = readFileSync(join(site.dist, "downloads", name));
      expect([...bytes.subarray(0, 3)], name).not.toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.equals(readFileSync(join(site.dir, "return", name))), name).toBe(true);
    }
  });

  it("copies the return files as downloads and nothing from private/", () => {
    const downloads = readdirSync(join(site.dist, "downloads")).sort();
    expect(downloads).toEqual([
      `impact_${LA_CODE}_${TIME_PERIOD}.csv`,
      `impact_${LA_CODE}_${TIME_PERIOD}.meta.csv`,
      `impact_schools_${LA_CODE}_${TIME_PERIOD}.csv`,
      `impact_schools_${LA_CODE}_${TIME_PERIOD}.meta.csv`,
    ]);
    for (const f of allFiles(site.dist)) expect(f).not.toMatch(/quarantine\.csv|tutees_without_outcome|\.duckdb/);
  });

  it("carries every published row exactly as published, and no row or value the published tables lack", async () => {
    const tables = await db.all<{ t: string }>("select table_name as t from information_schema.tables where table_name like 'published\\_%' escape '\\'");
    const published = new Map<string, Map<string, Record<string, unknown>>>();
    for (const { t } of tables) {
      const rows = await db.all(`select * from "${t}"`);
      published.set(t.slice("published_".length), new Map(rows.map((r) => [keyOf(r), r])));
    }
    const check = (mart: string, rows: Record<string, unknown>[], where: string) => {
      // A page asks for a table this database may not have (the fixture has no mart_evidence):
      // it then carries none of its rows; any row it does carry must be a published one.
      if (rows.length === 0) return;
      const pub = published.get(mart);
      expect(pub, `${where}: ${mart} is not a published table`).toBeDefined();
      // A page may leave out columns it never shows (schools.json: the 99.8% limits); every
      // value it carries is the published one, under the published row's key.
      for (const row of rows) {
        const source = pub!.get(keyOf(row));
        expect(source, `${where}: ${mart} ${keyOf(row)} is not a published row`).toBeDefined();
        expect(row, `${where}: ${mart} ${keyOf(row)}`).toEqual(Object.fromEntries(Object.keys(row).map((k) => [k, source![k]])));
        for (const k of ["time_period", "la_code", "subject", "breakdown", "group_label"]) expect(k in row, `${where}: ${mart} row without ${k}`).toBe(true);
      }
    };
    // Each page's own data file (src/data/page-data.ts): {tables: {mart: rows}, ...}.
    for (const name of ["overview", "impact", "schools", "targeting", "delivery", "viewpoints", "data-quality", "methodology", "school-la"]) {
      const page = dataFile(site.dist, name) as { tables: Record<string, Record<string, unknown>[]> };
      for (const [mart, rows] of Object.entries(page.tables)) check(mart, rows, `${name}.json`);
    }
    expect((dataFile(site.dist, "impact") as { tables: { impact: unknown[] } }).tables.impact.length).toBeGreaterThan(0);
    expect((dataFile(site.dist, "schools") as { tables: { school_progress: unknown[] } }).tables.school_progress.length).toBeGreaterThan(0);
    const members = allFiles(join(site.dist, "_file", "data", "schools"));
    expect(members).toHaveLength(12);
    for (const m of members) {
      const school = expandSchool(JSON.parse(readFileSync(m, "utf8"))) as { urn: string; tables: Record<string, Record<string, unknown>[]> };
      for (const [mart, rows] of Object.entries(school.tables)) {
        check(mart, rows, m);
        for (const r of rows) expect(r.urn).toBe(school.urn);
      }
    }
  });

  it("never shows the small count that only a NON-published table holds", async () => {
    const raw = await db.one<{ n: string }>("select n_tutees as n from mart_schools where urn = ? and subject = 'English'", [CANARY.smallSchoolUrn]);
    expect(Number(raw?.n)).toBeGreaterThan(0);
    expect(Number(raw?.n)).toBeLessThan(THRESHOLD);
    const member = allFiles(join(site.dist, "_file", "data", "schools")).find((f) => f.includes(`${CANARY.smallSchoolUrn}.`))!;
    const school = expandSchool(JSON.parse(readFileSync(member, "utf8")));
    for (const r of school.tables.school_progress) {
      expect(r.adj_tutees).toBe("c");
      expect(r.adjusted_progress).toBe("c");
    }
    const page = readFileSync(join(site.dist, "schools", `${CANARY.smallSchoolUrn}.html`), "utf8");
    expect(page).not.toMatch(new RegExp(`(n_tutees|adj_tutees)["']?:\\s*["']?${CANARY.smallCount}\\b`));
  });
});

describe("build-site.ts", () => {
  it("rebuilds from a new database instead of serving the loader cache, and a failed build keeps the previous dist/", async () => {
    // The fixture site as built before (builtFixtureSite), copied with its database: then a new
    // pipeline run, the same file name with a different published figure, and one build from it.
    const dir = mkdtempSync(join(tmpdir(), "site-rebuild-"));
    const db2 = join(dir, "tuition-impact.duckdb");
    copyFileSync(site.db, db2);
    const out = join(dir, "dist");
    cpSync(site.dist, out, { recursive: true });
    const build = (db: string) => buildSite({ db, out, returnDir: join(site.dir, "return"), verbose: false });
    const englishTotal = () =>
      (dataFile(out, "impact") as { tables: { impact: Record<string, string>[] } }).tables.impact.find(
        (r) => r.subject === "English" && r.breakdown === "total",
      );
    const before = englishTotal();
    const w = await Db.open(db2);
    await w.run("update published_impact set b = '9.9' where subject = 'English' and breakdown = 'total'");
    w.close();
    await build(db2);
    const after = englishTotal();
    expect(before?.b).not.toBe("9.9");
    expect(after?.b).toBe("9.9");

    writeFileSync(join(out, "previous-build-marker.txt"), "kept");
    const broken = join(dir, "broken.duckdb");
    writeFileSync(broken, "this is not a DuckDB database");
    await expect(build(broken)).rejects.toThrow(/build failed|not a valid|database/i);
    expect(readFileSync(join(out, "previous-build-marker.txt"), "utf8")).toBe("kept");
    expect(existsSync(join(out, "index.html"))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes(".building-"))).toEqual([]);
  }, 900_000);
});
