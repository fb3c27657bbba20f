// The planted effects are recoverable, and only by the adjusted model: an independent
// re-implementation of measures.md §1-3 (DuckDB for baselines/outcomes, a plain OLS here)
// run on generated data must find the tutees truth.json counts, estimate b close to the
// planted mean effect, and see the naive progress difference fall short of it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db, literal } from "../pipelines/core/db.ts";
import { synthesise } from "../pipelines/synth/index.ts";

let db: Db;
let truth: any;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "synth-impact-"));
  await synthesise({ scale: "la", seed: 5, out: dir, schools: 110, pupilsPerSchool: 320 });
  truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  db = await Db.open(":memory:");
  for (const f of ["pupils", "attainment", "tuition", "sessions", "schools"]) {
    await db.run(`create table ${f} as select * from read_csv(${literal(join(dir, f + ".csv"))}, all_varchar = true, header = true)`);
  }
  // §1 points; NC year at a date from the 2009/10 census year (minus one before September 2009).
  await db.run(`
    create table scored as
    with a as (
      select t.*, cast(t.assessed_on as date) as d,
        (case when p.nc_year = 'R' then 0 else cast(p.nc_year as int) end) - (cast(t.assessed_on as date) < date '2009-09-01')::int as ny_at
      from attainment t join pupils p using (upn)
    ), p as (
      select *, assessment <> 'ta' as statutory, case
        when assessment = 'ks4' or (assessment = 'ta' and ny_at between 10 and 11) then
          case result when 'A*' then 58 when 'A' then 52 when 'B' then 46 when 'C' then 40 when 'D' then 34
                      when 'E' then 28 when 'F' then 22 when 'G' then 16 when 'U' then 0 end
        when result = 'W' then 3 when result = 'EP' then 57
        when regexp_matches(result, '^[1-8][abc]?$') then
          6 * cast(result[1] as int) + case result[2] when 'c' then 1 when 'a' then 5 else 3 end
      end::double as points
      from a
    ), per_day as (
      select upn, subject, d, bool_or(subject = 'english') as any_row,
        coalesce(avg(points) filter (where statutory and points is not null), avg(points) filter (where not statutory and points is not null)) as pts
      from p group by all
    )
    select upn, 'english' as subject, d, pts from per_day where subject = 'english' and pts is not null
    union all
    select r.upn, 'english', r.d, (r.pts + w.pts) / 2 from per_day r join per_day w on w.upn = r.upn and w.d = r.d and w.subject = 'writing'
    where r.subject = 'reading' and r.pts is not null and w.pts is not null
      and not exists (select 1 from per_day e where e.upn = r.upn and e.d = r.d and e.subject = 'english')
    union all
    select upn, 'maths', d, pts from per_day where subject = 'maths' and pts is not null`);
  await db.run(`
    create table places as
    with h as (select tuition_id, sum(case when attended = 'Y' then cast(minutes as int) else 0 end) / 60.0 as hours from sessions group by 1)
    select t.upn, t.subject, min(cast(start_date as date)) as s, max(cast(end_date as date)) as e, sum(coalesce(h.hours, 0)) as hours
    from tuition t left join h using (tuition_id) group by 1, 2`);
  await db.run(`
    create table cohort as
    select p.*, case when p.nc_year = 'R' then 0 else cast(p.nc_year as int) end as ny, sc.national_challenge = 'Y' as nc_school
    from pupils p join schools sc using (urn)`);
  // §2 anchors: median start and end per NC year and subject (the earlier middle date).
  await db.run(`
    create table anchors as
    select c.ny, pl.subject, list_sort(list(pl.s))[(count(*) + 1) // 2] as ms, list_sort(list(pl.e))[(count(*) + 1) // 2] as me
    from places pl join cohort c using (upn) group by 1, 2`);
  await db.run(`
    create table analysis as
    with pop as (
      select c.upn, c.urn, c.ny, a.subject, c.fsm = 'Y' as fsm, c.cla = 'Y' as cla,
        case when coalesce(c.first_language, '') in ('', 'NOT', 'REF') then null else c.first_language not in ('ENG', 'ENB') end as eal,
        c.gender = 'F' as female, coalesce(c.sen, 'N') <> 'N' as sen_any,
        pl.upn is not null as tutored, pl.hours >= 10 as full_place, coalesce(pl.s, a.ms) as s, coalesce(pl.e, a.me) as e
      from cohort c join anchors a on a.ny = c.ny
      left join places pl on pl.upn = c.upn and pl.subject = a.subject
      where pl.upn is not null or c.ny between 3 and 9 or (c.ny between 10 and 11 and c.nc_school)
    ), b as (
      select pop.*, arg_max(sc.pts, sc.d) as baseline from pop
      left join scored sc on sc.upn = pop.upn and sc.subject = pop.subject and sc.d between pop.s - 365 and pop.s
      group by all
    )
    select b.*, arg_min(sc.pts, sc.d) as outcome from b
    left join scored sc on sc.upn = b.upn and sc.subject = b.subject and sc.d > b.e and sc.d <= b.e + 365
    group by all`);
}, 300_000);

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** OLS coefficients by the normal equations (Gauss-Jordan with partial pivoting). */
function ols(X: number[][], y: number[]): number[] {
  const k = X[0].length;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < X.length; i++) {
    const xi = X[i];
    for (let a = 0; a < k; a++) {
      A[a][k] += xi[a] * y[i];
      for (let b = 0; b < k; b++) A[a][b] += xi[a] * xi[b];
    }
  }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= k; j++) A[r][j] -= f * A[c][j];
    }
  }
  return A.map((row, i) => row[k] / A[i][i]);
}

