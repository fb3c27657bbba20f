// Ingest: find the dataset files in the input folder and read each, as text, into
// raw_<dataset>; record what was read in ingest_files. Nothing is judged here (that is
// validate's job) except whether a file can be used at all.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import type { Db } from "../core/db.ts";
import { programmeOf, type ResolvedSettings } from "../core/settings.ts";
import { loadCsvFile, prepareCsvFile, type FileRead, type PreparedCsv } from "./csv.ts";
import { DATASETS, REQUIRED_DATASETS, type Dataset } from "./datasets.ts";
import { InputError } from "./errors.ts";
import { createEmptyRawTable } from "./raw.ts";
import { refuseInput } from "./refusal.ts";
import { readXlsxFile } from "./xlsx.ts";

export { InputError } from "./errors.ts";
export { DATASETS, REQUIRED_DATASETS, type Dataset } from "./datasets.ts";

export interface IngestedFile extends FileRead {
  dataset: Dataset;
  file: string;
  format: "csv" | "xlsx";
}

export interface IngestSummary {
  files: IngestedFile[];
  /** Optional datasets with no file (their measures are reported as not available). */
  absent: Dataset[];
  /**
   * Guess mode only: every file that cannot be read as it is (header problems, read on with
   * guessed headers; files not read at all, left empty). The caller must refuse the input.
   */
  problems: InputError[];
}

export interface IngestOptions {
  /**
   * Read a file whose header lacks columns on, with the closest header of each taken as its
   * alias (a column nothing resembles left blank), and an unreadable file as empty, returning
   * the problems instead of throwing them: `validate` and `run` then look at the values too and
   * refuse once with everything (issue 14). Without it, ingest throws as soon as all files are read.
   */
  guessHeaders?: boolean;
  /**
   * Where the files' working copies go (a UTF-8 copy of a UTF-16 file, a sheet as CSV, the line
   * index): a run's staging folder, which the run removes however it ends (and the next run, if it
   * was killed), so no copy of pupils' rows is left in the system's temp folder. Default: there.
   */
  scratch?: string;
}

export type IngestProgress = (msg: string, done?: number, total?: number) => void;

/** Finds one file per dataset: `<dataset>.csv` or `<dataset>.xlsx`, names case-insensitive. */
export function findDatasetFiles(folder: string): Map<Dataset, { file: string; format: "csv" | "xlsx" }> {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    throw new InputError(folder, "is not a folder that can be read. Give the folder holding schools.csv, pupils.csv, ...");
  }
  const found = new Map<Dataset, { file: string; format: "csv" | "xlsx" }>();
  for (const file of names.sort()) {
    const ext = extname(file).toLowerCase();
    const stem = file.slice(0, file.length - ext.length).toLowerCase();
    const dataset = DATASETS.find((d) => d === stem);
    if (!dataset || !statSync(join(folder, file)).isFile()) continue;
    if (ext !== ".csv" && ext !== ".xlsx")
      throw new InputError(file, `is not a CSV or .xlsx file; save the ${dataset} data as ${dataset}.csv or ${dataset}.xlsx.`);
    const other = found.get(dataset);
    if (other) throw new InputError(file, `is a second file for ${dataset} (besides ${other.file}); keep only one of them in the folder.`);
    found.set(dataset, { file, format: ext === ".csv" ? "csv" : "xlsx" });
  }
  for (const dataset of REQUIRED_DATASETS)
    if (!found.has(dataset))
      throw new InputError(`${dataset}.csv`, `is missing from ${folder}: ${dataset} is required (as ${dataset}.csv or ${dataset}.xlsx).`);
  return found;
}

/** The bytes of the dataset files found in a folder. */
function bytesOf(folder: string, found: ReturnType<typeof findDatasetFiles>): number {
  return [...found.values()].reduce((sum, f) => sum + statSync(join(folder, f.file)).size, 0);
}

/**
 * The bytes of a folder's dataset files, for choosing settings by the size of a run before it
 * reads anything; 0 where the folder's files cannot be found (ingest then says why).
 */
export function inputBytes(folder: string): number {
  try {
    return bytesOf(folder, findDatasetFiles(folder));
  } catch (e) {
    if (e instanceof InputError) return 0;
    throw e;
  }
}

