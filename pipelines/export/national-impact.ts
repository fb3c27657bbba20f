// The National impact of a combined return (outputs.md §1): a random-effects meta-analysis of
// the LAs' published impact estimates of one subject and group (b and se as published), with
// k, τ², I² and the 95% prediction interval in columns of their own, and the effect size and
// months from the pooled b as for an LA (measures.md §3: g = b / s_pooled × J).
//
// The LA return publishes s_pooled and the model sizes n_t, n_c beside b, so the National
// s_pooled is the LAs' pooled within-LA SD, Σ(n_i − 2)s_i² / Σ(n_i − 2) with n_i = n_t + n_c (the
// pooled SD's own weights, one level up), and J uses every pooled LA's pupils. Differences in
// mean outcome between LAs are not in it: the published figures do not hold them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { roundHalfAway } from "../core/round.ts";
import { eefMonths } from "../measures/ols.ts";
import { DEFAULT_CATALOGUE_DIR } from "./catalogue.ts";
import { parseTable, PLAIN_NUMBER } from "./csv.ts";
import { MetaAnalysisError, type RandomEffects, randomEffects } from "./meta-analysis.ts";

/** Fewest LA estimates pooled into a National impact (outputs.md §1). */
export const MIN_LAS_POOLED = 3;

/** Columns of the LA return the pooling needs; without b and se nothing is pooled. */
const ESTIMATE = "b";
const SE = "se";
/** LA-return columns a National row takes from the pooled model (when the return has them). */
export const POOLED_RETURN_COLUMNS = ["b", "se", "ci_low", "ci_high", "g", "g_ci_low", "g_ci_high", "months", "s_pooled"] as const;

/** A National-only indicator of the combined return (catalogue/combined/national_impact.csv). */
export interface NationalIndicator {
  indicator: string;
  label: string;
  grouping: string;
  unit: string;
  dp: number;
}

const NATIONAL_COLUMNS = ["indicator", "label", "grouping", "unit", "dp"];

/** Reads the National-only indicators (in a subfolder, so an LA run's catalogue loader never sees them). */
export function loadNationalIndicators(catalogueDir = DEFAULT_CATALOGUE_DIR): NationalIndicator[] {
  const path = join(catalogueDir, "combined", "national_impact.csv");
  const table = parseTable(readFileSync(path, "utf8"));
  const missing = NATIONAL_COLUMNS.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) throw new Error(`${path}: no column '${missing[0]}' (expected ${NATIONAL_COLUMNS.join(", ")}).`);
  return table.records.map((r) => {
    const dp = Number(r.values.dp);
    if (!/^[a-z][a-z0-9_]*$/.test(r.values.indicator))
      throw new Error(`${path} line ${r.line}, column indicator: '${r.values.indicator}' is not a snake_case column name.`);
    if (!Number.isInteger(dp) || dp < 0) throw new Error(`${path} line ${r.line}, column dp: '${r.values.dp}' is not a whole number of decimal places.`);
    return { indicator: r.values.indicator, label: r.values.label, grouping: r.values.grouping, unit: r.values.unit, dp };
  });
}

/** Whether returns with these columns can be pooled at all. */
export function canPool(columns: string[]): boolean {
  return columns.includes(ESTIMATE) && columns.includes(SE);
}

/** A National cell: a number to format, `z`, or `x` with its reason. */
export type Cell = { value: number } | { z: true } | { x: string };

/**
 * National cells of one subject and group from its LA rows: the pooled return columns
 * (POOLED_RETURN_COLUMNS present in `columns`) and the National-only indicators.
 */
export function nationalImpact(parts: Record<string, string>[], columns: string[], national: NationalIndicator[]): Map<string, Cell> {
  const targets = [...POOLED_RETURN_COLUMNS.filter((c) => columns.includes(c)), ...national.map((n) => n.indicator)];
  const all = (cell: Cell) => new Map<string, Cell>(targets.map((t) => [t, cell]));
  // Subject Total rows: impact does not apply (measures.md §5), nor does pooling it.
  if (parts.every((p) => p[ESTIMATE] === "z")) return all({ z: true });
  const usable = parts.filter((p) => PLAIN_NUMBER.test(p[ESTIMATE]) && PLAIN_NUMBER.test(p[SE]) && Number(p[SE]) > 0);
  if (usable.length < MIN_LAS_POOLED) {
    return all({
      x: `Fewer than ${MIN_LAS_POOLED} LAs have a published impact estimate for this subject and group (suppressed, not available, or an SE of 0 are not pooled), so no national estimate is made.`,
    });
  }
  let re: RandomEffects;
  try {
    re = randomEffects(
      usable.map((p) => Number(p[ESTIMATE])),
      usable.map((p) => Number(p[SE])),
    );
  } catch (e) {
    // Where metafor would stop (no convergence), the National figure is not available; the
    // rest of the combined return still stands.
    if (e instanceof MetaAnalysisError) return all({ x: `${e.message.replace(/^Meta-analysis: /, "The national meta-analysis failed: ")}` });
    throw e;
  }
  const cells = new Map<string, Cell>([
    ["b", { value: re.estimate }],
    ["se", { value: re.se }],
    ["ci_low", { value: re.ciLow }],
    ["ci_high", { value: re.ciHigh }],
    ["pooled_k", { value: re.k }],
    ["pooled_tau2", { value: re.tau2 }],
    ["pooled_i2", { value: re.i2 }],
    ["pooled_pi_low", { value: re.piLow }],
    ["pooled_pi_high", { value: re.piHigh }],
  ]);
  const scale = effectSizeScale(usable, columns);
  for (const [col, v] of [
    ["g", re.estimate],
    ["g_ci_low", re.ciLow],
    ["g_ci_high", re.ciHigh],
  ] as const) {
    cells.set(col, "x" in scale ? scale : { value: v * scale.value });
  }
  cells.set("s_pooled", "x" in scale ? scale : { value: scale.sPooled });
  cells.set("months", "x" in scale ? scale : { value: eefMonths(roundHalfAway(re.estimate * scale.value, 2)) });
  return new Map(targets.map((t) => [t, cells.get(t) ?? { x: `No national figure is made for ${t} from the pooled impact.` }]));
}

/** J / s_pooled of the pooled LAs, or why it cannot be had from their published figures. */
function effectSizeScale(usable: Record<string, string>[], columns: string[]): { value: number; sPooled: number } | { x: string } {
  const needed = ["s_pooled", "n_t", "n_c"];
  const absent = needed.find((c) => !columns.includes(c));
  if (absent) return { x: `The LA returns have no ${absent} column, so the pooled impact cannot be put as an effect size.` };
  if (!usable.every((p) => needed.every((c) => PLAIN_NUMBER.test(p[c])))) {
    return {
      x: "An LA's pooled SD or model size (s_pooled, n_t, n_c) behind the pooled impact is suppressed or not available, so no national effect size is made.",
    };
  }
  let weighted = 0;
  let df = 0;
  let n = 0;
  for (const p of usable) {
    const ni = Number(p.n_t) + Number(p.n_c);
    weighted += (ni - 2) * Number(p.s_pooled) ** 2;
    df += ni - 2;
    n += ni;
  }
  const sPooled = Math.sqrt(weighted / df);
  if (!(sPooled > 0)) return { x: "The LAs' outcomes do not vary (pooled SD 0), so no national effect size is made." };
  const j = 1 - 3 / (4 * n - 9);
  return { value: j / sPooled, sPooled };
}
