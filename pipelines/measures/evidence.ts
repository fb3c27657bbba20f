// Strength of evidence beside each headline impact (issue 19, item 5): the minimum detectable
// effect size of the design, the share of tutees lost for want of a baseline or an outcome, and
// the largest baseline imbalance before and after exact matching. mart_evidence.sql does the
// sums; the only arithmetic here is the power multiplier, a t quantile the SQL cannot take,
// once per distinct number of degrees of freedom.
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { studentTQuantile } from "./ols.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

/** Two-sided test at 5% with 80% power: the convention of Bloom (1995) and EEF trial protocols. */
export const MDES_ALPHA = 0.05;
export const MDES_POWER = 0.8;

/**
 * Bloom's (1995) multiplier M = t(1 − α/2, df) + t(power, df): an effect of M standard errors is
 * detected with the given power by a two-sided test at level α. df is the school clusters less
 * one, the degrees of freedom the impact's 95% CI already uses (measures.md §3); for many schools
 * M tends to z(0.975) + z(0.8) = 2.80.
 */
export function mdesMultiplier(df: number, alpha = MDES_ALPHA, power = MDES_POWER): number {
  return studentTQuantile(1 - alpha / 2, df) + studentTQuantile(power, df);
}

/** Builds mart_evidence from mart_impact, mart_balance and int_analysis_pupils (after buildImpactMarts). */
export async function buildEvidenceMart(db: Db): Promise<void> {
  const dfs = await db.all<{ df: number }>("select distinct df from mart_impact where df is not null and df > 0");
  // one appended table (Db.writeTable), not a statement a df
  const power = dfs.map(({ df }) => ({ df: Number(df), multiplier: mdesMultiplier(Number(df)) }));
  await db.writeTable(
    "evidence_power",
    [
      ["df", "integer"],
      ["multiplier", "double"],
    ],
    power,
    { temp: true },
  );
  try {
    await db.runFile(join(SQL_DIR, "mart_evidence.sql"));
  } catch (e) {
    throw new Error(`Measures model mart_evidence (pipelines/measures/sql/mart_evidence.sql) failed: ${(e as Error).message}`);
  }
}
