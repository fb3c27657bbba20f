// One small wrapper over @duckdb/node-api so every stage talks to DuckDB the same way:
// parameters always bound (never spliced into SQL), rows returned as plain JS values.
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { nestedLoopsIn } from "./join-check.ts";

/**
 * TUITION_PROFILE=<file> appends one line per statement (seconds, then what ran, then the
 * process's CPU seconds over it, user + system of every DuckDB thread, then the process's peak
 * resident memory in MB during the statement and during the JavaScript work since the one
 * before) so the benchmark can say where the time and memory go from measurement, not guesses.
 * On a machine shared with other work the wall seconds swell with the load; the CPU seconds much
 * less, so before/after stays comparable. The peaks (only with TUITION_PROFILE_MEMORY=1, else 0)
 * come from Linux's high-water mark (VmHWM), reset before each statement; the reset also resets
 * the process's own maxRSS, which is why the benchmark leaves them off.
 */
const PROFILE = process.env.TUITION_PROFILE;
const PROFILE_MEMORY = process.env.TUITION_PROFILE_MEMORY === "1";
/** TUITION_JOIN_CHECK=<file>: the joins by nested loop of every statement, listed there (join-check.ts). */
const JOIN_CHECK = process.env.TUITION_JOIN_CHECK;

/** The process's peak resident MB since the last reset, then resets it (Linux only; else 0). */
function peakResidentMb(): number {
  if (!PROFILE_MEMORY) return 0;
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    writeFileSync("/proc/self/clear_refs", "5");
    return hwm ? Math.round(Number(hwm[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE) return work();
  const between = peakResidentMb();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    return await work();
  } finally {
    const what = oneLine(label, 160);
    const cpu = process.cpuUsage(cpu0);
    const during = peakResidentMb();
    appendFileSync(PROFILE, `${((performance.now() - t0) / 1000).toFixed(3)}\t${what}\t${((cpu.user + cpu.system) / 1e6).toFixed(3)}\t${during}\t${between}\n`);
  }
}

/** Appends one value of a column (never NULL: writeTable appends those) as the column's type. */
type ColumnWriter = (appender: DuckDBAppender, value: unknown, row: number) => void;

/** How writeTable appends a column's values: each type takes the JavaScript values that are exactly its values. */
function columnWriter(table: string, column: string, type: string): ColumnWriter {
  const refuse = (value: unknown, row: number): never => {
    throw new Error(`writeTable ${table}: row ${row + 1}, column ${column} (${type}) holds ${typeof value} ${String(value)}, not a ${type}`);
  };
  const integer = (value: unknown, row: number): number => {
    const n = typeof value === "bigint" ? Number(value) : value;
    return typeof n === "number" && Number.isSafeInteger(n) ? n : refuse(value, row);
  };
  switch (type.toUpperCase()) {
    case "VARCHAR":
      return (a, v, row) => (typeof v === "string" ? a.appendVarchar(v) : refuse(v, row));
    case "DOUBLE":
      return (a, v, row) => (typeof v === "number" || typeof v === "bigint" ? a.appendDouble(Number(v)) : refuse(v, row));
    case "INTEGER":
      return (a, v, row) => a.appendInteger(integer(v, row));
    case "BIGINT":
      return (a, v, row) => a.appendBigInt(BigInt(integer(v, row)));
    case "BOOLEAN":
      return (a, v, row) => (typeof v === "boolean" ? a.appendBoolean(v) : refuse(v, row));
    default:
      throw new Error(`writeTable ${table}: column ${column} has type ${type}, which writeTable does not append (VARCHAR, DOUBLE, INTEGER, BIGINT, BOOLEAN)`);
  }
}

/**
 * The memory DuckDB may hold in this process before it spills to disk (TUITION_MEMORY_LIMIT,
 * default 5GB). The limit bounds DuckDB's buffer manager only: some of its operators allocate
 * outside it, and Node has its own heap, so the process peaks some 2.5 GB above it. A national run
 * at 6GB peaked at 8.6-8.7 GB (in the audit's last statements), over issue 18's 8 GB; at 5GB it
 * stays under, no slower (docs/benchmark.md). A second DuckDB instance would take a limit of its
 * own (DuckDB's default is 80% of the machine's RAM), so work that needs scratch tables beside a
 * run's database takes them from it (`scratch`), inside this one limit.
 */
export const MEMORY_LIMIT = process.env.TUITION_MEMORY_LIMIT ?? "5GB";

/**
 * The options a database is opened with: the caller's, and DuckDB's worker threads from
 * TUITION_THREADS when it is set and the caller names none (unset: DuckDB's own default, a thread
 * per core). One run alone on a machine wants every core; several runs at once on the same cores
 * (the test suite's two workers, each running pipelines) do better with one thread each: DuckDB's
 * threads then contend for the cores, and on small inputs they cost more CPU than they save
 * (vitest.config.ts gives the figures).
 */
export function openOptions(options: Record<string, string>, threads: string | undefined): Record<string, string> {
  if (threads === undefined || threads === "" || options.threads !== undefined) return options;
  if (!/^[1-9]\d*$/.test(threads))
    throw new Error(`TUITION_THREADS is "${threads}": it must be a whole number of threads, 1 or more (or unset, for one per core).`);
  return { ...options, threads };
}

/**
 * The memory DuckDB's block allocator keeps once it has used it: TUITION_BLOCK_MEMORY (an amount
 * such as 1GB or 512MB), default 0B, DuckDB's own default: it hands every freed buffer block back
 * to the operating system and faults fresh pages in for the next. Keeping 1GB pays on large runs
 * and costs on small ones, so a run chooses by the size of its input (runBlockMemory) and every
 * other database keeps DuckDB's default. Runs interleaved on a two-core machine shared with other
 * work, without and with 1GB kept:
 * - the demo LA (2.2M results): 28.0-35.7 s (11 runs, mean 32.0; system CPU 7.0-8.8 s) against
 *   24.8-31.8 s (5 runs, mean 27.1; 5.2-6.4 s); peak resident memory 1.25 -> 1.55 GB;
 * - national (`npm run bench`, one run each): 1,382 s against 1,235 s, peak 7.64 -> 6.96 GB;
 * - a small LA (the tests' small-la-run fixture): 6.3-8.3 s against 7.1-9.3 s (system CPU
 *   1.4-1.7 s against 2.2-2.4 s), and three 40-school ntp seeds in one process 5.1-5.4 s
 *   against 6.0-6.2 s: the test suite, all small runs, was slower with it (vitest 757 s against
 *   692 s from a fresh clone).
 * The memory is the instance's: a closed database gives it back.
 */
export function blockAllocatorMemory(value: string | undefined): string {
  if (value === undefined || value === "") return "0B";
  if (!/^\d+(\.\d+)?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value))
    throw new Error(`TUITION_BLOCK_MEMORY is "${value}": it must be an amount of memory such as 1GB or 512MB (0B, the default, keeps none).`);
  return value;
}

