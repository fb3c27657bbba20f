// A vitest reporter that makes a skipped test a failed run (issue 18). A suite that skips
// (describe.skipIf, it.skip, it.todo, ctx.skip(), or tests left out by an .only) would
// otherwise pass with nobody noticing that what it checks was never run: CI would be green
// on a machine without chromium or mount rights. It lists every skip (file, test, why) and
// sets a failing exit code. It runs before vitest's own reporter so the output still ends
// with vitest's usual summary. A run narrowed on purpose by `-t <pattern>` leaves the other
// tests skipped; then the skips are listed but do not fail the run.
import { relative } from "node:path";
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";

export default class NoSkipsReporter implements Reporter {
  private root = process.cwd();
  private narrowed = false;

  onInit(vitest: Vitest): void {
    this.root = vitest.config.root;
    this.narrowed = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const result = test.result();
        if (result.state !== "skipped") continue;
        skipped.push(`  ${relative(this.root, mod.moduleId)} > ${test.fullName} (${why(test, result.note)})`);
      }
    }
    if (skipped.length === 0) return;
    const lines = [`${skipped.length} test(s) skipped:`, ...skipped];
    if (this.narrowed) {
      console.log(`${lines.join("\n")}\n(not a failure: the run was narrowed with -t)\n`);
      return;
    }
    console.error(
      `${lines.join("\n")}\nA skipped test is a failed run (test/helpers/no-skips.ts): a test that needs something this machine lacks must fail saying what is missing, not skip.\n`,
    );
    process.exitCode = 1;
  }
}

function why(test: TestCase, note: string | undefined): string {
  if (note) return `ctx.skip: ${note}`;
  const mode = test.options.mode;
  if (mode === "todo") return "todo";
  if (mode === "skip") return "skip / skipIf, or another test's .only";
  return "skipped while running";
}
