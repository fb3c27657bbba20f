// Disclosure as one decision over the whole release (outputs.md §2 as revised): planted cases,
// one per rule, on a small hand-built set of marts. Every expected value is worked out by hand
// from outputs.md §2 in the comment beside it.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { DEFAULT_CATALOGUE_DIR } from "../pipelines/export/catalogue.ts";
import { DisclosureError, publish } from "../pipelines/export/disclosure.ts";
import { fakeSettings, HERTS } from "./fixtures/returns/fake-marts.ts";

const tmp = mkdtempSync(join(tmpdir(), "disclosure-release-"));

const INDICATORS = `indicator,mart,label,grouping,unit,dp,count_basis,level
n_t,mart_att,Tutees,Attainment,,0,n_t,both
n_base,mart_att,Tutees with a classifiable baseline,Attainment,,0,n_base,both
n_below,mart_att,Tutees below ARE at baseline,Attainment,,0,n_below,both
pct_below,mart_att,Tutees: % below ARE,Attainment,%,1,n_base;n_below,both
mean_t,mart_att,Tutees: mean progress,Attainment,,1,n_t,both
est,mart_att,Estimate,Attainment,,1,n_t,la
n_twin,mart_prog,Tutees (same pupils as n_t),Schools,,0,n_twin,school
adj_n,mart_prog,Tutees in the model,Schools,,0,adj_n,school
adj_mean,mart_prog,Adjusted progress,Schools,,1,adj_n,school
model_n,mart_la,Tutees in the model (LA),Impact,,0,model_n,la
`;
const COUNTS = `mart,count,population,within,group
mart_att,n_t,tutees,,
mart_att,n_base,tutees_base,tutees,
mart_att,n_below,tutees_below,tutees_base,
mart_prog,n_twin,tutees,,
mart_prog,adj_n,model_tutees,tutees,
mart_la,model_n,model_tutees,tutees,
`;

type Att = [
  la: string,
  urn: string | null,
  subject: string,
  n_t: number,
  n_base: number,
  n_below: number,
  est: number | null,
  est_na_reason: string | null,
  na_reason: string | null,
];

async function build(db: Db, att: Att[], prog: [string, string, number, number][], la: [string, number][]): Promise<string> {
  await db.run(`create or replace table mart_att (time_period varchar, la_code varchar, urn varchar, subject varchar, breakdown varchar, group_label varchar,
    n_t integer, n_base integer, n_below integer, pct_below double, pct_below_na_reason varchar, mean_t double, est double, est_na_reason varchar, na_reason varchar)`);
  for (const [la_code, urn, subject, n_t, n_base, n_below, est, estReason, rowReason] of att) {
    await db.run(`insert into mart_att values ('200910', ?, ?, ?, 'total', 'Total', ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      la_code,
      urn,
      subject,
      n_t,
      n_base,
      n_below,
      n_base === 0 ? null : (100 * n_below) / n_base,
      n_base === 0 ? "no tutees with a classifiable baseline" : null,
      n_t === 0 ? null : 1.5 + n_t / 100,
      est,
      estReason,
      rowReason,
    ]);
  }
  await db.run(`create or replace table mart_prog (time_period varchar, la_code varchar, urn varchar, subject varchar, breakdown varchar, group_label varchar,
    n_twin integer, adj_n integer, adj_mean double)`);
  for (const [la_code, urn, n_twin, adj_n] of prog) {
    await db.run(`insert into mart_prog values ('200910', ?, ?, 'English', 'total', 'Total', ?, ?, ?)`, [
      la_code,
      urn,
      n_twin,
      adj_n,
      adj_n === 0 ? null : 0.25,
    ]);
  }
  await db.run(
    `create or replace table mart_la (time_period varchar, la_code varchar, urn varchar, subject varchar, breakdown varchar, group_label varchar, model_n integer)`,
  );
  for (const [la_code, model_n] of la) await db.run(`insert into mart_la values ('200910', ?, null, 'English', 'total', 'Total', ?)`, [la_code, model_n]);
  const dir = join(tmp, `cat-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, "counts"), { recursive: true });
  writeFileSync(join(dir, "hand.csv"), INDICATORS);
  writeFileSync(join(dir, "counts", "counts.csv"), COUNTS);
  return dir;
}

