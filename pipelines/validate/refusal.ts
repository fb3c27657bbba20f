// When the input as a whole cannot give an honest return, the run is refused before anything
// is written (issue 14): a required dataset that loads no row, a file with more than
// max_quarantine_share of its rows quarantined, or no loaded tuition or census row in the
// academic years the run analyses (the return would be nothing but z and x). Checked by
// `validate` and by `run`, between validation and transform, on the same report.
import type { Db } from "../core/db.ts";
import { runContextOf } from "../core/run-context.ts";
import { InputRefusedError } from "../core/exit-codes.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { REQUIRED_DATASETS } from "../ingest/datasets.ts";
import { InputError } from "../ingest/errors.ts";
import { HeaderProblemError } from "../ingest/headers.ts";
import { describeInputProblems } from "../ingest/refusal.ts";
import { formatReasons, formatUnknownValues, shareText, type ValidateReport } from "./report.ts";

/** One line per refused file: "<file>: <why>". Empty when the input can be used. */
export async function refusalReasons(db: Db, settings: ResolvedSettings, report: ValidateReport): Promise<string[]> {
  const reasons: string[] = [];
  const limit = settings.max_quarantine_share;
  for (const f of report.files) {
    const why: string[] = [];
    const required = (REQUIRED_DATASETS as readonly string[]).includes(f.dataset);
    if (required && f.rows_loaded === 0)
      why.push(f.rows_read === 0 ? `no data rows at all (a required dataset)` : `none of its ${f.rows_read} rows loaded (a required dataset)`);
    else if (f.rows_read > 0 && f.rows_quarantined / f.rows_read > limit)
      why.push(`${shareText(f.rows_quarantined, f.rows_read)} quarantined, more than max_quarantine_share ${formatShare(limit)}`);
    if (why.length === 0) continue;
    const top = formatReasons(f);
    reasons.push(
      `${f.file}: ${f.rows_read} rows read, ${f.rows_loaded} loaded, ${f.rows_quarantined} quarantined; ${why.join("; ")}${top ? `. Top reasons: ${top}` : ""}`,
    );
  }
  reasons.push(...(await yearReasons(db, settings, report)));
  return reasons;
}

/** Tuition and census rows must fall in the years analysed (settings.academic_years, else every tuition year), and each LA needs courses there. */
async function yearReasons(db: Db, settings: ResolvedSettings, report: ValidateReport): Promise<string[]> {
  const fileOf = (dataset: string) => report.files.find((f) => f.dataset === dataset);
  const tuition = fileOf("tuition");
  const pupils = fileOf("pupils");
  if (!tuition?.rows_loaded || !pupils?.rows_loaded) return []; // already refused above
  const byYear = async (table: string) =>
    db.all<{ year: string; n: number }>(`select academic_year as year, count(*)::INTEGER as n from ${table} group by 1 order by 1`);
  const list = (rows: { year: string; n: number }[]) => rows.map((r) => `${r.year} (${r.n} rows)`).join(", ");
  const out: string[] = [];
  const tuitionYears = await byYear("stg_tuition");
  const { academic_years: years } = await runContextOf(db, settings);
  if (settings.academic_years?.length && !tuitionYears.some((r) => years.includes(r.year)))
    out.push(
      `${tuition.file}: no loaded course is in the academic years of settings.json (${years.join(", ")}); its courses are in ${list(tuitionYears)}. Correct academic_years in settings.json, or use the right year's file`,
    );
  const censusYears = await byYear("stg_pupils");
  if (!censusYears.some((r) => years.includes(r.year)))
    out.push(
      `${pupils.file}: no loaded census row is in the academic years analysed (${years.join(", ")}); its rows are in ${list(censusYears)}. Use the census of the year the tuition was in`,
    );
  // Each LA of the settings gets its own return: one with no course would be nothing but z and x.
  const schools = fileOf("schools");
  const las = await db.all<{ la_code: string; schools: number; courses: number }>(
    `select l.la_code,
       (select count(*) from stg_schools s where s.la_code = l.la_code)::INTEGER as schools,
       (select count(*) from stg_tuition t join stg_schools s using (urn)
         where s.la_code = l.la_code and list_contains(from_json(?, '["VARCHAR"]'), t.academic_year))::INTEGER as courses
     from run_las l order by l.la_code`,
    [JSON.stringify(years)],
  );
  const name = (code: string) => `LA ${code} (${settings.las.find((la) => la.old_code === code)?.name})`;
  for (const la of las) {
    if (la.schools === 0 && schools)
      out.push(`${schools.file}: settings.json names ${name(la.la_code)}, but no loaded school is in it. Add its schools, or take the LA out of settings.json`);
    else if (la.courses === 0)
      out.push(
        `${tuition.file}: no loaded course in the academic years analysed (${years.join(", ")}) was arranged by a school of ${name(la.la_code)}, so its return would have no figures. Add its courses, or take the LA out of settings.json`,
      );
  }
  return out;
}

