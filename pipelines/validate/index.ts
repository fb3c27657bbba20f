// Validate: every rule of inputs.md, as set-based SQL over raw_* (sql/*.sql), in the
// order references need (a child is checked against its parent's *loaded* rows):
// schools → pupils → attainment, tuition → sessions, viewpoints; allocations → schools.
// Rules read aliased_<d> (raw_<d> with settings.value_aliases applied, value-aliases.ts).
// Each dataset runs typed_<d> (parse), q_<d> (its rules), the generic rules below, then
// stg_<d> (rows with no quarantine row). Ends by proving rows read = loaded + quarantined.
// Whether the input as a whole can be used is decided after, on the report (refusal.ts).
import { join } from "node:path";
import { ident, literal, type Db } from "../core/db.ts";
import { DEFAULT_STANDARDISED_RANGE, type Programme } from "../core/programme.ts";
import { writeRunLas } from "../core/run-context.ts";
import { programmeOf, type ResolvedSettings } from "../core/settings.ts";
import { columnsOf, DATASETS, type Dataset } from "../ingest/datasets.ts";
import { InputError } from "../ingest/errors.ts";
import { dropRawTable } from "../ingest/raw.ts";
import { applyValueAliases, checkValueAliases } from "./value-aliases.ts";

const SQL = join(import.meta.dirname, "sql");

/** Columns where inputs.md lets a blank mean "unknown"; a blank anywhere else quarantines the row. */
export const BLANK_ALLOWED: Record<Dataset, readonly string[]> = {
  schools: ["academy", "national_challenge", "ecaw"],
  pupils: ["fsm", "cla", "first_language", "sen", "ethnicity"],
  attainment: [],
  tuition: ["itp_agreed", "mid_check", "targets_set", "targets_met"],
  sessions: ["in_school_day", "attended"],
  viewpoints: ["comment"],
  allocations: ["urn"],
};

/**
 * The same for an ntp folder (programmes.md §2): fsm6 and pla blank = N; pupil_premium, test_name
 * (a std row's is checked in SQL), group_id, hourly_cost_gbp, tutor_trained (a flag) and the
 * 2009 course columns may be blank; allocations need only the year, LA and funding.
 */
const NTP_BLANK_ALLOWED: Record<Dataset, readonly string[]> = {
  schools: ["academy", "national_challenge", "ecaw"],
  pupils: ["fsm", "cla", "first_language", "sen", "ethnicity", "fsm6", "pla", "pupil_premium"],
  attainment: ["test_name"],
  tuition: ["itp_agreed", "mid_check", "targets_set", "targets_met", "allocation", "entry_reason", "group_id", "hourly_cost_gbp", "tutor_trained"],
  sessions: ["in_school_day", "attended"],
  viewpoints: ["comment"],
  allocations: ["urn", "key_stage", "subject", "places"],
};

export type FileCounts = {
  dataset: string;
  file: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
};

export interface ValidateSummary {
  files: FileCounts[];
  /** Quarantine rows per rule (a row breaking two rules counts under both). */
  rules: { rule: string; rows: number }[];
}

export async function validate(db: Db, settings: ResolvedSettings): Promise<ValidateSummary> {
  checkValueAliases(settings);
  const programme = programmeOf(settings);
  await db.runFile(join(SQL, "macros.sql"));
  await defineProfile(db, settings);
  // The LAs of the run (run_las, core/run-context.ts), for the rules that refuse another LA's
  // schools (checkLaCodes) and allocation rows (unknown_la).
  await writeRunLas(db, settings);
  await checkLaCodes(db, settings);
  await applyValueAliases(db, settings);
  for (const dataset of DATASETS) {
    await db.runFile(join(SQL, `typed_${dataset}.sql`));
    await db.runFile(join(SQL, `q_${dataset}.sql`));
    await addGenericRules(db, dataset, programme);
    await db.runFile(join(SQL, `stg_${dataset}.sql`));
    if (dataset === "tuition") await db.runFile(join(SQL, "stg_tuition_refused.sql"));
  }
  await db.run(`create or replace table quarantine as
    select dataset, file, line, "column", value, rule, message from (
      ${DATASETS.map((d) => `select * from q_${d}`).join(" union all ")})
    order by file, line, "column", rule, value`);
  await db.run(`create or replace table validate_counts as
    with loaded as (
      ${DATASETS.map((d) => `select '${d}' as dataset, _file as file, count(*) as n from stg_${d} group by _file`).join(" union all ")}
    ),
    held as (select dataset, file, count(distinct line) as n from quarantine group by dataset, file)
    select f.dataset, f.file, f.rows_read, coalesce(l.n, 0) as rows_loaded, coalesce(h.n, 0) as rows_quarantined
    from ingest_files f left join loaded l using (dataset, file) left join held h using (dataset, file)
    order by f.dataset`);
  // Breaches of the programme's own rules load, and are listed for the data-quality report (programmes.md §2).
  if (programme === "ntp") await db.runFile(join(SQL, "programme_breaches.sql"));
  for (const d of DATASETS) await db.run(`drop table if exists typed_${d}; drop table if exists q_${d}`);
  await db.run("drop table if exists flagged_attainment");

  const files = await db.all<FileCounts>(`select dataset, file, rows_read::INTEGER as rows_read, rows_loaded::INTEGER as rows_loaded,
    rows_quarantined::INTEGER as rows_quarantined from validate_counts order by dataset`);
  for (const f of files)
    if (f.rows_read !== f.rows_loaded + f.rows_quarantined)
      throw new Error(
        `${f.file}: ${f.rows_read} rows read but ${f.rows_loaded} loaded + ${f.rows_quarantined} quarantined; this is a bug in the pipeline, please report it.`,
      );
  const rules = await db.all<{ rule: string; rows: number }>(`select rule, count(*)::INTEGER as rows from quarantine group by rule order by rule`);
  return { files, rules };
}

