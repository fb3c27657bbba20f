// DuckDB's worker threads (core/db.ts, openOptions): TUITION_THREADS sets them for every database
// a process opens unless the caller names its own; unset, DuckDB keeps its default (one per core);
// a value that is not a whole number of threads is refused with a sentence naming the variable.
import { describe, expect, it } from "vitest";
import { Db, openOptions } from "../pipelines/core/db.ts";

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
