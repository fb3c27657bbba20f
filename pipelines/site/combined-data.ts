// What the combined site shows (issue 19, outputs.md §1): from a folder `tuition-impact combine`
// wrote, each year's whole-cohort impact rows per subject (and, for the National Tutoring
// Programme, per subject × outcome measure) — every LA's published b and 95% CI and the National
// random-effects estimate with k, τ², I² and the prediction interval. Values stay the published
// strings (numbers as rounded, or c / x / z), so the site shows exactly what the combined return
// holds and nothing the return suppresses. Either profile's combined return is read (programmes.md
// §1): its filters come from its metadata, so "whole cohort" means every filter there other than
// subject (and outcome measure) at Total, whichever profile wrote them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../ingest/errors.ts";
import { parseTable, type Table } from "../export/csv.ts";
import { FILTER_COLUMNS, NTP_FILTERS } from "../export/layout.ts";
import { OUTCOME_MEASURES } from "../measures/ntp-impact.ts";

const COMBINED_NAME = /^impact_national_(\d{6})\.csv$/;
/** Columns the forest plot needs from the combined return: the LA figures, then the National-only ones. */
const LA_COLUMNS = ["old_la_code", "la_name", "b", "ci_low", "ci_high"] as const;
const NATIONAL_COLUMNS = ["pooled_k", "pooled_tau2", "pooled_i2", "pooled_pi_low", "pooled_pi_high"] as const;
/** A published cell: a plain number as the return writes it, or one of the EES symbols. */
const CELL = /^(-?\d+(\.\d+)?|c|x|z)$/;
/** Filters that make a forest plot of their own rather than a breakdown left at Total: an ntp impact is estimated per outcome measure. */
const PANEL_FILTERS = ["subject", "outcome_measure"];
/** The ntp profile's own filters: a return with any of them is an ntp return (as combine tells the profiles apart). */
const NTP_ONLY = NTP_FILTERS.map((f) => f.col).filter((c) => !FILTER_COLUMNS.includes(c));

export type CombinedProgramme = "one_to_one_2009" | "ntp";
const PROGRAMME_NAME: Record<CombinedProgramme, string> = {
  one_to_one_2009: "a combined one-to-one tuition (2009 programme) return",
  ntp: "a combined National Tutoring Programme (ntp) return",
};

export interface ForestLa {
  la_code: string;
  la_name: string;
  b: string;
  ci_low: string;
  ci_high: string;
}

export interface ForestSubject {
  subject: string;
  /** ntp only: the outcome measure the impact is on (its scale's points). Absent on a 2009 view. */
  outcome_measure?: string;
  las: ForestLa[];
  national: {
    b: string;
    se: string;
    ci_low: string;
    ci_high: string;
    pooled_k: string;
    pooled_tau2: string;
    pooled_i2: string;
    pooled_pi_low: string;
    pooled_pi_high: string;
  };
}

export interface CombinedPeriod {
  time_period: string;
  /** 2009/10 */
  year: string;
  /** The combined return's files for this year, offered as downloads. */
  files: string[];
  subjects: ForestSubject[];
}

export interface CombinedView {
  /** "ntp" for a National Tutoring Programme folder; absent for a 2009 one (whose data file is as it was before ntp). */
  programme?: "ntp";
  periods: CombinedPeriod[];
}

/** The combined return files of one year that the site offers for download (never anything private). */
export function combinedFiles(folder: string, timePeriod: string): string[] {
  const wanted = new Set([`impact_national_${timePeriod}.csv`, `impact_national_${timePeriod}.meta.csv`, `data-guidance-national-${timePeriod}.md`]);
  return readdirSync(folder)
    .filter((f) => wanted.has(f))
    .sort();
}

/** Reads every combined return in `folder` (latest year first); all of one programme. */
export function combinedView(folder: string): CombinedView {
  if (!existsSync(folder)) throw new InputError(folder, "no such folder: name the folder tuition-impact combine wrote (its --out).");
  const names = readdirSync(folder)
    .filter((f) => COMBINED_NAME.test(f))
    .sort()
    .reverse();
  if (names.length === 0)
    throw new InputError(folder, "no combined return here (impact_national_<period>.csv): run tuition-impact combine <returns> --out <folder> first.");
  const read = names.map((name) => combinedPeriod(folder, name));
  const other = read.find((r) => r.programme !== read[0].programme);
  if (other) {
    throw new InputError(
      folder,
      `mixed programmes: ${names[0]} is ${PROGRAMME_NAME[read[0].programme]} and ${names[read.indexOf(other)]} is ${PROGRAMME_NAME[other.programme]}; build one combined site per programme, each from a folder of its own.`,
    );
  }
  const periods = read.map((r) => r.period);
  return read[0].programme === "ntp" ? { programme: "ntp", periods } : { periods };
}

/** Which profile's combined return `table` is, from its filter columns; neither is refused naming the file. */
function programmeOf(path: string, table: Table): CombinedProgramme {
  if (NTP_ONLY.some((c) => table.columns.includes(c))) return "ntp";
  const missing = FILTER_COLUMNS.find((c) => !table.columns.includes(c));
  if (missing === undefined) return "one_to_one_2009";
  throw new InputError(
    path,
    `no column '${missing}' (a 2009 return's filter) nor '${NTP_ONLY[0]}' (an ntp return's): it is neither ${PROGRAMME_NAME.one_to_one_2009} nor ${PROGRAMME_NAME.ntp} of this tool.`,
  );
}

