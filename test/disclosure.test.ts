// Disclosure control (outputs.md §2): hand-worked suppression patterns, an independent
// differencing checker over generated marts, derived figures, x/z with footnotes, and the SQL
// rounding agreeing with core/round.ts.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { formatFixed } from "../pipelines/core/round.ts";
import { publish, sqlRound } from "../pipelines/export/disclosure.ts";
import { buildFakeMarts, ESSEX, fakeSettings, HERTS, KENT } from "./fixtures/returns/fake-marts.ts";

const tmp = mkdtempSync(join(tmpdir(), "disclosure-"));

describe("sqlRound agrees with core/round.ts formatFixed", () => {
  let db: Db;
  beforeAll(async () => {
    db = await Db.open(":memory:");
  });
  afterAll(() => db.close());

  it("on halves, binary-noise cases, negatives, zeros and random values at dp 0..3", async () => {
    const values: number[] = [
      1.005, 0.145, 0.125, -0.125, 2.5, -2.5, 2.675, 1.0049999, -0.04, -0.05, 0, -0, 1234567.891, 0.0005, 99.95, -99.95, 1e-9, 123456.785,
    ];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 300; i++) {
      const dp = i % 4;
      values.push((Math.floor(rand() * 200000) - 100000 + 0.5) / 10 ** dp / 10); // exact halves one place below dp
      values.push((rand() - 0.5) * 10 ** Math.floor(rand() * 7));
    }
    await db.run("create or replace table v (i integer, x double)");
    for (const [i, x] of values.entries()) await db.run("insert into v values (?, ?)", [i, x]);
    for (const dp of [0, 1, 2, 3]) {
      const rows = await db.all<{ i: number; s: string }>(`select i, ${sqlRound("x", dp)} as s from v order by i`);
      const mismatches = rows
        .filter((r) => r.s !== formatFixed(values[r.i], dp))
        .map((r) => `${values[r.i]} dp${dp}: sql ${r.s} js ${formatFixed(values[r.i], dp)}`);
      expect(mismatches).toEqual([]);
    }
  });

  it("on both sides of its fast path's edges (near halves, 1e8) at dp 0..6", async () => {
    const values: number[] = [];
    for (let dp = 0; dp <= 6; dp++) {
      const unit = 10 ** -dp;
      for (const base of [0, 1, 2.5, 17, 123.4, 99999.9, 12345678, 99999999]) {
        for (const off of [0.5, 0.5 - 1e-5, 0.5 + 1e-5, 0.5 - 1e-4, 0.5 + 1e-4, 0.5 - 2e-4, 0.5 + 2e-4, 0.4999, 0.25, 0, 1 - 1e-9]) {
          const v = Number(((base / unit + off) * unit).toPrecision(15));
          if (Math.abs(v) < 1e9) values.push(v, -v);
        }
      }
    }
    await db.run("create or replace table w (i integer, x double)");
    for (const [i, x] of values.entries()) await db.run("insert into w values (?, ?)", [i, x]);
    for (let dp = 0; dp <= 6; dp++) {
      const rows = await db.all<{ i: number; s: string }>(`select i, ${sqlRound("x", dp)} as s from w order by i`);
      const mismatches = rows
        .filter((r) => r.s !== formatFixed(values[r.i], dp))
        .map((r) => `${values[r.i]} dp${dp}: sql ${r.s} js ${formatFixed(values[r.i], dp)}`);
      expect(mismatches).toEqual([]);
    }
  });
});