/**
 * Drops what validate read (each dataset's aliased_ view and raw layer) once a run has staged and
 * accepted its rows. Not part of validate: the validate command and the tests read them after it.
 */
export async function dropValidatedInputs(db: Db): Promise<void> {
  for (const dataset of DATASETS) {
    await db.run(`drop view if exists ${ident(`aliased_${dataset}`)}`);
    await dropRawTable(db, dataset);
  }
}

/**
 * What the SQL of ./sql needs to know of the profile: ti_ntp() (a constant, so DuckDB folds the
 * branches of the other profile away) and, for an ntp run, the range of each standardised test
 * (settings.ntp.standardised_tests, matched to test_name ignoring case and surrounding spaces;
 * any other test 55-145, programmes.md §2).
 */
async function defineProfile(db: Db, settings: ResolvedSettings): Promise<void> {
  const ntp = programmeOf(settings) === "ntp";
  await db.run(`create or replace temp macro ti_ntp() as ${ntp}`);
  await db.run(
    `create or replace temp table validate_std_tests as
    select lower(trim(t.name)) as test_key, t.min::DOUBLE as min, t.max::DOUBLE as max
    from (select unnest(from_json(?, '[{"name": "VARCHAR", "min": "DOUBLE", "max": "DOUBLE"}]'), recursive := true)) t`,
    [JSON.stringify(Object.entries(settings.ntp?.standardised_tests ?? {}).map(([name, r]) => ({ name, ...r })))],
  );
  await db.run(`create or replace temp macro ti_std_min() as ${DEFAULT_STANDARDISED_RANGE.min}`);
  await db.run(`create or replace temp macro ti_std_max() as ${DEFAULT_STANDARDISED_RANGE.max}`);
}

/**
 * A school in an LA the settings do not name means the wrong folder or settings: stop
 * (inputs.md), naming every such LA at once with its first line.
 */
async function checkLaCodes(db: Db, settings: ResolvedSettings): Promise<void> {
  const codes = settings.las.map((la) => la.old_code);
  const bad = await db.all<{ file: string; line: number; la_code: string; n: number }>(
    `select any_value(_file) as file, min(_line)::INTEGER as line, la_code, count(*)::INTEGER as n from raw_schools
     where regexp_full_match(la_code, '\\d{3}') and la_code not in (select la_code from run_las)
     group by la_code order by line`,
  );
  if (bad.length)
    throw new InputError(
      bad[0].file,
      `${bad.map((b) => `line ${b.line}: la_code ${b.la_code} (on ${b.n} row${b.n > 1 ? "s" : ""})`).join("; ")} ${bad.length > 1 ? "are not LAs" : "is not an LA"} in the settings (${codes.join(", ")}). ` +
        `Check the folder is the right LA's, or add the LA to settings.json.`,
    );
}

/**
 * Rules that follow from the column contract alone: required values, and values past the
 * header. One scan of the dataset picks the rows breaking any of them; each rule then reads
 * only those few rows.
 */
async function addGenericRules(db: Db, dataset: Dataset, programme: Programme): Promise<void> {
  const blank = programme === "ntp" ? NTP_BLANK_ALLOWED : BLANK_ALLOWED;
  const required = columnsOf(dataset, programme).filter((c) => !blank[dataset].includes(c));
  const broken = [...required.map((c) => `${ident(c)} is null`), "_overflow is not null"];
  await db.run(`create or replace temp table _generic_rows as
    select _file, _line, ${[...required.map(ident), "_overflow"].join(", ")} from raw_${dataset} where ${broken.join(" or ")}`);
  const parts = required.map(
    (c) => `select _file, _line, ${literal(c)} as "column", null::VARCHAR as value, 'missing_value' as rule,
      ${literal(`${c} is blank; every ${dataset} row needs one`)} as message from _generic_rows where ${ident(c)} is null`,
  );
  parts.push(`select _file, _line, null, _overflow, 'too_many_fields',
    'this row has more values than the header has columns (' || _overflow || '); a comma inside a value needs the value in double quotes'
    from _generic_rows where _overflow is not null`);
  await db.run(`insert into q_${dataset} select ${literal(dataset)}, _file, _line, "column", value, rule, message from (${parts.join(" union all ")})`);
  await db.run("drop table _generic_rows");
}

/**
 * The quarantine report for the officer: one line per row and broken rule. Values that a
 * spreadsheet would run as a formula (= + - @, tab, CR) get a leading ' so opening the
 * file in Excel cannot execute anything.
 */
export async function writeQuarantineReport(db: Db, path: string): Promise<void> {
  // A plain number such as -1.5 cannot run and is left as written.
  const safe = (col: string) =>
    `case when regexp_matches(${col}, '^[=+\\-@\\t\\r]') and not regexp_full_match(${col}, '-?[0-9]+(\\.[0-9]+)?') then '''' || ${col} else ${col} end`;
  await db.run(`copy (
      select ${safe("file")} as file, line, ${safe('"column"')} as "column", ${safe("value")} as value, rule, ${safe("message")} as message
      from quarantine order by file, line, "column", rule
    ) to ${literal(path)} (header, delimiter ',', quote '"')`);
}
