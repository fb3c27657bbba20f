// No join by nested loop between two tables of many rows (pipelines/core/join-check.ts): such a
// join compares every pair of rows, so it passes every test on small data and takes hours on a
// national run (a one-sided condition in a LEFT JOIN's ON took 9.3 s of a 400-school ntp LA's run;
// 81b2707). The pipelines run with TUITION_JOIN_CHECK, which profiles every statement and lists
// each nested-loop join whose inputs both have join-check.ts's MIN_ROWS rows or more: a 2009
// programme run of two LAs over two years (the National rows and the trends) and an ntp LA of 30
// schools, where the joins that were nested loops had 224-11,547 rows a side. A control first
// shows the check lists such a join and passes over a large table joined with a small one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIN_ROWS } from "../pipelines/core/join-check.ts";

const root = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "tuition-join-plans-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The joins a process run with TUITION_JOIN_CHECK listed, and how many statements it profiled (each
 * database it closed says so on a "#" line): a check that did not take would list nothing too.
 */
function listed(name: string, args: string[]): { loops: string[]; profiled: number } {
  const file = join(dir, `${name}.txt`);
  const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, TUITION_JOIN_CHECK: file }, encoding: "utf8" });
  expect(r.status, `${name}: ${r.stderr}`).toBe(0);
  expect(existsSync(file), `${name}: the check wrote nothing`).toBe(true);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const profiled = lines
    .map((l) => /^# .*: (\d+) of (\d+) statements profiled$/.exec(l))
    .filter((m) => m !== null)
    .reduce((sum, m) => sum + Number(m[1]), 0);
  return { loops: lines.filter((l) => !l.startsWith("#")), profiled };
}

const cli = (...args: string[]) => [join(root, "bin", "tuition-impact.js"), ...args, "--quiet"];

describe("joins by nested loop (TUITION_JOIN_CHECK)", () => {
  it("the check lists a one-sided LEFT JOIN condition between two large tables, and not a large table with a small one", () => {
    const script = `import { Db } from ${JSON.stringify(join(root, "pipelines", "core", "db.ts"))};
      const db = await Db.open(":memory:");
      const n = ${MIN_ROWS * 10};
      // a condition on the left side alone, as the ntp sample's was: a nested loop
      await db.all(\`select count(*) from range(\${n}) a(i) left join range(\${n}) b(j) on a.i < 500 and b.j = a.i\`);
      // the same key moved into the equality: a hash join
      await db.all(\`select count(*) from range(\${n}) a(i) left join range(\${n}) b(j) on b.j = case when a.i < 500 then a.i end\`);
      // a large table with a handful of rows (as the models table): by design, not listed
      await db.all(\`select count(*) from range(\${n}) a(i) join range(${MIN_ROWS - 1}) b(j) on a.i % 7 = 0 or b.j = 1\`);
      db.close();`;
    const { loops, profiled } = listed("control", ["--import", "tsx", "--input-type=module", "-e", script]);
    expect(profiled).toBe(3);
    expect(loops).toHaveLength(1);
    expect(loops[0]).toMatch(new RegExp(`^(BLOCKWISE_NL_JOIN|NESTED_LOOP_JOIN)\\t${MIN_ROWS * 10} x ${MIN_ROWS * 10} rows\\t.*a\\.i < 500`));
  });

  it("none in a 2009 programme run of two LAs over two years", () => {
    const input = join(dir, "national");
    // synthesise takes a number of LAs, the command line not (it makes all 152)
    const script = `import { synthesise } from ${JSON.stringify(join(root, "pipelines", "synth", "index.ts"))};
      await synthesise({ scale: "national", las: 2, schools: 16, years: 2, seed: 5, out: ${JSON.stringify(input)} });`;
    const synth = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(synth.status, synth.stderr).toBe(0);
    const { loops, profiled } = listed("national", cli("run", input, "--out", join(dir, "national-out")));
    expect(loops).toEqual([]);
    // the run's queries were profiled and read (about 480; DDL and inserts of values leave no profile)
    expect(profiled).toBeGreaterThan(250);
  }, 300_000);

  it("none in an ntp LA's run", () => {
    const input = join(dir, "ntp");
    const synth = spawnSync(process.execPath, cli("synth", "--programme", "ntp", "--schools", "30", "--seed", "11", "--out", input), {
      cwd: root,
      encoding: "utf8",
    });
    expect(synth.status, synth.stderr).toBe(0);
    const { loops, profiled } = listed("ntp", cli("run", input, "--out", join(dir, "ntp-out")));
    expect(loops).toEqual([]);
    expect(profiled).toBeGreaterThan(250); // about 340
  }, 300_000);
});
