// published_schools(urn, laestab, school_name): the schools the return's schools file publishes,
// one row per URN, for the site (src/data/school-names.ts), which would otherwise have to read the
// names back out of the return's CSV. Built by publish() after the published_* marts.
// The schools are those with a row in a published table whose catalogue level puts it in the
// schools file (school or both), in an LA of the run: the rows writeReturn writes there. Each is
// named as the return's school rows name it (return.ts: stg_schools, the lowest LAESTAB where one
// URN has two rows), as text, not neutralised for spreadsheets: every CSV writer does that itself.
// No time_period column: it is a list beside the published marts, not one of them.
import { ident, type Db } from "../core/db.ts";
import { type CatalogueRow, publishedTable } from "./catalogue.ts";

export async function buildPublishedSchools(db: Db, catalogue: CatalogueRow[]): Promise<void> {
  const marts = [...new Set(catalogue.filter((r) => r.level === "school" || r.level === "both").map((r) => publishedTable(r.mart)))];
  const urns = marts.length
    ? marts.map((m) => `select urn from ${ident(m)} where urn is not null and la_code in (select la_code from run_las)`).join(" union ")
    : "select null::VARCHAR as urn where false";
  const schools = (await db.hasTable("stg_schools"))
    ? "(select distinct on (urn) urn, laestab, school_name from stg_schools order by urn, laestab)"
    : "(select null::VARCHAR as urn, null::VARCHAR as laestab, null::VARCHAR as school_name where false)";
  await db.run(`create or replace table published_schools as
    with published as (select distinct urn from (${urns}))
    select cast(p.urn as VARCHAR) as urn, cast(s.laestab as VARCHAR) as laestab, cast(s.school_name as VARCHAR) as school_name
    from published p left join ${schools} s on s.urn = p.urn
    order by p.urn`);
}
