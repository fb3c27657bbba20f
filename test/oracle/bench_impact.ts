// Times buildImpactMarts on a large synthetic analysis table generated in SQL
// (default 1,000,000 pupil-subject rows in 500 schools, one LA; `--las 4` spreads them
// over four LAs and adds the National models). Not a test: run with
//   npx tsx test/oracle/bench_impact.ts [--rows 1000000] [--schools 500] [--las 1]
import { Db } from "../../pipelines/core/db.ts";
import { buildImpactMarts } from "../../pipelines/measures/impact.ts";
import { buildPupilGroups, fixtureSettings } from "./fixture.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg("rows", 1_000_000);
const schools = arg("schools", 500);
const las = arg("las", 1);
const codes = Array.from({ length: las }, (_, i) => String(919 + i));

const db = await Db.open(":memory:");
const t0 = performance.now();
await db.run(
  `
  create table int_analysis_pupils as
  with base as (
    select i, hash(i, 'a') % 1000000 / 1e6 as u1, hash(i, 'b') % 1000000 / 1e6 as u2,
      hash(i, 'c') % 1000000 / 1e6 as u3, hash(i, 'd') % 1000000 / 1e6 as u4
    from range(?) t(i)
  ),
  pupils as (
    select i, 'P' || (i // 2) as upn, case when i % 2 = 0 then 'English' else 'Mathematics' end as subject,
      (i // 2) % ? as school, 3 + ((i // 2) % 9) as nc_year, u1 < 0.3 as fsm, u2 < 0.05 as cla,
      case when u3 < 0.02 then null else u3 < 0.2 end as eal, u4 < 0.5 as female, u1 * 7 % 1 < 0.2 as sen_any,
      u2 * 13 % 1 < 0.15 as tutored, u3 * 17 % 1 < 0.6 as full_place,
      round(9 + 2 * (3 + ((i // 2) % 9)) + 8 * (u4 * 11 % 1 - 0.5)) as baseline, u1 * 19 % 1 as noise
    from base
  )
  select '2009/10' as academic_year, '200910' as time_period,
    ? || '' as la_code_dummy, upn, nc_year,
    case when nc_year <= 6 then 'Key stage 2' when nc_year <= 9 then 'Key stage 3' else 'Key stage 4' end as key_stage,
    fsm, cla, eal, female, case when sen_any then 'A' else 'N' end as sen, sen_any, 'White' as ethnicity_major, true as eligible,
    case when fsm then 'FSM eligible' else 'Not known to be FSM eligible' end as fsm_status,
    case when cla then 'Looked after' else 'Not looked after' end as cla_status,
    case when eal is null then 'Unknown' when eal then 'Known or believed to be other than English' else 'Known or believed to be English' end as first_language,
    case when female then 'Female' else 'Male' end as sex,
    case when sen_any then 'School Action' else 'No SEN provision' end as sen_provision,
    subject, tutored, case when tutored then full_place end as full_place, null::date as anchor_start, null::date as anchor_end,
    baseline, baseline + 3 + (case when tutored then 1.5 else 0 end) - fsm::int + 6 * (noise - 0.5) as outcome,
    null::date as baseline_on, null::date as outcome_on,
    3 + (case when tutored then 1.5 else 0 end) - fsm::int + 6 * (noise - 0.5) as progress,
    null::boolean as below_are_baseline, null::boolean as at_are_outcome, null::boolean as expected_progress,
    true as in_model_sample, null::varchar as prior_attainment, school
  from pupils`,
  [rows, schools, "x"],
);
await db.run("create table la_map (la_code varchar, k integer)");
for (const [k, c] of codes.entries()) await db.run("insert into la_map values (?, ?)", [c, k]);
await db.run(`
  create or replace table int_analysis_pupils as
  select a.* exclude (la_code_dummy, school), m.la_code, 'U' || a.school as urn
  from int_analysis_pupils a join la_map m on a.school % ${las} = m.k`);
await db.run(`
  create table int_places as
  select academic_year, time_period, la_code, urn as arranging_urn, upn, subject, 1 as n_courses,
    null::date as start_date, null::date as end_date, 10 as sessions, 10 as sessions_attended,
    case when full_place then 12.0 else 6.0 end as hours, full_place,
    (case when full_place then 14.0 else 8.0 end) * 27 + 100 as cost_gbp
  from int_analysis_pupils where tutored`);
await buildPupilGroups(db);
const t1 = performance.now();
const n = await db.one("select count(*) as n, count(distinct urn) as s, sum(tutored::int) as t from int_analysis_pupils");
console.log(`generated ${JSON.stringify(n)} in ${((t1 - t0) / 1000).toFixed(1)} s`);
await buildImpactMarts(db, fixtureSettings(codes));
const t2 = performance.now();
const models = await db.one("select count(*) as rows, count(b) as estimated from mart_impact");
const total = await db.all(
  "select la_code, subject, n_t, n_c, n_schools, b, se from mart_impact where breakdown = 'total' and subject <> 'Total' order by all",
);
console.log(`buildImpactMarts: ${((t2 - t1) / 1000).toFixed(1)} s; mart_impact ${JSON.stringify(models)}`);
console.log(total);
db.close();
