// The school pages of the demo LA's site (issue 17, the build-time budget): Framework builds one
// school page and the build writes it as schools/<urn>.html for every school with published rows,
// with each school's data as _file/data/schools/<urn>.json (scripts/build-site.ts
// writeSchoolPages). Each school's file must be exactly its member of schools.zip, the pages the
// schools the database publishes, and the release audit must read those files: a small count
// planted in one school's file is refused there.
import { unzipSync } from "fflate";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { auditOptionsFromDatabase, auditRelease } from "../pipelines/export/audit.ts";
import { schoolPageUrns } from "../src/data/school-page.ts";
import { output as schoolsZip } from "../src/data/schools.zip.ts";
import { builtDemoSite, type DemoSite } from "./helpers/demo-site.ts";

let demo: DemoSite;
let urns: string[];
let members: Record<string, Uint8Array>;
const copies: string[] = [];

beforeAll(async () => {
  demo = await builtDemoSite();
  const db = await Db.open(demo.db, { access_mode: "READ_ONLY" });
  try {
    urns = await schoolPageUrns(db);
    members = unzipSync(await schoolsZip(db));
  } finally {
    db.close();
  }
}, 2_400_000); // the demo LA's pipeline and site on a busy two-core machine, or waiting for another file's build of it

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe("the demo LA's school pages", () => {
  it("are one page per school with published rows, each the same page (which school is read from its address)", () => {
    expect(urns.length).toBeGreaterThan(400);
    const pages = readdirSync(join(demo.dist, "schools")).sort();
    expect(pages).toEqual(urns.map((urn) => `${urn}.html`));
    const first = readFileSync(join(demo.dist, "schools", pages[0]));
    const differing = pages.filter((p) => !readFileSync(join(demo.dist, "schools", p)).equals(first));
    expect(differing).toEqual([]);
    // No school's URN or name is in the page itself: nothing of another school can show before its data loads.
    const html = first.toString("utf8");
    expect(urns.filter((urn) => new RegExp(`\\b${urn}\\b`).test(html))).toEqual([]);
  });

  it("each have their school's data beside them: its member of schools.zip, byte for byte", () => {
    const dir = join(demo.dist, "_file", "data", "schools");
    expect(readdirSync(dir).sort()).toEqual(urns.map((urn) => `${urn}.json`));
    const withMember = urns.filter((urn) => members[`${urn}.json`]);
    expect(withMember.length).toBeGreaterThan(400);
    for (const urn of withMember) expect(Buffer.from(members[`${urn}.json`]).equals(readFileSync(join(dir, `${urn}.json`))), urn).toBe(true);
  });

  it("are audited: a small count planted in one school's file is refused at that file, row and column", async () => {
    const copy = mkdtempSync(join(tmpdir(), "demo-site-breach-"));
    copies.push(copy);
    cpSync(demo.dist, copy, { recursive: true });
    const urn = urns[Math.floor(urns.length / 2)];
    const file = join(copy, "_file", "data", "schools", `${urn}.json`);
    expect(existsSync(file)).toBe(true);
    const school = JSON.parse(readFileSync(file, "utf8"));
    const attainment = school.tables.attainment;
    const col = attainment.columns.indexOf("pupils_att_t");
    const row = attainment.rows.findIndex((r: string[]) => /^\d+$/.test(r[col]) && Number(r[col]) >= 5);
    expect(row).toBeGreaterThanOrEqual(0);
    attainment.rows[row][col] = "3";
    writeFileSync(file, JSON.stringify(school));
    const { breaches } = await auditRelease(copy, await auditOptionsFromDatabase(demo.db));
    const place = `_file/data/schools/${urn}.json`;
    expect(breaches).toContainEqual(expect.objectContaining({ kind: "small_count", place, loc: `$.tables.attainment.rows[${row}]`, col: "pupils_att_t" }));
    expect(breaches.filter((b) => b.place !== place)).toEqual([]);
  }, 600_000);
});