async function rows(db: Db, table: string): Promise<Map<string, Record<string, string>>> {
  const all = await db.all<Record<string, string>>(`select * from ${table}`);
  return new Map(all.map((r) => [`${r.la_code}|${r.urn ?? ""}|${r.subject}`, r]));
}

describe("publish: one decision over the whole release (planted cases)", () => {
  let db: Db;
  let att: Map<string, Record<string, string>>;
  let prog: Map<string, Record<string, string>>;
  let la: Map<string, Record<string, string>>;
  beforeAll(async () => {
    db = await Db.open(":memory:");
    const E = "English";
    const dir = await build(
      db,
      [
        // LA 100: schools 3 + 6 + 11 = 20. 1001 is small (c); the u set {1001, 1002, 1003; LA}
        // then needs one more part hidden: the smallest non-zero, 1002 (6).
        ["100", null, E, 20, 20, 4, 1.2, null, null],
        ["100", "1001", E, 3, 3, 0, null, null, null], // "c tutees, 0 of them below ARE": n_below must be c
        ["100", "1002", E, 6, 6, 0, null, null, null], // secondary c; its 0 below ARE must follow it
        ["100", "1003", E, 11, 11, 4, null, null, null],
        // LA 200: nothing small in mart_att; the model tutees are split across two marts.
        ["200", null, E, 40, 40, 10, 2.0, null, null],
        ["200", "2001", E, 20, 20, 5, null, null, null],
        ["200", "2002", E, 20, 20, 5, null, null, null],
        // LA 300: a complement (30 with a classifiable baseline, 28 below ARE: 30 − 28 = 2 is small).
        ["300", null, E, 30, 30, 28, null, "fewer than 40 tutees", null],
        // LA 300 Mathematics: no tutee has a classifiable baseline, so % below ARE has no denominator.
        ["300", null, "Mathematics", 10, 0, 0, null, null, "no comparison pupils in the model"],
        // subject Total: impact does not apply (the row says z; the figure's own reason is blank)
        ["300", null, "Total", 40, 30, 28, null, null, "z"],
      ],
      [
        ["100", "1002", 6, 6], // the same tutees as mart_att 1002 under another name, and the model tutees within them
        ["200", "2001", 20, 2], // model tutees: 2 (c) + 18 = the LA's 20 in mart_la
        ["200", "2002", 20, 18],
      ],
      [["200", 20]],
    );
    await publish(db, fakeSettings([HERTS]), { catalogueDir: dir });
    att = await rows(db, "published_att");
    prog = await rows(db, "published_prog");
    la = await rows(db, "published_la");
  });
  afterAll(() => db.close());

  it("primary: a count 1..4 is c, and a figure derived from it", () => {
    expect(att.get("100|1001|English")).toMatchObject({ n_t: "c", mean_t: "c" });
  });

  it("attribute: a count about a group whose size is c is c too, 0 and counts equal to the size included", () => {
    // 1001: 3 tutees (c), 3 with a baseline (= the size), 0 below ARE
    expect(att.get("100|1001|English")).toMatchObject({ n_t: "c", n_base: "c", n_below: "c", pct_below: "c" });
  });

  it("attribute follows secondary suppression: the group 1002 is c by differencing, so its 0 below ARE is c", () => {
    expect(att.get("100|1002|English")).toMatchObject({ n_t: "c", n_base: "c", n_below: "c", pct_below: "c" });
    expect(att.get("100|1003|English")).toMatchObject({ n_t: "11", n_base: "11", n_below: "c" }); // 4 below ARE: primary
  });

  it("the same count under two names is c everywhere or nowhere (the issue's school 103000 case)", () => {
    // mart_att suppressed 1002's 6 tutees by differencing; mart_prog publishes the same count
    // (population tutees) and the model tutees within it (6): both must be c
    expect(prog.get("100|1002|English")).toMatchObject({ n_twin: "c", adj_n: "c", adj_mean: "c" });
  });

  it("secondary suppression runs over the whole table: schools in one mart, their LA total in another", () => {
    // model tutees: 2001 has 2 (c), 2002 has 18, the LA row (mart_la) 20: 18 would give 2 away
    expect(prog.get("200|2001|English")!.adj_n).toBe("c");
    expect(prog.get("200|2002|English")!.adj_n).toBe("c");
    expect(la.get("200||English")!.model_n).toBe("20");
    // the tutees themselves (20 + 20 = 40) stay published
    expect(att.get("200|2001|English")!.n_t).toBe("20");
  });

  it("complements of published groups stay published", () => {
    expect(att.get("300||English")).toMatchObject({ n_t: "30", n_base: "30", n_below: "28", pct_below: "93.3" });
  });

  it("an empty denominator is z, with no footnote", async () => {
    expect(att.get("300||Mathematics")).toMatchObject({ n_base: "0", n_below: "0", pct_below: "z" });
    const notes = await db.all(`select * from published_footnotes where la_code = '300' and subject = 'Mathematics' and indicator = 'pct_below'`);
    expect(notes).toEqual([]);
  });

  it("every x carries the reason that applies: the figure's own, else the row's; a row reason z makes it z", async () => {
    expect(att.get("300||English")!.est).toBe("x");
    expect(att.get("300||Mathematics")!.est).toBe("x");
    expect(att.get("300||Total")!.est).toBe("z");
    const notes = await db.all<{ la_code: string; subject: string; indicator: string; reason: string }>(
      `select la_code, subject, indicator, reason from published_footnotes where published_table = 'published_att' order by all`,
    );
    expect(notes).toContainEqual({ la_code: "300", subject: "English", indicator: "est", reason: "fewer than 40 tutees" });
    expect(notes).toContainEqual({ la_code: "300", subject: "Mathematics", indicator: "est", reason: "no comparison pupils in the model" });
    // one footnote per x cell, no more
    let xCells = 0;
    for (const t of ["published_att", "published_prog", "published_la"]) {
      for (const r of await db.all<Record<string, string>>(`select * from ${t}`)) xCells += Object.values(r).filter((v) => v === "x").length;
    }
    const all = await db.one<{ n: number }>(`select count(*) as n from published_footnotes`);
    expect(Number(all!.n)).toBe(xCells);
  });
});

