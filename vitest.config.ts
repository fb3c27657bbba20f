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
    // ~90 files). No test file changes shared state: none mocks a module or sets process.env.
    isolate: false,
    // A skipped test fails the run and is listed with its reason (test/helpers/no-skips.ts);
    // listed first so vitest's own summary stays the last thing printed.
    reporters: ["./test/helpers/no-skips.ts", "default"],
  },
});
