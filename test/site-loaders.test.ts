// The site build runs every database loader of src/data in its own process and puts the outputs
// in Framework's loader cache (scripts/build-site.ts precomputeLoaders, issue 17): each output
// must be byte for byte what the loader writes when Framework runs its file, and Framework must
// find it fresh (so it starts no loader process and serves these bytes); an archive's members are
// cached too, as Framework would extract them.
import JSZip from "jszip";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { clearLoaderCache, precomputeLoaders, withLockDir } from "../scripts/build-site.ts";
import { ZIP_ABOVE_BYTES } from "../src/data/downloadable.ts";
import { projectRoot, TS_LOADER_COMMAND } from "../src/data/source.ts";
import { makeSiteDb } from "./fixtures/site/make-db.ts";

const dataDir = join(projectRoot, "src", "data");
const cacheData = join(projectRoot, "src", ".observablehq", "cache", "data");
const lockDir = join(projectRoot, "src", ".observablehq", "build.lock");
let db: string;
const loaders = readdirSync(dataDir).filter((n) => /\.(json|zip)\.ts$/.test(n));
const precomputed = new Map<string, Buffer>();
const cachedMembers = new Map<string, Map<string, Buffer>>();
const ran: string[] = [];

beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), "site-loaders-")), "site.duckdb");
  await makeSiteDb(db);
  // The fixture's return folder beside the database (where the site build and Framework's loader
  // both look for it), with data guidance, a CSV large enough to be offered zipped, and a file not offered.
  const returned = join(dirname(db), "return");
  writeFileSync(join(returned, "impact_large_919_200910.csv"), `time_period,school_urn\n${"200910,100001\n".repeat(ZIP_ABOVE_BYTES / 10)}`);
  writeFileSync(join(returned, "data-guidance.md"), "# Data guidance\n");
  writeFileSync(join(returned, "notes.txt"), "not offered\n");
  // Framework's cache folder is shared by every site build: held as buildSite holds it.
  await withLockDir(lockDir, async () => {
    clearLoaderCache(); // as buildSite does before it: no other build's outputs are left in the cache
    for (const [name] of await precomputeLoaders(db)) {
      ran.push(name);
      const cached = join(cacheData, name.replace(/\.ts$/, ""));
      expect(statSync(cached).mtimeMs, `${name}: Framework would take its cache as stale`).toBeGreaterThanOrEqual(statSync(join(dataDir, name)).mtimeMs);
      precomputed.set(name, readFileSync(cached));
      if (cached.endsWith(".zip")) {
        const dir = cached.slice(0, -".zip".length);
        cachedMembers.set(name, new Map(readdirSync(dir).map((m) => [m, readFileSync(join(dir, m))])));
      }
    }
  });
}, 300_000);

describe("loaders run in the build's process", () => {
  it("cover every loader that reads the database", () => {
    const readsDb = loaders.filter((n) => /runLoader\(/.test(readFileSync(join(dataDir, n), "utf8")));
    expect(readsDb.length).toBeGreaterThan(5);
    expect([...ran].sort()).toEqual(readsDb.sort());
  });

  it("write what each loader writes when Framework runs it", () => {
    for (const name of ran) {
      const [command, ...args] = TS_LOADER_COMMAND;
      const fromFramework = execFileSync(command, [...args, join("src", "data", name)], {
        cwd: projectRoot,
        env: { ...process.env, TUITION_DB: db },
        maxBuffer: 1 << 28,
      });
      expect(Buffer.compare(precomputed.get(name) as Buffer, fromFramework), name).toBe(0);
    }
    // downloads.json reads the return folder, not the database: both ways found the one beside it.
    const offered = JSON.parse((precomputed.get("downloads.json.ts") as Buffer).toString("utf8")) as { name: string; zipped?: string }[];
    expect(offered.map((f) => [f.name, f.zipped])).toEqual([
      ["data-guidance.md", undefined],
      ["impact_919_200910.csv", undefined],
      ["impact_919_200910.meta.csv", undefined],
      ["impact_large_919_200910.csv.zip", "impact_large_919_200910.csv"],
      ["impact_schools_919_200910.csv", undefined],
      ["impact_schools_919_200910.meta.csv", undefined],
    ]);
  }, 600_000);

  it("put each archive's members where Framework caches what it extracts, as it would extract them", async () => {
    const archives = ran.filter((n) => n.endsWith(".zip.ts"));
    expect(archives.length).toBeGreaterThan(0);
    for (const name of archives) {
      // JSZip: the library Framework extracts an archive's members with.
      const zip = await JSZip.loadAsync(precomputed.get(name) as Buffer);
      const members = Object.values(zip.files).filter((f) => !f.dir);
      expect(members.length, name).toBeGreaterThan(0);
      const cached = cachedMembers.get(name) as Map<string, Buffer>;
      expect([...cached.keys()].sort(), name).toEqual(members.map((f) => f.name).sort());
      for (const f of members) expect(Buffer.compare(cached.get(f.name) as Buffer, await f.async("nodebuffer")), `${name} ${f.name}`).toBe(0);
    }
  });
});
