// What the combined site shows (issue 19, outputs.md §1): from a folder `tuition-impact combine`
// wrote, each year's whole-cohort impact rows per subject — every LA's published b and 95% CI
// and the National random-effects estimate with k, τ², I² and the prediction interval. Values
// stay the published strings (numbers as rounded, or c / x / z), so the site shows exactly what
// the combined return holds and nothing the return suppresses.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../ingest/errors.ts";
import { parseTable } from "../export/csv.ts";
import { FILTER_COLUMNS } from "../export/layout.ts";

const COMBINED_NAME = /^impact_national_(\d{6})\.csv$/;
/** Columns the forest plot needs from the combined return: the LA figures, then the National-only ones. */
const LA_COLUMNS = ["old_la_code", "la_name", "b", "ci_low", "ci_high"] as const;
const NATIONAL_COLUMNS = ["pooled_k", "pooled_tau2", "pooled_i2", "pooled_pi_low", "pooled_pi_high"] as const;
/** A published cell: a plain number as the return writes it, or one of the EES symbols. */
const CELL = /^(-?\d+(\.\d+)?|c|x|z)$/;

export interface ForestLa {
  la_code: string;
  la_name: string;
  b: string;
  ci_low: string;
  ci_high: string;
}

export interface ForestSubject {
  subject: string;
  las: ForestLa[];
  national: { b: string; se: string; ci_low: string; ci_high: string; pooled_k: string; pooled_tau2: string; pooled_i2: string; pooled_pi_low: string; pooled_pi_high: string };
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
  periods: CombinedPeriod[];
}

/** The combined return files of one year that the site offers for download (never anything private). */
export function combinedFiles(folder: string, timePeriod: string): string[] {
  const wanted = new Set([`impact_national_${timePeriod}.csv`, `impact_national_${timePeriod}.meta.csv`, `data-guidance-national-${timePeriod}.md`]);
  return readdirSync(folder).filter((f) => wanted.has(f)).sort();
}

/** Reads every combined return in `folder` (latest year first). */
export function combinedView(folder: string): CombinedView {
  if (!existsSync(folder)) throw new InputError(folder, "no such folder: name the folder tuition-impact combine wrote (its --out).");
  const names = readdirSync(folder).filter((f) => COMBINED_NAME.test(f)).sort().reverse();
  if (names.length === 0) throw new InputError(folder, "no combined return here (impact_national_<period>.csv): run tuition-impact combine <returns> --out <folder> first.");
  return { periods: names.map((name) => combinedPeriod(folder, name)) };
}

function combinedPeriod(folder: string, name: string): CombinedPeriod {
  const path = join(folder, name);
  const table = parseTable(readFileSync(path, "utf8"));
  for (const c of [...LA_COLUMNS, "se", "geographic_level", "time_period", ...FILTER_COLUMNS, ...NATIONAL_COLUMNS]) {
    if (!table.columns.includes(c)) {
      const why = (NATIONAL_COLUMNS as readonly string[]).includes(c)
        ? "the LAs were combined by a version of the tool that made no national meta-analysis: run tuition-impact combine again"
        : "it is not a combined return of this tool";
      throw new InputError(path, `no column '${c}': ${why}.`);
    }
  }
  const timePeriod = COMBINED_NAME.exec(name)![1];
  // The whole-cohort rows of each subject: every filter but subject at Total.
  const whole = table.records.filter((r) => FILTER_COLUMNS.every((c) => c === "subject" || r.values[c] === "Total"));
  for (const r of whole) {
    if (r.values.time_period !== timePeriod) throw new InputError(path, `line ${r.line}, column time_period: '${r.values.time_period}', but the file name says ${timePeriod}.`);
    for (const c of ["b", "se", "ci_low", "ci_high", ...NATIONAL_COLUMNS]) {
      if (!CELL.test(r.values[c])) throw new InputError(path, `line ${r.line}, column ${c}: '${r.values[c]}' is neither a number nor c, x or z.`);
    }
  }
  const subjects: ForestSubject[] = [];
  for (const subject of [...new Set(whole.map((r) => r.values.subject))]) {
    const rows = whole.filter((r) => r.values.subject === subject);
    const national = rows.filter((r) => r.values.geographic_level === "National");
    if (national.length !== 1) throw new InputError(path, `${national.length} National rows for ${subject} (all pupils), where there should be one.`);
    const n = national[0].values;
    // Subject Total: impact does not apply (measures.md §5), so there is nothing to plot.
    if (n.b === "z") continue;
    const las = rows
      .filter((r) => r.values.geographic_level === "Local authority")
      .map((r) => ({ la_code: r.values.old_la_code, la_name: r.values.la_name, b: r.values.b, ci_low: r.values.ci_low, ci_high: r.values.ci_high }));
    subjects.push({
      subject,
      las,
      national: { b: n.b, se: n.se, ci_low: n.ci_low, ci_high: n.ci_high, pooled_k: n.pooled_k, pooled_tau2: n.pooled_tau2, pooled_i2: n.pooled_i2, pooled_pi_low: n.pooled_pi_low, pooled_pi_high: n.pooled_pi_high },
    });
  }
  return { time_period: timePeriod, year: `${timePeriod.slice(0, 4)}/${timePeriod.slice(4)}`, files: combinedFiles(folder, timePeriod), subjects };
}