describe("publish: the count catalogue is checked", () => {
  it("fails loudly, naming both columns, where two counts declared to be the same pupils differ", async () => {
    const db = await Db.open(":memory:");
    const dir = await build(
      db,
      [
        ["100", null, "English", 20, 20, 4, 1.2, null, null],
        ["100", "1002", "English", 6, 6, 0, null, null, null],
      ],
      [["100", "1002", 7, 6]],
      [["100", 20]],
    );
    await expect(publish(db, fakeSettings([HERTS]), { catalogueDir: dir })).rejects.toThrow(/mart_att\.n_t = 6, mart_prog\.n_twin = 7/);
    await expect(publish(db, fakeSettings([HERTS]), { catalogueDir: dir })).rejects.toBeInstanceOf(DisclosureError);
    db.close();
  });

  it("the project's catalogue declares every count a published figure is based on", () => {
    const csvRows = (path: string) => {
      const [head, ...lines] = readFileSync(path, "utf8").trim().split("\n");
      const cols = head.split(",");
      // the count columns are the last plain fields, so split the quoted label away first
      return lines.map((l) => {
        const cells = l.replace(/"(?:[^"]|"")*"/g, "label").split(",");
        return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
      });
    };
    const declared = new Set(csvRows(join(DEFAULT_CATALOGUE_DIR, "counts", "counts.csv")).map((r) => `${r.mart}.${r.count}`));
    const missing: string[] = [];
    for (const f of readdirSync(DEFAULT_CATALOGUE_DIR).filter((f) => f.endsWith(".csv"))) {
      for (const r of csvRows(join(DEFAULT_CATALOGUE_DIR, f))) {
        for (const c of r.count_basis.split(";")) {
          const key = `${r.mart}.${c.replace(/@total$/, "")}`;
          if (!declared.has(key)) missing.push(`${f}: ${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