/** The return's filter columns, as its metadata (impact_national_<period>.meta.csv) lists them. */
function filtersOf(folder: string, timePeriod: string, table: Table, name: string): string[] {
  const path = join(folder, `impact_national_${timePeriod}.meta.csv`);
  if (!existsSync(path))
    throw new InputError(
      path,
      `no such file: the filters of ${name} are read from its metadata, which combine writes beside it; copy it in or run tuition-impact combine again.`,
    );
  const meta = parseTable(readFileSync(path, "utf8"));
  if (!meta.columns.includes("col_name") || !meta.columns.includes("col_type"))
    throw new InputError(path, "no col_name or col_type column: it is not the metadata of a combined return.");
  const filters = meta.records.filter((r) => r.values.col_type === "Filter");
  for (const r of filters) {
    if (!table.columns.includes(r.values.col_name)) throw new InputError(path, `line ${r.line}: filter '${r.values.col_name}' is not a column of ${name}.`);
  }
  const cols = filters.map((r) => r.values.col_name);
  if (!cols.includes("subject"))
    throw new InputError(path, `no Filter row for 'subject': the forest plots are per subject, so the metadata must list it (combine always writes it).`);
  return cols;
}

function combinedPeriod(folder: string, name: string): { programme: CombinedProgramme; period: CombinedPeriod } {
  const path = join(folder, name);
  const table = parseTable(readFileSync(path, "utf8"));
  for (const c of [...LA_COLUMNS, "se", "geographic_level", "time_period", "subject", ...NATIONAL_COLUMNS]) {
    if (!table.columns.includes(c)) {
      const why = (NATIONAL_COLUMNS as readonly string[]).includes(c)
        ? "the LAs were combined by a version of the tool that made no national meta-analysis: run tuition-impact combine again"
        : "it is not a combined return of this tool";
      throw new InputError(path, `no column '${c}': ${why}.`);
    }
  }
  const programme = programmeOf(path, table);
  const timePeriod = COMBINED_NAME.exec(name)![1];
  const filters = filtersOf(folder, timePeriod, table, basename(path));
  const panels = PANEL_FILTERS.filter((c) => filters.includes(c));
  // The whole-cohort rows of each panel: every other filter of the metadata at Total.
  const whole = table.records.filter((r) => filters.every((c) => panels.includes(c) || r.values[c] === "Total"));
  for (const r of whole) {
    if (r.values.time_period !== timePeriod)
      throw new InputError(path, `line ${r.line}, column time_period: '${r.values.time_period}', but the file name says ${timePeriod}.`);
    for (const c of ["b", "se", "ci_low", "ci_high", ...NATIONAL_COLUMNS]) {
      if (!CELL.test(r.values[c])) throw new InputError(path, `line ${r.line}, column ${c}: '${r.values[c]}' is neither a number nor c, x or z.`);
    }
  }
  const panelKey = (r: (typeof whole)[number]) => JSON.stringify(panels.map((c) => r.values[c]));
  // In the return's order; an ntp subject's outcome measures in the profile's order (standardised score, KS2, GCSE).
  const keys = [...new Set(whole.map(panelKey))];
  const measureAt = (k: string) => {
    const m = panels.includes("outcome_measure") ? JSON.parse(k)[panels.indexOf("outcome_measure")] : undefined;
    const i = (OUTCOME_MEASURES as readonly string[]).indexOf(m);
    return i < 0 ? OUTCOME_MEASURES.length : i;
  };
  const firstSeen = [...keys];
  const subjectAt = (k: string) => firstSeen.findIndex((o) => JSON.parse(o)[0] === JSON.parse(k)[0]);
  keys.sort((a, b) => subjectAt(a) - subjectAt(b) || measureAt(a) - measureAt(b));
  const subjects: ForestSubject[] = [];
  for (const key of keys) {
    const rows = whole.filter((r) => panelKey(r) === key);
    const subject = rows[0].values.subject;
    const measure = panels.includes("outcome_measure") ? rows[0].values.outcome_measure : undefined;
    const what = measure === undefined ? subject : `${subject}, ${measure}`;
    const national = rows.filter((r) => r.values.geographic_level === "National");
    if (national.length !== 1) throw new InputError(path, `${national.length} National rows for ${what} (all pupils), where there should be one.`);
    const n = national[0].values;
    // Subject Total (and an ntp outcome measure Total, delivery and cost): impact does not apply (measures.md §5), so there is nothing to plot.
    if (n.b === "z") continue;
    const las = rows
      .filter((r) => r.values.geographic_level === "Local authority")
      .map((r) => ({ la_code: r.values.old_la_code, la_name: r.values.la_name, b: r.values.b, ci_low: r.values.ci_low, ci_high: r.values.ci_high }));
    subjects.push({
      subject,
      // Only on an ntp view, so that a 2009 view's data file keeps its bytes.
      ...(measure === undefined ? {} : { outcome_measure: measure }),
      las,
      national: {
        b: n.b,
        se: n.se,
        ci_low: n.ci_low,
        ci_high: n.ci_high,
        pooled_k: n.pooled_k,
        pooled_tau2: n.pooled_tau2,
        pooled_i2: n.pooled_i2,
        pooled_pi_low: n.pooled_pi_low,
        pooled_pi_high: n.pooled_pi_high,
      },
    });
  }
  return {
    programme,
    period: { time_period: timePeriod, year: `${timePeriod.slice(0, 4)}/${timePeriod.slice(4)}`, files: combinedFiles(folder, timePeriod), subjects },
  };
}