/**
 * A run's input of this many bytes or more keeps 1GB (runBlockMemory). Three runs each way,
 * interleaved, without and with 1GB kept: a 100-school LA (20 MB of input) 10.1-10.9 s against
 * 10.4-12.1 s; a 250-school LA (48 MB) 16.5-17.6 s against 15.6-15.9 s; the demo LA (95 MB)
 * 26.3-28.1 s (and one of 37.5 s) against 23.2-25.5 s (more runs above). The line lies between
 * the two smaller LAs.
 */
export const LARGE_INPUT_BYTES = 32 * 1024 * 1024;

/** The block allocator memory of a run reading `inputBytes` of files: TUITION_BLOCK_MEMORY where set, else 1GB for a large input, else 0B. */
export function runBlockMemory(inputBytes: number, value = process.env.TUITION_BLOCK_MEMORY): string {
  if (value !== undefined && value !== "") return blockAllocatorMemory(value);
  return inputBytes >= LARGE_INPUT_BYTES ? "1GB" : "0B";
}

let scratchCount = 0;
let profileCount = 0;

/** SQL as one line (of at most `n` characters), for the profile and the join check's list. */
function oneLine(sql: string, n = Number.POSITIVE_INFINITY): string {
  return sql.replace(/\s+/g, " ").trim().slice(0, n);
}

/** With TUITION_JOIN_CHECK: the file listing nested loops, and the file this connection writes each statement's profile to. */
interface JoinCheck {
  list: string;
  profile: string;
}

