// core/db.ts: DuckDB's worker threads (openOptions): TUITION_THREADS sets them for every database a
// process opens unless the caller names its own; unset, DuckDB keeps its default (one per core); a
// value that is not a whole number of threads is refused with a sentence naming the variable.
// TUITION_BLOCK_MEMORY: the memory DuckDB's block allocator keeps (default 0B, blockAllocatorMemory);
// a value that is not an amount of memory is refused with a sentence naming the variable; a run keeps
// 1GB where its input is large and the variable unset (runBlockMemory, inputBytes).
// Db.hasTable, the one test of whether an earlier stage left a table, which every stage, the
// audit and the site's loaders ask. And Db.writeTable, the one writer of rows from JavaScript (by
// DuckDB's appender): every value stored exactly, a mistyped one refused with its place.
// Db.sideBySide: two pieces of work at once on two connections, a failure thrown once both stop.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blockAllocatorMemory, Db, LARGE_INPUT_BYTES, openOptions, runBlockMemory } from "../pipelines/core/db.ts";
import { inputBytes } from "../pipelines/ingest/index.ts";

describe("TUITION_THREADS", () => {
  it("sets threads when given and the caller names none; leaves the options alone when unset or blank", () => {
    expect(openOptions({ memory_limit: "1GB" }, "1")).toEqual({ memory_limit: "1GB", threads: "1" });
    expect(openOptions({}, "12")).toEqual({ threads: "12" });
    expect(openOptions({ memory_limit: "1GB" }, undefined)).toEqual({ memory_limit: "1GB" });
    expect(openOptions({}, "")).toEqual({});
  });

  it("gives way to the caller's own threads", () => {
    expect(openOptions({ threads: "2" }, "1")).toEqual({ threads: "2" });
  });

  it("refuses a value that is not a whole number of threads, naming the variable and the value", () => {
    for (const bad of ["0", "-1", "1.5", "two", " 1", "01"])
      expect(() => openOptions({}, bad), bad).toThrow(new RegExp(`TUITION_THREADS is "${bad.replace(".", "\\.")}": it must be a whole number`));
  });

  it("is in force in the test workers (vitest.config.ts sets 1): a database opened with no options has one thread", async () => {
    const db = await Db.open(":memory:");
    try {
      expect((await db.one<{ t: number }>("select current_setting('threads') as t"))?.t).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe("TUITION_BLOCK_MEMORY", () => {
  it("is 0B (DuckDB's default: keep none) unless set, and an amount of memory when set", () => {
    expect(blockAllocatorMemory(undefined)).toBe("0B");
    expect(blockAllocatorMemory("")).toBe("0B");
    for (const ok of ["0B", "512MB", "1.5GB", "2GiB"]) expect(blockAllocatorMemory(ok)).toBe(ok);
  });

  it("refuses a value that is not an amount of memory, naming the variable and the value", () => {
    for (const bad of ["lots", "1", "-1GB", "1 GB", "GB"])
      expect(() => blockAllocatorMemory(bad), bad).toThrow(new RegExp(`TUITION_BLOCK_MEMORY is "${bad}": it must be an amount of memory`));
  });

  it("reaches a database a process opens with no options (a child process, so this one's environment is untouched)", () => {
    const script = `import { Db } from ${JSON.stringify(join(import.meta.dirname, "..", "pipelines", "core", "db.ts"))};
      const db = await Db.open(":memory:");
      console.log((await db.one("select current_setting('block_allocator_memory') as v")).v);
      db.close();`;
    const setting = (value: string) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, TUITION_BLOCK_MEMORY: value },
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const kept = setting("1GB");
    expect(kept).not.toBe(setting("0B"));
    expect(kept).toMatch(/^953\.6 MiB$/); // 10^9 bytes, as DuckDB prints it
  });
});

describe("a run's block allocator memory (runBlockMemory)", () => {
  it("is 1GB for an input of LARGE_INPUT_BYTES or more and 0B below, unless TUITION_BLOCK_MEMORY says otherwise", () => {
    expect(runBlockMemory(LARGE_INPUT_BYTES - 1, undefined)).toBe("0B");
    expect(runBlockMemory(LARGE_INPUT_BYTES, undefined)).toBe("1GB");
    expect(runBlockMemory(LARGE_INPUT_BYTES, "")).toBe("1GB");
    expect(runBlockMemory(LARGE_INPUT_BYTES, "0B")).toBe("0B");
    expect(runBlockMemory(0, "512MB")).toBe("512MB");
    expect(() => runBlockMemory(0, "lots")).toThrow(/TUITION_BLOCK_MEMORY is "lots"/);
  });

  it("measures the dataset files of the input folder, nothing else in it, and is 0B where the folder has none to read", () => {
    const dir = mkdtempSync(join(tmpdir(), "input-bytes-"));
    try {
      for (const d of ["schools", "pupils", "tuition", "attainment"]) writeFileSync(join(dir, `${d}.csv`), "x\n");
      writeFileSync(join(dir, "notes.csv"), "not a dataset\n");
      expect(inputBytes(dir)).toBe(8);
      // a sparse file: its size without writing its bytes
      truncateSync(join(dir, "attainment.csv"), LARGE_INPUT_BYTES);
      expect(inputBytes(dir)).toBe(LARGE_INPUT_BYTES + 6);
      expect(runBlockMemory(inputBytes(dir), undefined)).toBe("1GB");
      truncateSync(join(dir, "notes.csv"), 2 * LARGE_INPUT_BYTES);
      truncateSync(join(dir, "attainment.csv"), 2);
      expect(runBlockMemory(inputBytes(dir), undefined)).toBe("0B");
      expect(inputBytes(join(dir, "absent"))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Db.hasTable", () => {
  it("is true of a table, a temp table and a view, in any schema, and false of a name nothing has", async () => {
    const db = await Db.open(":memory:");
    try {
      await db.run("create table kept (x INTEGER); create temp table scratch (x INTEGER); create view shown as select 1 as x");
      await db.run("create schema other; create table other.elsewhere (x INTEGER)");
      for (const name of ["kept", "scratch", "shown", "elsewhere"]) expect(await db.hasTable(name), name).toBe(true);
      for (const name of ["missing", "KEPT", "kep"]) expect(await db.hasTable(name), name).toBe(false);
      await db.run("drop table kept");
      expect(await db.hasTable("kept")).toBe(false);
    } finally {
      db.close();
    }
  });
});

describe("Db.writeTable", () => {
  const columns = [
    ["label", "VARCHAR"],
    ["x", "DOUBLE"],
    ["n", "integer"],
    ["big", "BIGINT"],
    ["flag", "BOOLEAN"],
  ] as const;

  it("stores each value exactly (every bit of a double, NaN included), NULL where a row has none, in row order", async () => {
    const rows: Record<string, unknown>[] = [
      { label: "a", x: 0.1 + 0.2, n: -7, big: 2 ** 40, flag: true },
      { label: "ü 'quoted' \"both\"", x: 1e-300, n: 0, big: 3n, flag: false },
      { label: "", x: Number.NaN, n: 2147483647, big: -1 },
      { x: -1.5e308, n: null, big: undefined, flag: null },
      { label: "bigint into DOUBLE", x: 12345678901234n },
    ];
    const db = await Db.open(":memory:");
    try {
      await db.writeTable("written", columns, rows, { temp: true });
      const stored = await db.all("select * from written");
      // what each row should read back as: its value, a bigint as the number it is, absent as NULL
      const expected = rows.map((r) => Object.fromEntries(columns.map(([c]) => [c, typeof r[c] === "bigint" ? Number(r[c]) : (r[c] ?? null)])));
      expect(stored).toEqual(expected);
      for (const [i, r] of stored.entries()) expect(Object.is(r.x, expected[i]!.x), `row ${i + 1}: x ${r.x}`).toBe(true);
      expect((await db.one<{ t: boolean }>("select temporary as t from duckdb_tables() where table_name = 'written'"))?.t).toBe(true);
      expect((await db.one<{ t: string }>("select data_type as t from information_schema.columns where table_name = 'written' and column_name = 'n'"))?.t).toBe(
        "INTEGER",
      );
    } finally {
      db.close();
    }
  });

  it("appends a table's rows to it, not to a table of the same name in the other catalogue (temp or the file)", async () => {
    const db = await Db.open(":memory:");
    try {
      await db.writeTable("twice", [["n", "INTEGER"]], [{ n: 1 }]);
      await db.writeTable("twice", [["n", "INTEGER"]], [{ n: 2 }, { n: 3 }], { temp: true });
      expect(await db.all("select n from memory.main.twice")).toEqual([{ n: 1 }]);
      expect(await db.all("select n from temp.main.twice")).toEqual([{ n: 2 }, { n: 3 }]);
      // a file table made while a temp one of its name exists
      await db.writeTable("twice", [["n", "INTEGER"]], [{ n: 4 }]);
      expect(await db.all("select n from memory.main.twice")).toEqual([{ n: 4 }]);
      expect(await db.all("select n from temp.main.twice")).toEqual([{ n: 2 }, { n: 3 }]);
    } finally {
      db.close();
    }
  });

  it("refuses a value that is not its column's type, naming the table, row and column, and a column type it does not append", async () => {
    const db = await Db.open(":memory:");
    try {
      await expect(
        db.writeTable("t", columns, [
          { label: "a", x: 1 },
          { label: "b", x: "2.5" },
        ]),
      ).rejects.toThrow("writeTable t: row 2, column x (DOUBLE) holds string 2.5, not a DOUBLE");
      await expect(db.writeTable("t", columns, [{ n: 2.5 }])).rejects.toThrow("writeTable t: row 1, column n (integer) holds number 2.5");
      await expect(db.writeTable("t", columns, [{ label: 5 }])).rejects.toThrow("writeTable t: row 1, column label (VARCHAR) holds number 5");
      await expect(db.writeTable("t", columns, [{ flag: 1 }])).rejects.toThrow("writeTable t: row 1, column flag (BOOLEAN) holds number 1");
      await expect(db.writeTable("t", [["d", "DATE"]], [])).rejects.toThrow("writeTable t: column d has type DATE, which writeTable does not append");
    } finally {
      db.close();
    }
  });
});

describe("Db.sideBySide", () => {
  it("runs both at once, the second on a connection that sees the database's tables but not the first's temp tables", async () => {
    const db = await Db.open(":memory:");
    try {
      await db.run("create table base as select range as i from range(10)");
      await db.run("create temp table main_only as select 1 as x");
      let sideStarted!: () => void;
      const started = new Promise<void>((resolve) => {
        sideStarted = resolve;
      });
      const seen: string[] = [];
      await db.sideBySide(
        async (main) => {
          // waits for the side's first table: run one after the other, this would never end
          await started;
          await main.run("create table from_main as select count(*) as n from base");
          seen.push("main");
        },
        async (side) => {
          await side.run("create table from_side as select sum(i) as s from base");
          sideStarted();
          await expect(side.all("select * from main_only")).rejects.toThrow(/main_only/);
          seen.push("side");
        },
      );
      expect(seen.sort()).toEqual(["main", "side"]);
      expect(await db.all("select (select n from from_main) as n, (select s from from_side) as s")).toEqual([{ n: 10, s: 45 }]);
    } finally {
      db.close();
    }
  }, 30_000);

  it("throws a failure of either only once the other has finished", async () => {
    const db = await Db.open(":memory:");
    try {
      let mainDone = false;
      const run = db.sideBySide(
        async (main) => {
          await main.run("create table slow as select count(*) as n from range(20000000) a join range(2) b on a.range % 2 = b.range");
          mainDone = true;
        },
        async (side) => {
          await side.run("select * from no_such_table");
        },
      );
      await expect(run).rejects.toThrow(/no_such_table/);
      expect(mainDone).toBe(true);
      // the first connection goes on working
      expect(await db.all("select n from slow")).toEqual([{ n: 20000000 }]);
    } finally {
      db.close();
    }
  }, 60_000);
});
