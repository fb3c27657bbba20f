// Idempotence and determinism whatever the order (issue 8): the planted fixture (every kind of
// bad row, a Windows-1252 file, a multi-line comment) run once as committed and once with the
// rows of every file shuffled (header kept, quoted multi-line records kept whole) and the files
// written in another order. Same database tables, byte-identical return files, same site data
// (the src/data loaders run against each database). What may legitimately differ, and only that,
// is left out: line numbers (`_line`, quarantine `line` and the messages that cite lines), the
// input files' SHA-256 (their bytes differ; the workbook's cover lists them too), and run_info
// (when the run happened).
// test/run.test.ts already checks the same inputs twice in the same order.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { hashTree } from "./helpers/files.ts";
import { plantedRun } from "./helpers/planted-run.ts";
import { Db } from "../pipelines/core/db.ts";
import type { LoaderOutput } from "../src/data/source.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "ingest", "planted");
/** Columns that carry where a row was, or what the file's bytes were: they change with the order. */
const POSITIONAL = new Set(["_line", "line", "lines", "message", "sha256"]);

/** Splits CSV text into records, a quoted newline staying inside its record (bytes kept as latin1). */
function records(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') inQuote = !inQuote;
    else if (text[i] === "\n" && !inQuote) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start).endsWith("\n") ? text.slice(start) : `${text.slice(start)}\n`);
  return out;
}

/** A seeded Fisher–Yates shuffle (xorshift32), so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  const a = [...items];
  let x = seed || 1;
  for (let i = a.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function run(input: string, out: string) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "tuition-impact.js"), "run", input, "--out", out, "--quiet"], {
    encoding: "utf8",
    env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" },
  });
  expect(r.status, r.stderr).toBe(0);
}

/** Every table but run_info, positional columns left out, rows sorted: what "identical tables" means here. */
async function tables(path: string): Promise<Record<string, string>> {
  const db = await Db.open(path, { access_mode: "READ_ONLY" });
  try {
    const cols = await db.all<{ t: string; c: string }>(
      `select table_name as t, column_name as c from duckdb_columns() where not internal and table_name <> 'run_info' order by table_name, column_index`,
    );
    const byTable = new Map<string, string[]>();
    for (const { t, c } of cols) if (!POSITIONAL.has(c)) byTable.set(t, [...(byTable.get(t) ?? []), c]);
    const out: Record<string, string> = {};
    for (const [t, cs] of byTable) {
      const rows = await db.all(`select ${cs.map((c) => `"${c.replaceAll('"', '""')}"`).join(", ")} from "${t}" order by all`);
      out[t] = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    }
    return out;
  } finally {
    db.close();
  }
}

/** Every cell's text of a workbook, by sheet and address. */
async function cells(path: string): Promise<Record<string, string>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const out: Record<string, string> = {};
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => (out[`${ws.name}!${cell.address}`] = String(cell.text)))));
  return out;
}

/**
 * The site's data: each src/data loader run against one database, as the site build runs it: the
 * loader module is imported and its `output` called on the open database and the return folder, as
 * scripts/build-site.ts precomputeLoaders does (the same bytes it prints when Framework starts it as
 * a process, without a process per loader and database).
 */
