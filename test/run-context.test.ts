// The run context (issue 18): settings reach SQL through run_context and run_las only. The
// channels it replaced stay gone, the context is what the settings and staged tables give, and
// disclosure control suppresses by the threshold the table holds, set from settings.
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { START_SPLIT_HOURS } from "../pipelines/core/ntp-rules.ts";
import { ensureRunContext, readRunContext, severalLas, writeRunContext } from "../pipelines/core/run-context.ts";
import { parseSettings } from "../pipelines/core/settings.ts";
import { publish } from "../pipelines/export/disclosure.ts";
import { buildFakeMarts, ESSEX, fakeSettings, HERTS, KENT } from "./fixtures/returns/fake-marts.ts";

const PIPELINES = join(import.meta.dirname, "..", "pipelines");
/** The tables and temp tables settings used to reach SQL by before the run context. */
const REMOVED_CHANNELS = ["run_settings", "run_years", "programme_params", "impact_las", "validate_las", "ntp_params"];
const removedChannel = new RegExp(`\\b(${REMOVED_CHANNELS.join("|")})\\b`, "i");

function filesUnder(dir: string, ext: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, ext);
    return ext.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

/** Lines of `text` naming a removed channel, as "file:line: text". */
function channelReads(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .flatMap((line, i) => (removedChannel.test(line) ? [`${relative(PIPELINES, path)}:${i + 1}: ${line.trim()}`] : []));
}

describe("settings reach SQL through the run context only", () => {
  it("no SQL file under pipelines/ reads run_settings, run_years, programme_params, impact_las, validate_las or ntp_params", () => {
    const sql = filesUnder(PIPELINES, [".sql"]);
    expect(sql.length).toBeGreaterThan(20);
    expect(sql.flatMap(channelReads)).toEqual([]);
  });

  it("nor does SQL written inside the TypeScript of pipelines/", () => {
    const ts = filesUnder(PIPELINES, [".ts"]);
    expect(ts.length).toBeGreaterThan(20);
    expect(ts.flatMap(channelReads)).toEqual([]);
  });

  it("the check would see a model that read one", () => {
    expect(removedChannel.test("where la_code in (select la_code from impact_las)")).toBe(true);
    expect(removedChannel.test("cross join run_settings as r")).toBe(true);
    expect(removedChannel.test("where f.la_code <> 'National' or (select national from ntp_params)")).toBe(true);
    expect(removedChannel.test("where la_code in (select la_code from run_las)")).toBe(false);
  });
});

