// The national analyst's combiner (outputs.md §1): screens each LA return, refuses what
// cannot be stacked (mixed years, columns that differ, the same LA twice with different
// figures), stacks the LA rows and adds National rows computed from them where that is valid:
//   sum            counts and totals add up; a suppressed (c) or unavailable (x) part makes the
//                  National figure x (we only have the LA returns, not the microdata from which
//                  DfE would publish an exact national total);
//   weighted_mean  means and percentages, weighted by their count column (weight_col of the
//                  return's .aggregation.csv); x where any part or weight is not a number. The
//                  parts are the published (rounded) figures, so the result can differ from one
//                  computed on unrounded data in the last decimal place;
//   not_combinable CIs, ratios, dose and matched estimates: x (a national model is needed; run
//                  the pipeline on national data instead);
//   the impact     b, its SE and CI: a random-effects meta-analysis of the LAs' published b and
//                  se (REML, as R's metafor; national-impact.ts), with k, τ², I² and the prediction
//                  interval in National-only columns (z on LA rows); effect size and months from
//                  the pooled b; x with the reason where fewer than 3 LAs have an estimate.
//   ratio of sums  a percentage of two summed counts, from the National sums of its parts
//                  (RATIO_OF_SUMS: an ntp return's percentage_schools_participating, programmes.md
//                  §3 §13), x where a part is not a number, z where the denominator sums to 0.
// A National figure is z only where every LA part is z. National figures are functions of
// published LA figures only, so they disclose nothing the LA returns do not.
// Either profile's returns combine (programmes.md §1): a 2009 return's rows are keyed by the
// 2009 filters, an ntp return's by its own (outcome measure, route, group size, ...), so the
// ntp impact is pooled per subject × outcome measure × route or group size cell as the 2009
// impact is per subject and group. Returns of the two profiles are never combined together.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { formatFixed } from "../core/round.ts";
import { parseTable, PLAIN_NUMBER, type Table, toCsv } from "./csv.ts";
import { AGGREGATION_COLUMNS, FILTERS, layoutFor, NTP_FILTERS, returnNames } from "./layout.ts";
import { NTP_GUIDANCE_TITLE } from "./ntp-guidance.ts";
import { type Cell, canPool, loadNationalIndicators, nationalImpact, type NationalIndicator } from "./national-impact.ts";
import { assertScreened, META_COLUMNS, ReturnCheckError, screen, type ScreenOptions } from "./screener.ts";

export class CombineError extends Error {
  override name = "CombineError";
}

type Programme = "one_to_one_2009" | "ntp";

interface LaReturn {
  path: string;
  programme: Programme;
  name: string;
  data: Table;
  meta: Table;
  aggregation: Map<string, { combine: string; weight: string }>;
  timePeriod: string;
  laCode: string;
}

export interface CombineResult {
  files: string[];
  warnings: string[];
}

const DATA_NAME = /^impact_(\d{3})_(\d{6})\.csv$/;

/** The ntp profile's filter columns that a 2009 return never has: a return with one is an ntp return. */
const NTP_ONLY_FILTERS = NTP_FILTERS.map((f) => f.col).filter((c) => !FILTERS.some((f) => f.col === c));
const PROGRAMME_NAME: Record<Programme, string> = {
  one_to_one_2009: "a one-to-one tuition (2009 programme) return",
  ntp: "a National Tutoring Programme (ntp) return",
};

/**
 * National percentages that are a ratio of two summed counts rather than a mean of the LAs'
 * percentages (programmes.md §3 §13: percentage_schools_participating "combined nationally as
 * a ratio of sums"). The LA return calls them not_combinable: an LA cannot weight them.
 */
const RATIO_OF_SUMS: Record<string, { numerator: string; denominator: string; scale: number }> = {
  percentage_schools_participating: { numerator: "total_schools_participating", denominator: "total_schools", scale: 100 },
};

