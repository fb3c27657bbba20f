import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB and chromium are heavy; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
    // Each worker runs its test files one after another in one process, so DuckDB, the pipeline
    // and the site's modules are loaded once per worker, not once per file (about 1.5 s each of
    // ~90 files). No test file leaves shared state changed: none mocks a module, and the one that
    // sets process.env (audit.test.ts, TMPDIR for one call) puts it back in a finally.
    isolate: false,
    // One DuckDB thread per database, in the workers and in every CLI they start (core/db.ts,
    // openOptions): the two workers already keep both cores busy, and DuckDB's threads would only
    // contend for them. Six pipeline-heavy files (trends, ntp-target, ntp-coverage,
    // ntp-impact-measures, five-las-e2e, validate-refusal), two runs each: 76.4 and 81.4 s at two
    // threads, 65.6 and 68.2 s at one (CPU 148-157 -> 127-132 s); the whole suite, its fixtures
    // built before, 573-586 -> 562 s. The demo LA's build keeps two (test/helpers/demo-site.ts):
    // from a fresh clone, vitest took 648 s before and 624-627 s with both.
    env: { TUITION_THREADS: "1" },
    // The run's temp folders in one folder, removed when it ends (test/helpers/run-temp.ts).
    globalSetup: ["./test/helpers/run-temp.ts"],
    // A skipped test fails the run and is listed with its reason (test/helpers/no-skips.ts);
    // listed first so vitest's own summary stays the last thing printed.
    reporters: ["./test/helpers/no-skips.ts", "default"],
  },
});
