// Private officer lists (outputs.md §2): pupil-level, never published; text neutralised.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { writePrivateOutputs } from "../pipelines/export/private.ts";

it("lists tutees without baseline/outcome and eligible pupils below ARE not tutored, by school", async () => {
  const db = await Db.open(":memory:");
  await db.run(`create table stg_schools as select * from (values ('100001', '=cmd School'), ('100002', 'Plain School')) t(urn, school_name)`);
  await db.run(`create table int_analysis_pupils as select * from (values
    ('2009/10', '919', '100001', 'A111', 'English', 5, true, date '2009-10-01', date '2010-01-10', 21.0, null::double),
    ('2009/10', '919', '100002', 'A222', 'English', 5, true, date '2009-10-01', date '2010-01-10', null, null),
    ('2009/10', '919', '100002', 'A333', 'English', 5, true, date '2009-10-01', date '2010-01-10', 21.0, 25.0),
    ('2009/10', '919', '100002', 'A444', 'English', 5, false, date '2009-10-01', date '2010-01-10', null, 25.0)
  ) t(academic_year, la_code, urn, upn, subject, nc_year, tutored, anchor_start, anchor_end, baseline, outcome)`);
  await db.run(`create table int_eligible_untutored as select * from (values
    ('2009/10', '919', '100002', 'B111', 'Mathematics', 6, date '2009-11-01', 19.0, true),
    ('2009/10', '919', '100002', 'B222', 'Mathematics', 6, date '2009-11-01', 27.0, false)
  ) t(academic_year, la_code, urn, upn, subject, nc_year, median_start, baseline, below_are_baseline)`);
  const dir = mkdtempSync(join(tmpdir(), "private-"));
  expect(await writePrivateOutputs(db, dir)).toEqual(["tutees_without_baseline_or_outcome.csv", "eligible_below_are_not_tutored.csv"]);
  const tutees = readFileSync(join(dir, "tutees_without_baseline_or_outcome.csv"), "utf8").trim().split("\n");
  expect(tutees).toHaveLength(3);
  expect(tutees[1]).toContain("'=cmd School,A111,English");
  expect(tutees[1].endsWith("no outcome")).toBe(true);
  expect(tutees[2].endsWith("no baseline and no outcome")).toBe(true);
  const below = readFileSync(join(dir, "eligible_below_are_not_tutored.csv"), "utf8").trim().split("\n");
  expect(below).toHaveLength(2);
  expect(below[1]).toContain("Plain School,B111,Mathematics");
  db.close();
});