/** Combines LA returns (paths of their impact_<la>_<period>.csv files) into outDir. */
export async function combine(returnPaths: string[], outDir: string, options: ScreenOptions = {}): Promise<CombineResult> {
  const warnings: string[] = [];
  const paths = returnPaths.filter((p) => {
    const n = basename(p);
    const sibling = n.endsWith(".meta.csv") || n.endsWith(".aggregation.csv") || n.startsWith("impact_schools_") || !n.endsWith(".csv");
    if (sibling) warnings.push(`${n} skipped: pass the LA data files impact_<la>_<period>.csv; their metadata is found beside them.`);
    return !sibling;
  });
  if (paths.length === 0) throw new CombineError("No LA return to combine: pass files named impact_<la>_<period>.csv.");
  const returns = paths.map((p) => readReturn(p, options));

  // Before the years: a 2009 and an ntp return differ in year and columns too, but the reason is the profile.
  const other = returns.find((r) => r.programme !== returns[0].programme);
  if (other) {
    throw new CombineError(
      `Mixed programmes: ${returns[0].name} is ${PROGRAMME_NAME[returns[0].programme]} and ${other.name} is ${PROGRAMME_NAME[other.programme]}. Their rows, filters and indicators differ, so they cannot be stacked: combine the returns of one programme at a time.`,
    );
  }
  const programme = returns[0].programme;
  const filters = filtersOf(programme, returns[0].data.columns);

  const periods = [...new Set(returns.map((r) => r.timePeriod))];
  if (periods.length > 1) {
    const list = returns.map((r) => `${r.name} is ${r.timePeriod}`).join(", ");
    throw new CombineError(`Mixed years: ${list}. Combine one academic year at a time.`);
  }
  const first = returns[0];
  for (const r of returns.slice(1)) {
    const missing = first.data.columns.filter((c) => !r.data.columns.includes(c));
    const extra = r.data.columns.filter((c) => !first.data.columns.includes(c));
    if (missing.length > 0)
      throw new CombineError(
        `Missing column: ${r.name} lacks column '${missing[0]}' that ${first.name} has. Every return must come from the same version of the tool.`,
      );
    if (extra.length > 0)
      throw new CombineError(
        `Missing column: ${first.name} lacks column '${extra[0]}' that ${r.name} has. Every return must come from the same version of the tool.`,
      );
    for (const m of r.meta.records) {
      const name = m.values.col_name;
      const other = first.meta.records.find((x) => x.values.col_name === name);
      if (m.values.col_type !== "Indicator" || !other) continue;
      for (const c of ["label", "indicator_unit", "indicator_dp"]) {
        if (other.values[c] !== m.values[c])
          throw new CombineError(
            `Metadata differs: ${c} of '${name}' is '${m.values[c]}' in ${r.name} (line ${m.line}) but '${other.values[c]}' in ${first.name}.`,
          );
      }
    }
  }

  // The same LA twice: identical figures are one return given twice; different figures conflict.
  const byLa = new Map<string, LaReturn>();
  for (const r of returns) {
    const prev = byLa.get(r.laCode);
    if (!prev) {
      byLa.set(r.laCode, r);
      continue;
    }
    const diff = firstDifference(prev, r, filters);
    if (diff)
      throw new CombineError(`Conflicting duplicates: LA ${r.laCode} is in ${prev.name} and ${r.name} with different figures (${diff}). Keep the right one.`);
    warnings.push(`${r.name} repeats ${prev.name} exactly; used once.`);
  }
  const las = [...byLa.values()].sort((a, b) => (a.laCode < b.laCode ? -1 : a.laCode > b.laCode ? 1 : 0));

  const national = canPool(first.data.columns) ? loadNationalIndicators() : [];
  const columns = [...first.data.columns, ...national.map((n) => n.indicator)];
  const indicators = first.meta.records.filter((m) => m.values.col_type === "Indicator").map((m) => m.values.col_name);
  const dp = new Map([
    ...first.meta.records.map((m) => [m.values.col_name, Number(m.values.indicator_dp || 0)] as const),
    ...national.map((n) => [n.indicator, n.dp] as const),
  ]);
  // A meta-analysis of one LA's estimate does not apply: its National-only columns are z.
  const laRows = las.flatMap((r) => r.data.records.map((rec) => columns.map((c) => rec.values[c] ?? "z")));
  const { rows: nationalRows, notes } = nationalRowsOf(las, columns, indicators, first.aggregation, dp, national, filters);
  const rows = [...laRows, ...nationalRows];

  const tp = periods[0];
  const names = returnNames("national", tp);
  const data = toCsv(columns, rows);
  const meta = toCsv(META_COLUMNS, combinedMeta(first.meta, columns, rows, national, programme));
  assertScreened(names.la, screen(data, meta, { data: names.la, meta: names.laMeta }, options));
  mkdirSync(outDir, { recursive: true });
  const aggregation = toCsv(
    [...AGGREGATION_COLUMNS],
    [
      ...indicators.map((i) => [i, first.aggregation.get(i)?.combine ?? "not_combinable", first.aggregation.get(i)?.weight ?? ""]),
      ...national.map((n) => [n.indicator, "not_combinable", ""]),
    ],
  );
  const files: [string, string][] = [
    [names.la, data],
    [names.laMeta, meta],
    [names.aggregation, aggregation],
    [`data-guidance-national-${tp}.md`, guidance(names.la, las, notes, national.length > 0, programme)],
  ];
  for (const [n, content] of files) writeFileSync(join(outDir, n), content);
  return { files: files.map(([n]) => n), warnings };
}