// A hand-built mart: one count `n`, a mean derived from it, and an estimate with x/z reasons.
async function handMart(db: Db, rows: [string, string | null, string, string, string, number][]) {
  await db.run(`create or replace table mart_hand (time_period varchar, la_code varchar, urn varchar, subject varchar, breakdown varchar, group_label varchar,
    n integer, mean_score double, estimate double, estimate_na_reason varchar, share double)`);
  for (const [la, urn, subject, breakdown, group, n] of rows) {
    await db.run(`insert into mart_hand values ('200910', ?, ?, ?, ?, ?, ?, ?, ?, ?, null)`, [
      la,
      urn,
      subject,
      breakdown,
      group,
      n,
      n === 0 ? null : 20 + n / 7,
      subject === "Total" ? null : n >= 10 ? 1.25 : null,
      subject === "Total" ? "not applicable: per subject only" : n >= 10 ? null : "Fewer than 10 tutees",
    ]);
  }
  await db.run(`update mart_hand set share = 100.0 * n / (select t.n from mart_hand t where t.la_code = mart_hand.la_code
    and t.urn is not distinct from mart_hand.urn and t.subject = mart_hand.subject and t.breakdown = 'total')`);
  const dir = join(tmp, `hand-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "hand.csv"),
    `indicator,mart,label,grouping,unit,dp,count_basis,level
n,mart_hand,Pupils,Counts,,0,n,both
mean_score,mart_hand,Mean score,Attainment,,1,n,both
estimate,mart_hand,Estimate,Impact,,1,n,la
share,mart_hand,Share of all pupils,Counts,%,1,n;n@total,both
`,
  );
  return dir;
}

async function published(db: Db): Promise<Map<string, Record<string, string>>> {
  const rows = await db.all<Record<string, string>>(`select * from published_hand`);
  return new Map(rows.map((r) => [`${r.la_code}|${r.urn ?? ""}|${r.subject}|${r.breakdown}|${r.group_label}`, r]));
}

describe("publish: hand-worked suppression patterns", () => {
  let db: Db;
  let pub: Map<string, Record<string, string>>;
  const n = (key: string) => pub.get(key)?.n;
  beforeAll(async () => {
    db = await Db.open(":memory:");
    const E = "English";
    const dir = await handMart(db, [
      // LA 100: one total (29) shared by every breakdown of English.
      ["100", null, E, "total", "Total", 29],
      ["100", null, E, "sex", "Female", 3],
      ["100", null, E, "sex", "Male", 26],
      ["100", null, E, "sen_provision", "No SEN provision", 20],
      ["100", null, E, "sen_provision", "School Action", 2],
      ["100", null, E, "sen_provision", "School Action Plus", 0],
      ["100", null, E, "sen_provision", "Statement", 7],
      ["100", null, E, "fsm_status", "FSM eligible", 6],
      ["100", null, E, "fsm_status", "Not known to be FSM eligible", 23],
      ["100", null, E, "ethnicity_major", "Asian / Asian British", 1],
      ["100", null, E, "ethnicity_major", "Black / African / Caribbean / Black British", 14],
      ["100", null, E, "ethnicity_major", "White", 14],
      ["100", null, E, "key_stage", "Key stage 2", 0],
      ["100", null, E, "key_stage", "Key stage 3", 29],
      ["100", null, E, "key_stage", "Key stage 4", 0],
      // LA 200: the only unsuppressed parts are zeros, so the total goes, and cascades.
      ["200", null, E, "total", "Total", 8],
      ["200", null, E, "first_language", "Known or believed to be English", 3],
      ["200", null, E, "first_language", "Known or believed to be other than English", 0],
      ["200", null, E, "key_stage", "Key stage 2", 0],
      ["200", null, E, "key_stage", "Key stage 3", 8],
      // LA 300: subject set (English + Mathematics vs Total).
      ["300", null, "English", "total", "Total", 10],
      ["300", null, "Mathematics", "total", "Total", 3],
      ["300", null, "Total", "total", "Total", 12],
      // LA 400: schools vs LA row.
      ["400", null, E, "total", "Total", 54],
      ["400", "4001", E, "total", "Total", 4],
      ["400", "4002", E, "total", "Total", 20],
      ["400", "4003", E, "total", "Total", 30],
    ]);
    await publish(db, fakeSettings([HERTS]), { catalogueDir: dir });
    pub = await published(db);
  });
  afterAll(() => db.close());

  it("suppresses counts 1..4 and the next smallest non-zero part; zeros stay 0", () => {
    expect(n("100||English|total|Total")).toBe("29");
    expect([n("100||English|sex|Female"), n("100||English|sex|Male")]).toEqual(["c", "c"]);
    expect([
      n("100||English|sen_provision|No SEN provision"),
      n("100||English|sen_provision|School Action"),
      n("100||English|sen_provision|School Action Plus"),
      n("100||English|sen_provision|Statement"),
    ]).toEqual(["20", "c", "0", "c"]);
    expect([n("100||English|fsm_status|FSM eligible"), n("100||English|fsm_status|Not known to be FSM eligible")]).toEqual(["6", "23"]);
    expect([n("100||English|key_stage|Key stage 2"), n("100||English|key_stage|Key stage 3"), n("100||English|key_stage|Key stage 4")]).toEqual([
      "0",
      "29",
      "0",
    ]);
  });
  it("breaks ties by group label (byte order)", () => {
    expect([
      n("100||English|ethnicity_major|Asian / Asian British"),
      n("100||English|ethnicity_major|Black / African / Caribbean / Black British"),
      n("100||English|ethnicity_major|White"),
    ]).toEqual(["c", "c", "14"]);
  });
  it("suppresses a total when only zero parts remain, and re-protects every set that total is in", () => {
    expect(n("200||English|total|Total")).toBe("c");
    expect(n("200||English|first_language|Known or believed to be English")).toBe("c");
    expect(n("200||English|first_language|Known or believed to be other than English")).toBe("0");
    expect([n("200||English|key_stage|Key stage 2"), n("200||English|key_stage|Key stage 3")]).toEqual(["0", "c"]);
  });
  it("protects English + Mathematics against subject Total", () => {
    expect([n("300||English|total|Total"), n("300||Mathematics|total|Total"), n("300||Total|total|Total")]).toEqual(["c", "c", "12"]);
  });
  it("protects the schools of an LA against the LA row", () => {
    expect([n("400|4001|English|total|Total"), n("400|4002|English|total|Total"), n("400|4003|English|total|Total"), n("400||English|total|Total")]).toEqual([
      "c",
      "c",
      "30",
      "54",
    ]);
  });
  it("suppresses every figure derived from a suppressed count, and rounds the rest", () => {
    // Split first, each part shown non-empty, so neither check can pass without running.
    const rows = [...pub.values()];
    const suppressed = rows.filter((row) => row.n === "c");
    const shown = rows.filter((row) => row.n !== "c" && row.n !== "0");
    expect(suppressed.length).toBeGreaterThan(0);
    expect(shown.length).toBeGreaterThan(0);
    for (const row of suppressed) expect([row.mean_score, row.estimate]).toEqual(["c", "c"]);
    for (const row of shown) expect(row.mean_score).toBe(formatFixed(20 + Number(row.n) / 7, 1));
  });
  it("suppresses a share of the whole when its own count or the Total row's count is suppressed (n@total)", () => {
    expect(pub.get("100||English|sen_provision|No SEN provision")!.share).toBe(formatFixed((100 * 20) / 29, 1));
    expect(pub.get("100||English|sex|Female")!.share).toBe("c");
    expect(pub.get("200||English|key_stage|Key stage 2")!.n).toBe("0");
    expect(pub.get("200||English|key_stage|Key stage 2")!.share).toBe("c"); // its Total row (8) is suppressed
    expect(pub.get("100||English|key_stage|Key stage 2")!.share).toBe("0.0");
  });
  it("publishes x with a footnote where not available, z where not applicable", async () => {
    expect(pub.get("100||English|total|Total")!.estimate).toBe("1.3"); // 1.25 half away from zero
    expect(pub.get("100||English|fsm_status|FSM eligible")!.estimate).toBe("x");
    expect(pub.get("300||Total|total|Total")!.estimate).toBe("z");
    const notes = await db.all<{ la_code: string; group_label: string; reason: string }>(
      `select la_code, group_label, reason from published_footnotes where indicator = 'estimate' order by la_code, group_label`,
    );
    expect(notes).toContainEqual({ la_code: "100", group_label: "FSM eligible", reason: "Fewer than 10 tutees" });
    const xCells = [...pub.values()].filter((r) => r.estimate === "x").length;
    expect(notes.length).toBe(xCells);
  });
});

// A breakdown whose Total row is not unique (two rows of one key): each of its rows is published
// once for each Total row, so the published table is no longer row for row the mart, and the
// footnotes are worked out from the mart again rather than read back beside it.
describe("publish: footnotes where a Total row is not unique", () => {
  let db: Db;
  let rows: Record<string, string | null>[];
  let notes: Record<string, string | null>[];
  beforeAll(async () => {
    db = await Db.open(":memory:");
    await db.run(`create table mart_dup (time_period varchar, la_code varchar, urn varchar, subject varchar, breakdown varchar, group_label varchar,
      n integer, estimate double, estimate_na_reason varchar, na_reason varchar)`);
    await db.run(`insert into mart_dup values
      ('200910', '100', null, 'English', 'total', 'Total', 40, 1.25, null, null),
      ('200910', '100', null, 'English', 'total', 'Total', 40, null, 'Fewer than 10 tutees', null),
      ('200910', '100', null, 'English', 'sex', 'Female', 20, null, '  ', 'Not estimated for this group'),
      ('200910', '100', null, 'English', 'sex', 'Male', 20, null, 'not applicable: one sex only', null),
      ('200910', '100', null, 'Mathematics', 'total', 'Total', 0, null, null, null)`);
    const dir = join(tmp, "dup");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "dup.csv"),
      "indicator,mart,label,grouping,unit,dp,count_basis,level\nn,mart_dup,Pupils,Counts,,0,n,both\nestimate,mart_dup,Estimate,Impact,,1,n,la\n",
    );
    await publish(db, fakeSettings([HERTS]), { catalogueDir: dir });
    rows = await db.all(`select group_label, subject, n, estimate from published_dup order by all`);
    notes = await db.all(`select group_label, subject, indicator, reason from published_footnotes where published_table = 'published_dup' order by all`);
  });
  afterAll(() => db.close());

  it("publishes each row once per Total row of its key, and reads x, z and the rounded figure as the mart has them", () => {
    // every English row once per English Total row (two), so each Total row twice; Mathematics, one Total row, once
    expect(rows).toEqual([
      { group_label: "Female", subject: "English", n: "20", estimate: "x" },
      { group_label: "Female", subject: "English", n: "20", estimate: "x" },
      { group_label: "Male", subject: "English", n: "20", estimate: "z" },
      { group_label: "Male", subject: "English", n: "20", estimate: "z" },
      { group_label: "Total", subject: "English", n: "40", estimate: "1.3" },
      { group_label: "Total", subject: "English", n: "40", estimate: "1.3" },
      { group_label: "Total", subject: "English", n: "40", estimate: "x" },
      { group_label: "Total", subject: "English", n: "40", estimate: "x" },
      { group_label: "Total", subject: "Mathematics", n: "0", estimate: "z" },
    ]);
  });

  it("gives every x cell its footnote: the figure's own reason, else the row's (a blank own reason is none), and nothing for z", () => {
    expect(notes).toEqual([
      { group_label: "Female", subject: "English", indicator: "estimate", reason: "Not estimated for this group" },
      { group_label: "Female", subject: "English", indicator: "estimate", reason: "Not estimated for this group" },
      { group_label: "Total", subject: "English", indicator: "estimate", reason: "Fewer than 10 tutees" },
      { group_label: "Total", subject: "English", indicator: "estimate", reason: "Fewer than 10 tutees" },
    ]);
  });
});

/** Independent checker: every additive set of a published count; fails on a set with exactly one c and the rest numbers. */
function recoverable(rows: Record<string, string | null>[], count: string): string[] {
  const sets = new Map<string, { parts: (string | null)[]; total: (string | null)[] }>();
  const add = (key: string, role: "parts" | "total", v: string | null) => {
    if (!sets.has(key)) sets.set(key, { parts: [], total: [] });
    sets.get(key)![role].push(v);
  };
  for (const r of rows) {
    const v = r[count];
    const urn = r.urn ?? "";
    add(`b|${r.time_period}|${r.la_code}|${urn}|${r.subject}|${r.breakdown}`, r.breakdown === "total" ? "total" : "parts", v);
    if (r.breakdown === "total") {
      // the total row belongs to every breakdown's set of its (LA, school, subject)
      for (const other of new Set(
        rows.filter((o) => o.la_code === r.la_code && (o.urn ?? "") === urn && o.subject === r.subject && o.breakdown !== "total").map((o) => o.breakdown),
      )) {
        add(`b|${r.time_period}|${r.la_code}|${urn}|${r.subject}|${other}`, "total", v);
      }
    }
    add(`s|${r.time_period}|${r.la_code}|${urn}|${r.breakdown}|${r.group_label}`, r.subject === "Total" ? "total" : "parts", v);
    add(`u|${r.time_period}|${r.la_code}|${r.subject}|${r.breakdown}|${r.group_label}`, r.urn == null ? "total" : "parts", v);
  }
  const bad: string[] = [];
  for (const [key, s] of sets) {
    if (s.total.length === 0 || s.parts.length === 0) continue;
    const all = [...s.parts, ...s.total.slice(0, 1)];
    const hidden = all.filter((v) => v === "c" || v === "x" || v == null);
    if (hidden.length === 1 && hidden[0] === "c") bad.push(`${key}: ${all.join(",")}`);
  }
  return bad;
}

describe("publish: generated marts with small groups", () => {
  for (const [seed, threshold, places] of [
    [1, 5, 40],
    [2, 5, 25],
    [3, 10, 40],
    [4, 5, 12],
  ] as const) {
    it(`seed ${seed}, threshold ${threshold}: no small count published, nothing recoverable by differencing`, async () => {
      const db = await Db.open(":memory:");
      const dir = join(tmp, `gen-${seed}`);
      const las = [HERTS, ESSEX, KENT];
      await buildFakeMarts(db, { las, seed, places, catalogueDir: dir });
      await publish(db, fakeSettings(las, { suppression_threshold: threshold }), { catalogueDir: dir });
      const rows = await db.all<Record<string, string | null>>(`select * from published_delivery`);
      const marts = await db.all<Record<string, unknown>>(`select * from mart_delivery`);
      expect(rows.length).toBe(marts.length);
      let suppressed = 0;
      for (const r of rows) {
        for (const c of ["n_pupils", "n_places"]) {
          const v = r[c]!;
          if (v === "c") suppressed++;
          expect(v === "c" || Number(v) === 0 || Number(v) >= threshold, `${c} = ${v}`).toBe(true);
        }
        // derived from n_places: c exactly when n_places is c
        for (const c of ["mean_hours", "pct_full_places", "total_cost_gbp"]) expect(r[c] === "c").toBe(r.n_places === "c");
      }
      expect(suppressed).toBeGreaterThan(0);
      expect(recoverable(rows, "n_pupils")).toEqual([]);
      expect(recoverable(rows, "n_places")).toEqual([]);
      // impact follows its counts: a primary-small n_tutees is c
      const impact = await db.all<{ n_tutees: number; impact_points: string }>(
        `select m.n_tutees, p.impact_points from mart_impact m join published_impact p using (time_period, la_code, subject, breakdown, group_label)`,
      );
      const small = impact.filter((r) => r.n_tutees > 0 && r.n_tutees < threshold);
      expect(small.length, "groups with fewer tutees than the threshold").toBeGreaterThan(0);
      expect(small.map((r) => r.impact_points)).toEqual(small.map(() => "c"));
      db.close();
    });
  }

  it("the checker itself catches a single suppressed cell", () => {
    const row = (group: string, breakdown: string, v: string) => ({
      time_period: "200910",
      la_code: "1",
      urn: null,
      subject: "English",
      breakdown,
      group_label: group,
      n: v,
    });
    expect(recoverable([row("Total", "total", "10"), row("Female", "sex", "c"), row("Male", "sex", "7")], "n")).toHaveLength(1);
    expect(recoverable([row("Total", "total", "10"), row("Female", "sex", "c"), row("Male", "sex", "c")], "n")).toHaveLength(0);
  });

  it("is deterministic: the same marts give the same published tables", async () => {
    const snapshots: string[] = [];
    for (let i = 0; i < 2; i++) {
      const db = await Db.open(":memory:");
      const dir = join(tmp, `det-${i}`);
      await buildFakeMarts(db, { las: [HERTS, ESSEX], seed: 5, places: 30, catalogueDir: dir });
      await publish(db, fakeSettings([HERTS, ESSEX]), { catalogueDir: dir });
      snapshots.push(JSON.stringify(await db.all(`select * from published_delivery`)));
      db.close();
    }
    expect(snapshots[0]).toBe(snapshots[1]);
  });
});

describe("publish: a mart with a further dimension (e.g. questionnaire item)", () => {
  it("keeps the dimension in published_* and protects each item's sets separately", async () => {
    const db = await Db.open(":memory:");
    await db.run(`create table mart_items as select * from (values
      ('200910', '100', null, 'English', 'total', 'Total', 'A', 13), ('200910', '100', null, 'English', 'sex', 'Female', 'A', 3),
      ('200910', '100', null, 'English', 'sex', 'Male', 'A', 10),
      ('200910', '100', null, 'English', 'total', 'Total', 'B', 5), ('200910', '100', null, 'English', 'sex', 'Female', 'B', 2),
      ('200910', '100', null, 'English', 'sex', 'Male', 'B', 3)
    ) t(time_period, la_code, urn, subject, breakdown, group_label, item, n)`);
    const dir = join(tmp, "items");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "items.csv"), "indicator,mart,label,grouping,unit,dp,count_basis,level\nn,mart_items,Responses,Counts,,0,n,none\n");
    await publish(db, fakeSettings([HERTS]), { catalogueDir: dir });
    const rows = await db.all<{ item: string; group_label: string; n: string }>(`select item, group_label, n from published_items order by item, group_label`);
    expect(rows).toEqual([
      { item: "A", group_label: "Female", n: "c" },
      { item: "A", group_label: "Male", n: "c" },
      { item: "A", group_label: "Total", n: "13" },
      { item: "B", group_label: "Female", n: "c" },
      { item: "B", group_label: "Male", n: "c" },
      { item: "B", group_label: "Total", n: "5" },
    ]);
    db.close();
  });
});
