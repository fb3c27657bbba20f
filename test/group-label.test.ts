// group_label_of (pipelines/transform/sql/group_label.sql) is the one statement of which column
// holds each §5 breakdown's group (measures.md §5): int_pupil_groups unpivots by it and the marts
// that spread counts per label read it. Its contract: every breakdown of the vocabulary maps to
// its own column, 'total' to 'Total', and a breakdown it does not know stops the run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { BREAKDOWNS } from "../pipelines/export/layout.ts";
import { defineGroupLabel } from "../pipelines/transform/index.ts";

const COLUMNS = ["fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major", "key_stage", "prior_attainment"];
let db: Db;
beforeAll(async () => {
  db = await Db.open(":memory:");
  await defineGroupLabel(db);
});
afterAll(() => db.close());

// each column holds its own name as its value, so the label says which column was read
const labelOf = async (breakdown: string) =>
  (await db.one<{ g: string | null }>(`select group_label_of(?, ${COLUMNS.map((c) => `'${c}'`).join(", ")}) as g`, [breakdown]))!.g;

describe("group_label_of", () => {
  it("reads each breakdown's group from the column of its name, and 'total' as Total", async () => {
    expect(BREAKDOWNS).toEqual(["total", ...COLUMNS]);
    for (const b of BREAKDOWNS) expect(await labelOf(b)).toBe(b === "total" ? "Total" : b);
  });

  it("gives NULL where the pupil has no group in the breakdown", async () => {
    const nulls = COLUMNS.map(() => "null::VARCHAR").join(", ");
    expect((await db.one<{ g: string | null }>(`select group_label_of('sex', ${nulls}) as g`))!.g).toBeNull();
  });

  it("stops on a breakdown it does not know, naming it and the file to change", async () => {
    await expect(labelOf("hair_colour")).rejects.toThrow(/group_label\.sql: breakdown 'hair_colour' names no label column/);
  });
});
