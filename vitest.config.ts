import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB and chromium are heavy; two cores on CI.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