/** With TUITION_JOIN_CHECK, the connection profiles each statement to a file of its own. */
async function profiled(connection: DuckDBConnection): Promise<JoinCheck | undefined> {
  if (!JOIN_CHECK) return undefined;
  const profile = join(tmpdir(), `tuition-profile-${process.pid}-${++profileCount}.json`);
  await connection.run(`set enable_profiling = 'json'; set profiling_output = ${literal(profile)}`);
  return { list: JOIN_CHECK, profile };
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

export class Db {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** With TUITION_JOIN_CHECK: where the connection's profiles go and its findings are listed. */
    private readonly check?: JoinCheck,
  ) {}

  /** With TUITION_JOIN_CHECK: statements run, and those whose profile was read. */
  private checked = { statements: 0, profiled: 0 };

  /** The spill folder of an in-memory database (inMemory), removed when it closes. */
  private spill?: string;

  /** Opens (or creates) a database file; ":memory:" for a scratch database. */
  static async open(path: string, options: Record<string, string> = {}): Promise<Db> {
    const instance = await DuckDBInstance.create(path, {
      block_allocator_memory: blockAllocatorMemory(process.env.TUITION_BLOCK_MEMORY),
      ...openOptions(options, process.env.TUITION_THREADS),
    });
    const connection = await instance.connect();
    return new Db(path, instance, connection, await profiled(connection));
  }

  /**
   * An in-memory database of its own, held to the run's MEMORY_LIMIT and spilling beyond it to a
   * folder of its own in the system temp folder, removed when it closes (so nothing appears in the
   * officer's working folder). Left to DuckDB's default limit (80% of RAM), the audit's tables came
   * on top of the run's (a 16.5 GB national peak) and a national dry run peaked at 19.5 GB.
   */
  static async inMemory(options: Record<string, string> = {}): Promise<Db> {
    const spill = mkdtempSync(join(tmpdir(), "tuition-db-"));
    try {
      const db = await Db.open(":memory:", { memory_limit: MEMORY_LIMIT, temp_directory: spill, ...options });
      db.spill = spill;
      return db;
    } catch (e) {
      rmSync(spill, { recursive: true, force: true });
      throw e;
    }
  }

  /** Runs one statement, timed with TUITION_PROFILE; with TUITION_JOIN_CHECK, its nested-loop joins are listed. */
  private async statement<T>(label: string, work: () => Promise<T>): Promise<T> {
    if (!this.check) return timed(label, work);
    rmSync(this.check.profile, { force: true });
    const result = await timed(label, work);
    const what = oneLine(label, 300);
    const loops = nestedLoopsIn(this.check.profile);
    this.checked.statements++;
    if (loops) this.checked.profiled++;
    for (const loop of loops ?? []) appendFileSync(this.check.list, `${loop.operator}\t${loop.rows.join(" x ")} rows\t${oneLine(loop.condition)}\t${what}\n`);
    return result;
  }

  /** With TUITION_JOIN_CHECK: removes this connection's profile and says how many statements it checked. */
  private endCheck(): void {
    if (!this.check) return;
    rmSync(this.check.profile, { force: true });
    appendFileSync(this.check.list, `# ${this.path}: ${this.checked.profiled} of ${this.checked.statements} statements profiled\n`);
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.statement(sql, () => this.connection.run(sql, params));
  }

  /** Runs a query and returns its rows as plain objects (BIGINT as number where safe). */
  async all<T extends Row = Row>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.statement(sql, () => this.connection.runAndReadAll(sql, params));
    return reader.getRowObjectsJS().map((r) => normaliseRow(r)) as T[];
  }

  /** Rows as arrays in column order: cheaper than objects for wide results written straight out. */
  async rows(sql: string, params?: Params): Promise<unknown[][]> {
    const reader = await this.statement(sql, () => this.connection.runAndReadAll(sql, params));
    return reader.getRowsJS() as unknown[][];
  }

  async one<T extends Row = Row>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Whether a table or view of this name exists, in any schema (a stage, a site or the audit reading what an earlier one left). */
  async hasTable(name: string): Promise<boolean> {
    return (await this.one("select 1 as x from information_schema.tables where table_name = ?", [name])) !== undefined;
  }

  /**
   * (Re)creates `table` with `columns` and appends `rows` (values by column name, missing as NULL)
   * through DuckDB's appender, each value as its column's type: a wide table of a few hundred rows
   * (mart_ntp_impact, 108 columns) took 0.23-0.43 s as INSERT ... VALUES with bound parameters
   * (binding 20,000 parameters) and takes 0.03 s appended. A value whose JavaScript type is not its
   * column's (text for a number, a fraction for an INTEGER) is refused, naming the table, column and
   * row, rather than converted by a rule nobody chose.
   * `temp`: a table of this connection only, never written to the database file (scratch tables).
   */
  async writeTable(
    table: string,
    columns: readonly (readonly [string, string])[],
    rows: readonly Record<string, unknown>[],
    { temp = false }: { temp?: boolean } = {},
  ): Promise<void> {
    const writers = columns.map(([column, type]) => columnWriter(table, column, type));
    await this.run(`create or replace ${temp ? "temp " : ""}table ${ident(table)} (${columns.map(([c, t]) => `${ident(c)} ${t}`).join(", ")})`);
    // The appender is given the table's catalogue ("temp", or the file's): by name alone it finds a
    // temp table first, so a file table's rows went into a temp table of the same name.
    const catalogue = temp ? "temp" : (await this.one<{ d: string }>("select current_database() as d"))!.d;
    await timed(`append ${table} (${rows.length} rows)`, async () => {
      const appender = await this.connection.createAppender(table, null, catalogue);
      try {
        rows.forEach((row, i) => {
          for (const [k, [column]] of columns.entries()) {
            const value = row[column];
            if (value === null || value === undefined) appender.appendNull();
            else writers[k]!(appender, value, i);
          }
          appender.endRow();
        });
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
  }

  /** Runs every statement of a .sql file (DuckDB accepts several statements in one call). */
  async runFile(path: string): Promise<void> {
    const sql = readFileSync(path, "utf8");
    if (!this.check) {
      await timed(`file ${basename(path)}`, () => this.connection.run(sql));
      return;
    }
    // one statement at a time, so that each one's profile is read
    const statements = await this.connection.extractStatements(sql);
    for (let i = 0; i < statements.count; i++) {
      const prepared = await statements.prepare(i);
      await this.statement(`file ${basename(path)}, statement ${i + 1}`, () => prepared.run());
    }
  }

  /**
   * A scratch database in this database's instance: a connection of its own whose tables (and
   * types) go to an attached in-memory catalog, so they share this instance's memory limit and
   * spill folder and never reach its file. `release` closes the connection and detaches it.
   */
  async scratch(): Promise<{ db: Db; release: () => Promise<void> }> {
    const catalogue = await this.attachCatalogue();
    const connection = await this.instance.connect();
    await connection.run(`use ${catalogue.name}`);
    const db = new Db(`${this.path} (scratch)`, this.instance, connection, await profiled(connection));
    return {
      db,
      release: async () => {
        connection.closeSync();
        db.endCheck();
        await catalogue.detach();
      },
    };
  }

  /**
   * An in-memory catalogue attached to this database's instance, under a name of its own (`name`,
   * quoted): every connection of the instance sees its tables, which share the instance's memory
   * limit and spill folder and never reach the file. `detach` drops it with everything in it.
   */
  async attachCatalogue(): Promise<{ name: string; detach: () => Promise<void> }> {
    const name = ident(`scratch_${process.pid}_${++scratchCount}`);
    await this.run(`attach ':memory:' as ${name}`);
    return { name, detach: () => this.run(`detach ${name}`) };
  }

  /**
   * Runs `main` on this connection and `side` on a second connection to the same database at the
   * same time, for two pieces of work that read the same tables and write different ones: each
   * one's statements keep the cores busy only part of the time (planning, commits, small steps),
   * and the other's fill the gaps. The second connection sees the database's tables, not this
   * connection's temp tables, views and macros (DuckDB keeps those per connection), and it is
   * closed when both are done, with the temp objects it made. Both are waited for whatever happens
   * to either, so a failure is thrown only once no statement of the two is still running.
   */
  async sideBySide(main: (db: Db) => Promise<void>, side: (db: Db) => Promise<void>): Promise<void> {
    const connection = await this.instance.connect();
    const sibling = new Db(this.path, this.instance, connection, await profiled(connection));
    try {
      const results = await Promise.allSettled([main(this), side(sibling)]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    } finally {
      connection.closeSync();
      sibling.endCheck();
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    this.endCheck();
    if (this.spill) rmSync(this.spill, { recursive: true, force: true });
  }
}

function normaliseRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** Quotes an identifier for SQL (table and column names we generate; never user values). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for the rare statements that cannot take parameters (e.g. COPY paths). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
