// The bad-input corpus (test/corpus/cases.ts), every case through ingest + validate in an
// in-memory database: exactly the expected quarantine rows or the expected refusal, and
// no row lost (rows read = the rows the file holds = loaded + quarantined, per file).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputRefusedError } from "../pipelines/core/exit-codes.ts";
import { InputError } from "../pipelines/ingest/errors.ts";
import { corpusFolder, ROWS, type Name } from "./corpus/base.ts";
import { CASES, type Case, type QuarantineRow } from "./corpus/cases.ts";
import { ingestAndValidate } from "./fixtures/ingest/harness.ts";

const DATASETS = Object.keys(ROWS) as Name[];

async function prepare(c: Case): Promise<string> {
  const dir = corpusFolder(c.files ? await c.files() : {});
  if (c.write) await c.write(dir);
  return dir;
}

const sortRows = (rows: QuarantineRow[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("bad-input corpus", () => {
  it("has at least 40 distinct cases covering all seven datasets", () => {
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.dataset))).toEqual(new Set(DATASETS));
    for (const c of CASES) expect(Boolean(c.refused) !== Boolean(c.quarantine), c.id).toBe(true);
  });

  it("is indexed in test/corpus/README.md, every case with its outcome", () => {
    const index = readFileSync(join(import.meta.dirname, "corpus", "README.md"), "utf8");
    for (const c of CASES) expect(index, c.id).toContain(`| \`${c.id}\` |`);
  });

  it.each(CASES.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const dir = await prepare(c);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      if (c.refused) {
        const err = await ingestAndValidate(dir).then(
          (db) => {
            db.close();
            return null;
          },
          (e: unknown) => e,
        );
        // Header problems are collected from every file and refused together (issue 14): then
        // the refusal's reason for this file is what must name the problem.
        const refused = c.refused;
        const said =
          err instanceof InputRefusedError
            ? err.reasons.find((r) => r.startsWith(`${refused.file}: `))
            : err instanceof InputError && err.file === refused.file
              ? err.message
              : undefined;
        expect(err instanceof InputError || err instanceof InputRefusedError, "expected the file to be refused").toBe(true);
        expect(said, `a refusal naming ${refused.file}`).toMatch(refused.message);
      } else {
        const db = await ingestAndValidate(dir);
        try {
          const q = await db.all<{ file: string; line: number; column: string | null; rule: string }>(`select file, line, "column", rule from quarantine`);
          expect(sortRows(q.map((r) => [r.file, r.line, r.column, r.rule]))).toEqual(sortRows(c.quarantine!));
          // Every message names the problem in words, and the value where there is one.
          for (const m of await db.all<{ message: string | null }>(`select message from quarantine`)) expect(m.message?.length).toBeGreaterThan(10);

          const counts = await db.all<{ file: string; rows_read: number; rows_loaded: number; rows_quarantined: number }>(
            `select file, rows_read::INTEGER as rows_read, rows_loaded::INTEGER as rows_loaded, rows_quarantined::INTEGER as rows_quarantined from validate_counts`,
          );
          // Rows held per file: distinct lines among the expected quarantine rows.
          const heldLines = new Map<string, number>();
          for (const key of new Set(c.quarantine!.map(([f, l]) => JSON.stringify([f, l])))) {
            const file = JSON.parse(key)[0] as string;
            heldLines.set(file, (heldLines.get(file) ?? 0) + 1);
          }
          for (const f of counts) {
            const base = f.file.replace(/\.(csv|xlsx)$/, "") as Name;
            const expectedRows = c.rows?.[f.file] ?? ROWS[base].length;
            expect(f.rows_read, `${f.file} rows read`).toBe(expectedRows);
            expect(f.rows_loaded + f.rows_quarantined, `${f.file} loaded + quarantined`).toBe(f.rows_read);
            expect(f.rows_quarantined, `${f.file} rows quarantined`).toBe(heldLines.get(f.file) ?? 0);
          }
          for (const check of c.check ?? []) expect(await db.all(check.sql), check.sql).toEqual(check.rows);
        } finally {
          db.close();
        }
      }
    } finally {
      clearInterval(sampler);
      rmSync(dir, { recursive: true, force: true });
    }
    if (c.maxRssGrowthMb !== undefined) {
      const grewMb = (peak - rssBefore) / 2 ** 20;
      expect(grewMb, `RSS grew ${grewMb.toFixed(0)} MB`).toBeLessThan(c.maxRssGrowthMb);
    }
  });
});
