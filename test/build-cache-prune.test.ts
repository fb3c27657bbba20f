// Test builds cached by builtOnce (test/helpers/source-files.ts) are keyed on their sources, so
// every change to pipelines/ or src/ leaves a new folder in the system temp folder (100 MB for the
// demo LA): pruneBuilds deletes the old ones, but never the current sources' build, one a worker
// has asked for within the last hour, one whose build is under way, nor another name's.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildCache, builtOnce, IDLE_BEFORE_PRUNE_MS, pruneBuilds, sourcesHash } from "./helpers/source-files.ts";

const HOUR = 60 * 60 * 1000;
const NOW = Date.parse("2026-12-03T12:00:00Z");
const CURRENT = "0123456789abcdef";

let root = "";
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A finished build of `name` keyed `key`, last asked for `ago` ms before NOW. */
function build(name: string, key: string, ago: number, finished = true): string {
  const dir = join(root, `${name}-${key}`);
  mkdirSync(join(dir, "out"), { recursive: true });
  writeFileSync(join(dir, "out", "data.txt"), "rows");
  const when = new Date(NOW - ago);
  if (finished) {
    writeFileSync(join(dir, "built.json"), "{}");
    utimesSync(join(dir, "built.json"), when, when);
  }
  utimesSync(dir, when, when);
  return dir;
}

describe("pruneBuilds", () => {
  it("deletes only the idle builds of other sources of the name it is given", () => {
    root = mkdtempSync(join(tmpdir(), "prune-builds-"));
    const oldDay = build("tuition-demo-site", "aaaaaaaaaaaaaaaa", 25 * HOUR);
    const oldHours = build("tuition-demo-site", "bbbbbbbbbbbbbbbb", 2 * HOUR);
    const unfinished = build("tuition-demo-site", "cccccccccccccccc", 3 * HOUR, false);
    const current = build("tuition-demo-site", CURRENT, 30 * HOUR);
    const recent = build("tuition-demo-site", "dddddddddddddddd", 10 * 60 * 1000);
    const building = build("tuition-demo-site", "eeeeeeeeeeeeeeee", 5 * HOUR, false);
    mkdirSync(`${building}.lock`);
    const otherName = build("tuition-demo-site-x", "ffffffffffffffff", 30 * HOUR);
    const notAKey = build("tuition-demo-site", "notahash", 30 * HOUR);

    const removed = pruneBuilds(root, "tuition-demo-site", CURRENT, IDLE_BEFORE_PRUNE_MS, NOW);

    expect(removed.sort()).toEqual([oldDay, oldHours, unfinished].sort());
    for (const dir of removed) expect(existsSync(dir), dir).toBe(false);
    for (const dir of [current, recent, building, `${building}.lock`, otherName, notAKey]) expect(existsSync(dir), dir).toBe(true);
    expect(readdirSync(root).length).toBe(6);
  });

  it("keeps a build whose folder is old but which was asked for lately (built.json's time)", () => {
    root = mkdtempSync(join(tmpdir(), "prune-builds-"));
    const used = build("tuition-planted-run", "1111111111111111", 20 * 60 * 1000);
    const old = new Date(NOW - 48 * HOUR);
    utimesSync(used, old, old);
    expect(statSync(used).mtimeMs).toBe(old.getTime());
    expect(pruneBuilds(root, "tuition-planted-run", CURRENT, IDLE_BEFORE_PRUNE_MS, NOW)).toEqual([]);
    expect(pruneBuilds(root, "tuition-planted-run", CURRENT, IDLE_BEFORE_PRUNE_MS, NOW + HOUR)).toEqual([used]);
  });

  it("builtOnce marks its build as used each time it is asked for, and makes it once", async () => {
    root = join(buildCache(), `tuition-prune-test-${process.pid}-${sourcesHash(["package.json"])}`);
    let made = 0;
    const ask = () => builtOnce(`tuition-prune-test-${process.pid}`, ["package.json"], async (dir) => ({ dir, made: ++made }));
    const first = await ask();
    expect(first).toEqual({ dir: root, made: 1 });
    const old = new Date(Date.now() - 2 * HOUR);
    utimesSync(join(root, "built.json"), old, old);
    expect(await ask()).toEqual(first);
    expect(made).toBe(1);
    expect(Date.now() - statSync(join(root, "built.json")).mtimeMs).toBeLessThan(IDLE_BEFORE_PRUNE_MS);
  });
});
