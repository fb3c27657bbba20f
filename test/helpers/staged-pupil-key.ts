// Hand-built stg_pupils and stg_attainment fixtures get the pupil key validate gives them
// (stg_pupils.pupil_id, dense over upn in upn order; stg_attainment carries its pupil's),
// once their rows are in, so the fixtures' inserts need not spell it out.
import type { Db } from "../../pipelines/core/db.ts";

export async function addStagedPupilKey(db: Db): Promise<void> {
  await db.run("create or replace table stg_pupils as select *, dense_rank() over (order by upn)::INTEGER as pupil_id from stg_pupils");
  await db.run(`create or replace table stg_attainment as
    select a.*, p.pupil_id from stg_attainment as a left join (select distinct upn, pupil_id from stg_pupils) as p using (upn)`);
}