function readReturn(path: string, options: ScreenOptions): LaReturn {
  const name = basename(path);
  const m = DATA_NAME.exec(name);
  if (!m) throw new CombineError(`${name}: not an LA return (expected impact_<old_la_code>_<time_period>.csv, e.g. impact_919_200910.csv).`);
  if (!existsSync(path)) throw new CombineError(`${path}: no such file.`);
  const metaPath = join(dirname(path), name.replace(/\.csv$/, ".meta.csv"));
  const aggPath = join(dirname(path), name.replace(/\.csv$/, ".aggregation.csv"));
  if (!existsSync(metaPath)) throw new CombineError(`${name}: its metadata file ${basename(metaPath)} is not beside it.`);
  if (!existsSync(aggPath)) throw new CombineError(`${name}: its side file ${basename(aggPath)} (how each indicator combines) is not beside it.`);
  const dataText = readFileSync(path, "utf8");
  const metaText = readFileSync(metaPath, "utf8");
  try {
    assertScreened(name, screen(dataText, metaText, { data: name, meta: basename(metaPath) }, options));
  } catch (e) {
    if (e instanceof ReturnCheckError) throw new CombineError(e.message);
    throw e;
  }
  const data = parseTable(dataText);
  const meta = parseTable(metaText);
  const levels = new Set(data.records.map((r) => r.values.geographic_level));
  if ([...levels].some((l) => l !== "Local authority"))
    throw new CombineError(`${name}: holds ${[...levels].join(", ")} rows; an LA return holds Local authority rows only.`);
  const codes = new Set(data.records.map((r) => r.values.old_la_code));
  if (codes.size !== 1 || !codes.has(m[1])) throw new CombineError(`${name}: its rows are for LA ${[...codes].join(", ")}, but the file name says ${m[1]}.`);
  const periods = [...new Set(data.records.map((r) => r.values.time_period))];
  if (periods.length !== 1 || periods[0] !== m[2])
    throw new CombineError(`Mixed years: ${name} holds time_period ${periods.join(", ")}, but the file name says ${m[2]}.`);
  const agg = parseTable(readFileSync(aggPath, "utf8"));
  const aggregation = new Map(agg.records.map((r) => [r.values.col_name, { combine: r.values.combine, weight: r.values.weight_col }]));
  for (const ind of meta.records.filter((x) => x.values.col_type === "Indicator")) {
    const a = aggregation.get(ind.values.col_name);
    if (!a) throw new CombineError(`${basename(aggPath)}: no row for indicator '${ind.values.col_name}'.`);
    if (!["sum", "weighted_mean", "not_combinable"].includes(a.combine))
      throw new CombineError(`${basename(aggPath)}: combine '${a.combine}' of '${ind.values.col_name}' must be sum, weighted_mean or not_combinable.`);
    if (a.combine === "weighted_mean" && !data.columns.includes(a.weight))
      throw new CombineError(`${basename(aggPath)}: weight_col '${a.weight}' of '${ind.values.col_name}' is not a column of ${name}.`);
  }
  const programme: Programme = NTP_ONLY_FILTERS.some((c) => data.columns.includes(c)) ? "ntp" : "one_to_one_2009";
  return { path, name, programme, data, meta, aggregation, timePeriod: m[2], laCode: m[1] };
}

/** The filter columns of a return of this profile, in the profile's order, that the return has. */
function filtersOf(programme: Programme, columns: string[]): string[] {
  return layoutFor(programme).filterColumns.filter((c) => columns.includes(c));
}

function filterKey(values: Record<string, string>, filters: string[]): string {
  return JSON.stringify(filters.map((c) => values[c] ?? ""));
}

function firstDifference(a: LaReturn, b: LaReturn, filters: string[]): string | undefined {
  const rowsA = new Map(a.data.records.map((r) => [filterKey(r.values, filters), r]));
  if (a.data.records.length !== b.data.records.length) return `${a.data.records.length} rows against ${b.data.records.length}`;
  for (const r of b.data.records) {
    const other = rowsA.get(filterKey(r.values, filters));
    if (!other) return `line ${r.line} of ${b.name} has no matching row in ${a.name}`;
    for (const c of b.data.columns) {
      if (other.values[c] !== r.values[c]) return `line ${r.line}, column ${c}: '${r.values[c]}' against '${other.values[c]}'`;
    }
  }
  return undefined;
}

