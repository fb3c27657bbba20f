import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB and chromium are heavy; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
    // A skipped test fails the run and is listed with its reason (test/helpers/no-skips.ts);
    // listed first so vitest's own summary stays the last thing printed.
    reporters: ["./test/helpers/no-skips.ts", "default"],
  },
});