async function loaderOutputs(out: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const db = await Db.open(join(out, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
  try {
    for (const loader of readdirSync(join(ROOT, "src", "data"))
      .filter((f) => /\.(json|zip|csv)\.ts$/.test(f))
      .sort()) {
      const module = (await import(pathToFileURL(join(ROOT, "src", "data", loader)).href)) as { output?: LoaderOutput };
      expect(typeof module.output, `${loader} exports the output the site build calls`).toBe("function");
      const bytes = Buffer.from(await module.output!(db, { returnDir: join(out, "return") }));
      result[loader] = await comparable(loader, bytes);
    }
  } finally {
    db.close();
  }
  return result;
}

/** A loader's output as text to compare, less what legitimately differs with the order (see the top). */
async function comparable(loader: string, bytes: Buffer): Promise<string> {
  let text = bytes.toString("utf8");
  if (loader.endsWith(".zip.ts")) {
    // Members and their contents; the zip's own bytes carry the time it was written.
    const zip = await JSZip.loadAsync(bytes);
    const members: Record<string, string> = {};
    for (const name of Object.keys(zip.files).sort()) members[name] = await zip.files[name].async("string");
    text = JSON.stringify(members);
  }
  if (loader === "run.json.ts") text = JSON.stringify({ ...JSON.parse(text), run_at: null });
  if (loader === "downloads.json.ts")
    // the workbook's bytes carry the inputs' SHA-256 (see above)
    text = JSON.stringify(JSON.parse(text).map((f: Record<string, unknown>) => (String(f.name).endsWith(".xlsx") ? { ...f, bytes: null, sha256: null } : f)));
  if (loader === "inputs.json.ts") text = JSON.stringify(JSON.parse(text).map((f: Record<string, unknown>) => ({ ...f, sha256: null })));
  return text;
}

describe("the order of files and rows does not matter", () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    const shuffled = mkdtempSync(join(tmpdir(), "order-in-"));
    // Files written in reverse name order; every data row moved, the header first.
    for (const [k, name] of readdirSync(FIXTURE).sort().reverse().entries()) {
      const text = readFileSync(join(FIXTURE, name), "latin1");
      if (!name.endsWith(".csv")) {
        writeFileSync(join(shuffled, name), text, "latin1");
        continue;
      }
      const [header, ...rows] = records(text);
      const body = [header, ...shuffle(rows, 7919 * (k + 1))].join("");
      // Same bytes in another order: no final newline added where the original had none.
      writeFileSync(join(shuffled, name), text.endsWith("\n") ? body : body.slice(0, -1), "latin1");
    }
    // The fixture as committed: its run shared with other test files (only read here).
    a = (await plantedRun()).out;
    b = mkdtempSync(join(tmpdir(), "order-b-"));
    run(shuffled, b);
  }, 900_000);

  it("the shuffle really moved rows (the test would notice an order effect)", async () => {
    const lines = async (out: string) => {
      const db = await Db.open(join(out, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
      try {
        return await db.all(`select _line, upn from stg_pupils order by upn, _line`);
      } finally {
        db.close();
      }
    };
    expect(await lines(b)).not.toEqual(await lines(a));
  });

  it("gives identical tables (positional columns aside)", async () => {
    const [ta, tb] = await Promise.all([tables(join(a, "tuition-impact.duckdb")), tables(join(b, "tuition-impact.duckdb"))]);
    expect(Object.keys(tb)).toEqual(Object.keys(ta));
    for (const t of Object.keys(ta)) expect(tb[t], t).toBe(ta[t]);
  });

  it("gives byte-identical return files (the workbook: same cells but the inputs' SHA-256 on its cover)", async () => {
    const [ha, hb] = [hashTree(join(a, "return")), hashTree(join(b, "return"))];
    expect(Object.keys(hb).sort()).toEqual(Object.keys(ha).sort());
    const plain = Object.keys(ha).filter((f) => !f.endsWith(".xlsx"));
    expect(plain.length).toBeGreaterThan(0);
    for (const f of plain) expect(hb[f], f).toBe(ha[f]);
    // The cover lists each input file's SHA-256, which the shuffle changes (other bytes): those
    // cells must be exactly the inputs' hashes, and every other cell identical.
    const xlsx = Object.keys(ha).find((f) => f.endsWith(".xlsx"))!;
    const [ca, cb] = [await cells(join(a, "return", xlsx)), await cells(join(b, "return", xlsx))];
    const hashesOf = async (out: string) => {
      const db = await Db.open(join(out, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
      try {
        return new Set((await db.all<{ sha256: string }>("select sha256 from ingest_files")).map((r) => r.sha256));
      } finally {
        db.close();
      }
    };
    const [sa, sb] = [await hashesOf(a), await hashesOf(b)];
    const masked = (c: Record<string, string>, hashes: Set<string>) =>
      Object.fromEntries(Object.entries(c).map(([k, v]) => [k, hashes.has(v) ? "<input sha256>" : v]));
    expect(masked(cb, sb)).toEqual(masked(ca, sa));
    expect(Object.values(masked(ca, sa)).filter((v) => v === "<input sha256>").length).toBe(7);
  });

  it("gives the same site data", async () => {
    const [la, lb] = [await loaderOutputs(a), await loaderOutputs(b)];
    expect(Object.keys(la).length).toBeGreaterThan(3);
    for (const k of Object.keys(la)) expect(lb[k], k).toBe(la[k]);
  }, 600_000);
});