interface Note {
  indicator: string;
  reason: string;
}

function nationalRowsOf(
  las: LaReturn[],
  columns: string[],
  indicators: string[],
  aggregation: LaReturn["aggregation"],
  dp: Map<string, number>,
  national: NationalIndicator[],
  filters: string[],
): { rows: string[][]; notes: Note[] } {
  const groups = new Map<string, Record<string, string>[]>();
  for (const r of las) {
    for (const rec of r.data.records) {
      const k = filterKey(rec.values, filters);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(rec.values);
    }
  }
  const notes: Note[] = [];
  const rows: string[][] = [];
  for (const parts of groups.values()) {
    const out: Record<string, string> = {
      time_period: parts[0].time_period,
      time_identifier: parts[0].time_identifier,
      geographic_level: "National",
      country_code: parts[0].country_code,
      country_name: parts[0].country_name,
    };
    for (const c of filters) out[c] = parts[0][c];
    const pooled = national.length > 0 ? nationalImpact(parts, columns, national) : new Map<string, Cell>();
    const cell = (ind: string, c: Cell): string => {
      if ("value" in c) return formatFixed(c.value, dp.get(ind) ?? 0);
      if ("z" in c) return "z";
      notes.push({ indicator: ind, reason: c.x });
      return "x";
    };
    for (const n of national) out[n.indicator] = cell(n.indicator, pooled.get(n.indicator)!);
    for (const ind of indicators) {
      const a = aggregation.get(ind)!;
      const values = parts.map((p) => p[ind]);
      const x = (reason: string) => {
        notes.push({ indicator: ind, reason });
        return "x";
      };
      const fromPool = pooled.get(ind);
      const ratio = RATIO_OF_SUMS[ind];
      if (fromPool) out[ind] = cell(ind, fromPool);
      else if (values.every((v) => v === "z")) out[ind] = "z";
      else if (ratio && columns.includes(ratio.numerator) && columns.includes(ratio.denominator)) {
        const numerators = parts.map((p) => p[ratio.numerator]);
        const denominators = parts.map((p) => p[ratio.denominator]);
        if (parts.length < las.length) out[ind] = x("Not every LA return has this row, so a national figure would be incomplete.");
        else if (![...numerators, ...denominators].every((v) => PLAIN_NUMBER.test(v))) {
          out[ind] = x(`A count behind this national percentage (${ratio.numerator} or ${ratio.denominator}) is suppressed or not available in an LA return.`);
        } else {
          const denominator = denominators.reduce((t, v) => t + Number(v), 0);
          const numerator = numerators.reduce((t, v) => t + Number(v), 0);
          out[ind] = denominator === 0 ? "z" : formatFixed((ratio.scale * numerator) / denominator, dp.get(ind) ?? 0);
        }
      } else if (a.combine === "not_combinable")
        out[ind] = x("Not combinable from LA returns (an estimate, not a total): run the pipeline on national data for a national figure.");
      else if (parts.length < las.length) out[ind] = x("Not every LA return has this row, so a national figure would be incomplete.");
      else if (values.includes("c")) out[ind] = x("An LA figure behind this national figure is suppressed (c), so it cannot be computed exactly.");
      else if (!values.every((v) => PLAIN_NUMBER.test(v))) out[ind] = x("An LA figure behind this national figure is not available (x) or not applicable (z).");
      else if (a.combine === "sum")
        out[ind] = formatFixed(
          values.reduce((s, v) => s + Number(v), 0),
          dp.get(ind) ?? 0,
        );
      else {
        const weights = parts.map((p) => p[a.weight]);
        if (!weights.every((w) => PLAIN_NUMBER.test(w)))
          out[ind] = x(`The count weighting this mean (${a.weight}) is suppressed or not available in an LA return.`);
        else {
          const total = weights.reduce((s, w) => s + Number(w), 0);
          out[ind] = total === 0 ? "z" : formatFixed(values.reduce((s, v, i) => s + Number(v) * Number(weights[i]), 0) / total, dp.get(ind) ?? 0);
        }
      }
    }
    rows.push(columns.map((c) => out[c] ?? ""));
  }
  return { rows, notes };
}