describe("the run context of a set of settings", () => {
  let db: Db;
  beforeEach(async () => {
    db = await Db.open(":memory:");
  });
  afterEach(() => db.close());

  it("holds the settings' values, one row, and one run_las row per LA in settings order", async () => {
    const settings = fakeSettings([KENT, HERTS], {
      academic_years: ["2010/11", "2009/10"],
      suppression_threshold: 7,
      tutor_hourly_rate_gbp: 31,
      school_payment_per_place_gbp: 60,
    });
    await writeRunContext(db, settings);
    expect(await db.all("select * from run_context")).toEqual([
      {
        tutor_hourly_rate_gbp: 31,
        school_payment_per_place_gbp: 60,
        suppression_threshold: 7,
        several_las: true,
        sessions_available: false,
        academic_years: ["2010/11", "2009/10"],
        programme: "one_to_one_2009",
        ntp_full_course_hours: null,
        ntp_start_split_hours: null,
      },
    ]);
    expect(await db.all("select la_code from run_las")).toEqual([{ la_code: KENT.old_code }, { la_code: HERTS.old_code }]);
  });

  it("analyses every year with a tuition row when settings name none, and knows whether there are sessions", async () => {
    await db.run("create table stg_tuition (academic_year VARCHAR)");
    await db.run("insert into stg_tuition values ('2010/11'), ('2009/10'), ('2010/11')");
    await db.run("create table stg_sessions (tuition_id VARCHAR)");
    await db.run("insert into stg_sessions values ('T1')");
    const context = await writeRunContext(db, fakeSettings([HERTS]));
    expect(context.academic_years).toEqual(["2009/10", "2010/11"]);
    expect(context.sessions_available).toBe(true);
    expect(context.several_las).toBe(false);
    expect(await readRunContext(db)).toEqual(context);
  });

  it("an ntp run's context holds its full-place hours from settings and the 16-hour start split of the rules", async () => {
    const settings = parseSettings({
      la: { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" },
      programme: "ntp",
      academic_years: ["2022/23"],
      build_date: "2023-09-30",
      ntp: { full_course_hours: 9.5 },
    });
    const context = await writeRunContext(db, settings);
    expect(await db.one("select programme, ntp_full_course_hours, ntp_start_split_hours from run_context")).toEqual({
      programme: "ntp",
      ntp_full_course_hours: 9.5,
      ntp_start_split_hours: START_SPLIT_HOURS,
    });
    expect(await readRunContext(db)).toEqual(context);
  });

  it("several LAs means two or more, in one function", () => {
    expect(severalLas([HERTS])).toBe(false);
    expect(severalLas([HERTS, ESSEX])).toBe(true);
  });

  it("ensureRunContext keeps a current context and rewrites one the settings would not give", async () => {
    await writeRunContext(db, fakeSettings([HERTS], { suppression_threshold: 5 }));
    // A marker column shows whether the table was rewritten.
    await db.run("alter table run_context add column marker INTEGER default 1");
    await ensureRunContext(db, fakeSettings([HERTS], { suppression_threshold: 5 }));
    expect(await db.one("select marker, suppression_threshold from run_context")).toEqual({ marker: 1, suppression_threshold: 5 });
    await ensureRunContext(db, fakeSettings([HERTS, ESSEX], { suppression_threshold: 9 }));
    const row = await db.one("select * from run_context");
    expect(row).not.toHaveProperty("marker");
    expect(row).toMatchObject({ suppression_threshold: 9, several_las: true });
    expect(await db.all("select la_code from run_las")).toEqual([{ la_code: HERTS.old_code }, { la_code: ESSEX.old_code }]);
  });
});

describe("disclosure control suppresses by run_context's threshold", () => {
  const tmp = mkdtempSync(join(tmpdir(), "run-context-"));

  /** Publishes the same generated marts with `threshold`; returns mart counts beside what was published. */
  async function published(threshold: number) {
    const db = await Db.open(":memory:");
    try {
      const dir = join(tmp, `t${threshold}`);
      const las = [HERTS, ESSEX, KENT];
      await buildFakeMarts(db, { las, seed: 3, places: 30, catalogueDir: dir });
      await publish(db, fakeSettings(las, { suppression_threshold: threshold }), { catalogueDir: dir });
      const table = await db.one<{ t: number }>("select suppression_threshold as t from run_context");
      const cells = await db.all<{ n: number; shown: string }>(
        `select m.n_pupils as n, p.n_pupils as shown from mart_delivery m
         join published_delivery p using (time_period, la_code, subject, breakdown, group_label)
         where m.urn is not distinct from p.urn`,
      );
      return { table: table?.t, cells };
    } finally {
      db.close();
    }
  }

  it("a count below the threshold set in settings is c, and one at or above it shown unless secondarily suppressed", async () => {
    const low = await published(3);
    const high = await published(10);
    expect(low.table).toBe(3);
    expect(high.table).toBe(10);
    for (const [threshold, run] of [
      [3, low],
      [10, high],
    ] as const) {
      expect(run.cells.length).toBeGreaterThan(0);
      const small = run.cells.filter((c) => c.n > 0 && c.n < threshold);
      expect(small.map((c) => `${c.n}: ${c.shown}`)).toEqual(small.map((c) => `${c.n}: c`));
      for (const c of run.cells) expect(c.shown === "c" || Number(c.shown) === 0 || Number(c.shown) >= threshold, `${c.shown}`).toBe(true);
    }
    // The counts from 3 to 9: published as numbers at threshold 3 (some of them), c at threshold 10 (all).
    const between = (cells: { n: number; shown: string }[]) => cells.filter((c) => c.n >= 3 && c.n < 10);
    expect(between(high.cells).length).toBeGreaterThan(0);
    expect(between(high.cells).every((c) => c.shown === "c")).toBe(true);
    expect(between(low.cells).some((c) => c.shown !== "c" && Number(c.shown) === c.n)).toBe(true);
  });
});