interface Row {
  ny: number;
  tutored: boolean;
  baseline: number;
  outcome: number;
  fsm: boolean;
  cla: boolean;
  eal: boolean;
  female: boolean;
  sen_any: boolean;
}

/** measures.md §3: outcome on tutored, baseline by key stage, NC year dummies and covariates. */
function impact(rows: Row[]): { b: number; naive: number; nT: number } {
  const years = [...new Set(rows.map((r) => r.ny))].sort((a, b) => a - b);
  const X = rows.map((r) => {
    const ks = r.ny <= 6 ? 0 : r.ny <= 9 ? 1 : 2;
    return [
      1,
      +r.tutored,
      ks === 0 ? r.baseline : 0,
      ks === 1 ? r.baseline : 0,
      ks === 2 ? r.baseline : 0,
      ...years.slice(1).map((y) => +(r.ny === y)),
      +r.fsm,
      +r.cla,
      +r.eal,
      +r.female,
      +r.sen_any,
    ];
  });
  // Drop constant columns (a covariate constant within a group; a key stage absent).
  const keep = X[0].map((_, j) => j < 2 || X.some((x) => x[j] !== X[0][j]));
  const b = ols(
    X.map((x) => x.filter((_, j) => keep[j])),
    rows.map((r) => r.outcome),
  )[1];
  const t = rows.filter((r) => r.tutored);
  const c = rows.filter((r) => !r.tutored);
  const mean = (rs: Row[]) => rs.reduce((a, r) => a + r.outcome - r.baseline, 0) / rs.length;
  return { b, naive: mean(t) - mean(c), nT: t.length };
}

async function sample(subject: string, where = "true"): Promise<Row[]> {
  return db.all<Row & Record<string, unknown>>(
    `select ny, tutored, baseline, outcome, fsm, cla, eal, female, sen_any from analysis
     where subject = $1 and baseline is not null and outcome is not null and eal is not null and (${where})`,
    [subject],
  );
}

describe("planted effects (truth.json) against an independent §3 estimate", () => {
  for (const subject of ["english", "maths"]) {
    it(`${subject}: the tutees in the model are the ones truth.json counts; adjusted b recovers the effect, naive falls short`, async () => {
      const planted = truth.planted_effects.by_subject_and_group[subject];
      const { b, naive, nT } = impact(await sample(subject));
      expect(nT).toBe(planted.total.Total.tutees_in_model);
      expect(nT).toBeGreaterThan(500);
      expect(Math.abs(b - planted.total.Total.expected_b)).toBeLessThan(0.3);
      expect(naive).toBeLessThan(planted.total.Total.expected_b - 0.1);
    });
  }

  it("groups: FSM pupils gain more, EAL pupils nothing (both subjects pooled per group)", async () => {
    for (const subject of ["english", "maths"]) {
      const g = truth.planted_effects.by_subject_and_group[subject];
      const fsm = impact(await sample(subject, "fsm"));
      const eal = impact(await sample(subject, "eal"));
      expect(fsm.nT).toBe(g.fsm_status["FSM eligible"].tutees_in_model);
      expect(eal.nT).toBe(g.first_language["Known or believed to be other than English"].tutees_in_model);
      expect(g.first_language["Known or believed to be other than English"].expected_b).toBe(0);
      expect(Math.abs(fsm.b - g.fsm_status["FSM eligible"].expected_b)).toBeLessThan(0.5);
      expect(Math.abs(eal.b)).toBeLessThan(0.6);
      expect(g.fsm_status["FSM eligible"].expected_b).toBeGreaterThan(g.fsm_status["Not known to be FSM eligible"].expected_b + 0.5);
    }
  });
});