/** The first return's indicator rows, with filter rows for every filter that has ≥ 2 values in the stacked data. */
function combinedMeta(meta: Table, columns: string[], rows: string[][], national: NationalIndicator[], programme: Programme): string[][] {
  const out: string[][] = [];
  for (const f of layoutFor(programme).filters) {
    const i = columns.indexOf(f.col);
    if (i < 0 || new Set(rows.map((r) => r[i])).size < 2) continue;
    const given = meta.records.find((m) => m.values.col_name === f.col);
    out.push(given ? META_COLUMNS.map((c) => given.values[c] ?? "") : [f.col, "Filter", f.label, "", "", "", f.hint, ""]);
  }
  for (const m of meta.records.filter((x) => x.values.col_type === "Indicator")) out.push(META_COLUMNS.map((c) => m.values[c] ?? ""));
  for (const n of national) {
    const values: Record<string, string> = {
      col_name: n.indicator,
      col_type: "Indicator",
      label: n.label,
      indicator_grouping: n.grouping,
      indicator_unit: n.unit,
      indicator_dp: String(n.dp),
    };
    out.push(META_COLUMNS.map((c) => values[c] ?? ""));
  }
  return out;
}

function guidance(file: string, las: LaReturn[], notes: Note[], pooled: boolean, programme: Programme): string {
  const counts = new Map<string, number>();
  for (const n of notes) counts.set(`${n.indicator}\u0001${n.reason}`, (counts.get(`${n.indicator}\u0001${n.reason}`) ?? 0) + 1);
  const lines = [
    // An ntp folder's guidance opens with the profile's title, by which the release audit reads it with the ntp catalogue.
    ...(programme === "ntp" ? [NTP_GUIDANCE_TITLE, "", `## ${file}: combined LA returns`] : [`# ${file}: combined LA returns`]),
    "",
    `Stacked from ${las.length} LA returns (${las.map((l) => l.name).join(", ")}), each screened first, with National rows computed from the LA rows: counts summed; means and percentages weighted by their counts; ${pooled ? `the impact pooled (below); other estimates (${programme === "ntp" ? "differences between routes, group sizes or groups, ratios" : "dose, matched, gaps, ratios"}) not combined` : "estimates (impact, CIs) not combined"}.`,
    "",
    ...(pooled
      ? [
          "## The National impact",
          "",
          "The National impact of a subject and group (`b`, `se`, `ci_low`, `ci_high`) is a random-effects meta-analysis of the LAs' published estimates (`b` with its `se`, as published to 3 decimal places): τ² by restricted maximum likelihood, estimate and 95% CI on the normal scale, as R's `metafor::rma(yi, sei = se, method = \"REML\")` gives with its defaults. Only the LAs with an estimate are pooled (an LA's `c` or `x` is left out); with fewer than 3 the National impact is `x`.",
          "",
          ...(programme === "ntp"
            ? [
                "In these National Tutoring Programme returns a cell is a subject, an outcome measure (each its own analysis, on its own scale) and a route, group size or disadvantage status: each is pooled on its own, so a route's National impact pools the LAs' estimates for that route. The differences between routes or group sizes (`b_diff` and its SE and CI) and cost per point of impact are not pooled: they are `x` on National rows.",
                "",
              ]
            : []),
          "`pooled_k` is the number of LAs pooled; `pooled_tau2` the variance of the true impact between LAs (points squared); `pooled_i2` the share of the variation in the LA estimates that is between LAs rather than chance (%); `pooled_pi_low` and `pooled_pi_high` the 95% prediction interval (estimate ± 1.96 √(SE² + τ²)), the range in which a new LA's true impact is expected to fall. These columns are `z` on LA rows.",
          "",
          "The effect size (`g` and its CI) and months come from the pooled `b` as for an LA (b / s_pooled × J), where `s_pooled` is the pooled LAs' within-LA SD of the outcome (their `s_pooled` weighted by n_t + n_c − 2) and J uses all their pupils in the model; differences in mean outcome between LAs are not in it, as the LA returns do not publish them.",
          "",
        ]
      : []),
    ...(programme === "ntp"
      ? [
          "## National delivery and cost",
          "",
          "Course starts, hours, pupils, schools, cost and programme funding are summed over the LAs (a pupil with tuition from schools of two LAs counts in each). `percentage_schools_participating` is the summed `total_schools_participating` as a percentage of the summed `total_schools`, as the Department's NTP statistics combine it, not a mean of the LAs' percentages. Ratios of an LA's own figures (hours per course start, cost per pupil-hour, the shares of hours by tutor type, the 2021/22 tuition-partner pupil premium share) are not combined: `x` on National rows.",
          "",
        ]
      : []),
    "## Footnotes of National rows",
    "",
    "| indicator | reason | cells |",
    "|---|---|---|",
    ...[...counts.entries()].sort().map(([k, n]) => {
      const [ind, reason] = k.split("\u0001");
      return `| ${ind} | ${reason} | ${n} |`;
    }),
    "",
  ];
  return lines.join("\n");
}
