// The test run's temp folders (test/helpers/run-temp.ts): every folder a test or a command line it
// starts makes in the temp folder lands in the run's own folder, which the run removes when it
// ends; builtOnce's builds stay in the system temp folder for the next run; and a run killed
// before its teardown has its folder removed by the next.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_CACHE, removeFinishedRuns } from "./helpers/run-temp.ts";
import { buildCache } from "./helpers/source-files.ts";

describe("the test run's temp folder", () => {
  it("is the temp folder of the tests and of the command lines they start, inside the system temp folder where builds are kept", () => {
    const run = tmpdir();
    expect(basename(run)).toMatch(/^tuition-test-run-\d+-/);
    expect(process.env[BUILD_CACHE]).toBe(dirname(run));
    expect(buildCache()).toBe(dirname(run));
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], { encoding: "utf8" });
    expect(child.stdout).toBe(run);
  });

  it("removes the folders of runs whose process has ended, and only those", () => {
    const root = mkdtempSync(join(tmpdir(), "run-temp-"));
    try {
      for (const name of ["tuition-test-run-101-aaaaaa", "tuition-test-run-202-bbbbbb", "tuition-demo-site-0123456789abcdef", "tuition-test-run-x"])
        mkdirSync(join(root, name, "inside"), { recursive: true });
      const removed = removeFinishedRuns(root, (pid) => pid === 202);
      expect(removed).toEqual([join(root, "tuition-test-run-101-aaaaaa")]);
      expect(readdirSync(root).sort()).toEqual(["tuition-demo-site-0123456789abcdef", "tuition-test-run-202-bbbbbb", "tuition-test-run-x"]);
      // this run's own folder, its process alive, is kept with the default check
      expect(removeFinishedRuns(dirname(tmpdir()))).not.toContain(tmpdir());
      expect(existsSync(tmpdir())).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
