// The officer's pupil-level lists (outputs.md §2): tutees with no baseline or no outcome, and
// eligible pupils below ARE who were not tutored, by school. They go to private/ only; the
// site and the downloads never read it. Text cells are neutralised against formula injection
// like every CSV we write (the officer opens these in a spreadsheet).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Db, literal } from "../core/db.ts";

const NEUTRALISE = (col: string) =>
  `case when regexp_matches(${col}, '^[=+\\-@\\t\\r]') and not regexp_full_match(${col}, '-?[0-9]+(\\.[0-9]+)?') then '''' || ${col} else ${col} end`;

/** Writes the private lists into `dir`; returns the file names written (a list whose source table is absent is skipped). */
export async function writePrivateOutputs(db: Db, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const hasSchools = await db.hasTable("stg_schools");
  const schoolName = hasSchools ? `${NEUTRALISE("s.school_name")}` : "cast(null as varchar)";
  const schools = hasSchools ? "left join (select distinct on (urn) urn, school_name from stg_schools order by urn) s on s.urn = x.urn" : "";
  const written: string[] = [];
  if (await db.hasTable("int_analysis_pupils")) {
    const file = "tutees_without_baseline_or_outcome.csv";
    await db.run(`copy (
      select x.academic_year, x.la_code, x.urn, ${schoolName} as school_name, x.upn, x.subject, x.nc_year,
        x.anchor_start as tuition_start, x.anchor_end as tuition_end,
        case when x.baseline is null and x.outcome is null then 'no baseline and no outcome'
             when x.baseline is null then 'no baseline' else 'no outcome' end as reason
      from int_analysis_pupils x ${schools}
      where x.tutored and (x.baseline is null or x.outcome is null)
      order by x.academic_year, x.la_code, x.urn, x.subject, x.upn
    ) to ${literal(join(dir, file))} (header, delimiter ',')`);
    written.push(file);
  }
  if (await db.hasTable("int_eligible_untutored")) {
    const file = "eligible_below_are_not_tutored.csv";
    await db.run(`copy (
      select x.academic_year, x.la_code, x.urn, ${schoolName} as school_name, x.upn, x.subject, x.nc_year,
        x.median_start as baseline_taken_at, x.baseline
      from int_eligible_untutored x ${schools}
      where x.below_are_baseline
      order by x.academic_year, x.la_code, x.urn, x.subject, x.upn
    ) to ${literal(join(dir, file))} (header, delimiter ',')`);
    written.push(file);
  }
  return written;
}