export async function ingest(
  db: Db,
  folder: string,
  settings: ResolvedSettings,
  onProgress?: IngestProgress,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const guess = options.guessHeaders ?? false;
  const programme = programmeOf(settings);
  const found = findDatasetFiles(folder);
  if (options.scratch) mkdirSync(options.scratch, { recursive: true });
  const tmp = mkdtempSync(options.scratch ? join(options.scratch, "ingest-") : join(tmpdir(), "tuition-ingest-"));
  const files: IngestedFile[] = [];
  const absent: Dataset[] = [];
  // A file that cannot be used does not stop the others being read: every problem is reported at once.
  const problems: InputError[] = [];
  const order = DATASETS.map((dataset) => ({ dataset, entry: found.get(dataset) }));
  // Progress counts the bytes of the files before each one, then its own as they are scanned.
  const before: number[] = [];
  let total = 0;
  for (const { entry } of order) {
    before.push(total);
    if (entry) total += statSync(join(folder, entry.file)).size;
  }
  // A CSV file's own reading (encoding, header, the record scan with its hash: JavaScript) is done
  // while DuckDB loads the file before it, one file ahead: the attainment file's scan runs beside
  // the pupils file's load, and the small files' scans beside the attainment file's. Files are
  // still loaded, and their problems reported, in DATASETS order. A workbook is read as before.
  const onBytes = (i: number) => (done: number) => onProgress?.(`reading ${order[i].entry?.file}`, before[i] + done, total);
  const prepare = (i: number): Promise<PromiseSettledResult<PreparedCsv>> | undefined => {
    const { dataset, entry } = order[i] ?? {};
    if (!dataset || entry?.format !== "csv") return undefined;
    return settle(prepareCsvFile(dataset, join(folder, entry.file), entry.file, tmp, settings.header_aliases, onBytes(i), guess, programme));
  };
  let next = prepare(0);
  try {
    for (const [i, { dataset, entry }] of order.entries()) {
      // this file's preparation, finished; the next file's starts now, beside this one's load
      const prepared = next && (await next);
      next = prepare(i + 1);
      if (!entry) {
        absent.push(dataset);
        await createEmptyRawTable(db, dataset);
        continue;
      }
      const path = join(folder, entry.file);
      try {
        const read = prepared
          ? await loadCsvFile(db, unsettle(prepared))
          : await readXlsxFile(db, dataset, path, entry.file, tmp, settings.header_aliases, onBytes(i), settings.sheets?.[dataset], guess, programme);
        files.push({ dataset, file: entry.file, format: entry.format, ...read });
        if (read.headerProblem) problems.push(read.headerProblem);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        problems.push(e);
        // Guess mode reads on: the dataset is empty, so the checks of the other files still run.
        if (guess) await createEmptyRawTable(db, dataset);
      }
    }
  } finally {
    // After a failure that stops the loop, the next file's preparation may still be writing into
    // tmp: it is let finish first (its outcome is not wanted).
    await next;
    rmSync(tmp, { recursive: true, force: true });
  }
  if (problems.length && !guess) throw refuseInput(problems, settings.header_aliases);

  await db.run(`create or replace table ingest_files (dataset VARCHAR, file VARCHAR, format VARCHAR, encoding VARCHAR,
    bytes BIGINT, sha256 VARCHAR, rows_read BIGINT, extra_columns VARCHAR[], sheet VARCHAR, delimiter VARCHAR,
    header_line INTEGER, skipped VARCHAR)`);
  for (const f of files)
    await db.run(`insert into ingest_files values (?, ?, ?, ?, ?, ?, ?, from_json(?, '["VARCHAR"]'), ?, ?, ?, ?)`, [
      f.dataset,
      f.file,
      f.format,
      f.encoding,
      f.bytes,
      f.sha256,
      f.rows_read,
      JSON.stringify(f.extra_columns),
      f.sheet,
      f.delimiter,
      f.header_line,
      f.skipped,
    ]);
  onProgress?.("read", total, total);
  return { files, absent, problems };
}

/** A promise's outcome as a value (Promise.allSettled's), so that one awaited later never goes unhandled meanwhile. */
function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return Promise.allSettled([promise]).then(([outcome]) => outcome);
}

function unsettle<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === "rejected") throw outcome.reason;
  return outcome.value;
}