function formatShare(share: number): string {
  return `${Number((share * 100).toFixed(2))}%`;
}

/**
 * Throws InputRefusedError when the input is refused: each file and why, every unknown code
 * value with the value_aliases block to paste, and where the full quarantine report is.
 */
export async function refuseUnusableInput(
  db: Db,
  settings: ResolvedSettings,
  report: ValidateReport,
  quarantineCsv?: string,
  /** Files ingest could not read as they are (its guess mode): refused here, with everything else. */
  ingestProblems: readonly InputError[] = [],
): Promise<void> {
  if (ingestProblems.length) throw await refuseInOnePass(db, settings, report, ingestProblems, quarantineCsv);
  const reasons = await refusalReasons(db, settings, report);
  if (reasons.length === 0) return;
  const unknown = formatUnknownValues(report);
  const message = [
    `The input was refused, so nothing was published (the last good outputs are as they were):`,
    ...reasons.map((r) => `  - ${r}`),
    ...(unknown ? ["", unknown, ""] : []),
    quarantineCsv
      ? `Every quarantined row, with its line, column and reason: ${quarantineCsv}`
      : `For every quarantined row, with its line, column and reason, run: tuition-impact validate <folder> (it writes <out>/private/quarantine.csv).`,
    `Fix the files, map words to codes with value_aliases in settings.json, or, where this many rows are expected to be unusable, raise max_quarantine_share.`,
  ].join("\n");
  throw new InputRefusedError(message, reasons);
}

/**
 * Issue 14's one pass: files whose headers were refused were read on with the guessed headers,
 * so one refusal lists every header problem with its header_aliases block, every unknown code
 * value (those of a guessed column marked) with its value_aliases block, and the reasons the rows
 * as read give, which may only follow from the problems above.
 */
async function refuseInOnePass(
  db: Db,
  settings: ResolvedSettings,
  report: ValidateReport,
  problems: readonly InputError[],
  quarantineCsv?: string,
): Promise<InputRefusedError> {
  const head = describeInputProblems(problems, settings.header_aliases);
  const guessed = problems.some((e) => e instanceof HeaderProblemError && e.problem.closest.size > 0);
  const rest = await refusalReasons(db, settings, report);
  const unknown = formatUnknownValues(report);
  const message = [
    `The input was refused, so nothing was published (the last good outputs are as they were).`,
    head.text,
    "",
    guessed
      ? `To find every other problem in this same pass, those files were read on with the guessed headers (a column with no guess read as blank).`
      : `To find every other problem in this same pass, the other files were read on.`,
    ...(unknown ? ["", unknown] : []),
    ...(rest.length
      ? [
          "",
          `As the files were read this time, before any of the settings above (so some of these may only follow from the problems above):`,
          ...rest.map((r) => `  - ${r}`),
        ]
      : []),
    "",
    ...(quarantineCsv ? [`Every quarantined row, with its line, column and reason: ${quarantineCsv}`] : []),
    blocks(Number(guessed) + Number(Boolean(unknown))),
  ].join("\n");
  return new InputRefusedError(message, [...head.reasons, ...rest]);
}

function blocks(n: number): string {
  return n === 0
    ? `Fix the files named above and run again.`
    : `Put ${n === 2 ? "both blocks" : "the block"} above into settings.json (checking each guess), fix what no setting can, and run again.`;
}
