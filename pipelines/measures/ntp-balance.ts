// Balance of the ntp profile's impact models (measures.md §3 "Balance"; programmes.md §3): on a
// whole-cohort or §5 row of mart_ntp_impact, the model's tutees beside its comparison pupils.
import type { SideSums } from "./ntp-sums.ts";

type Row = Record<string, string | number | boolean | null>;

/**
 * Balance (measures.md §3 "Balance"; programmes.md §3): on a whole-cohort or §5 row, the model's
 * tutees and comparison pupils side by side: mean baseline (points; `x` where the model mixes
 * baseline scales, whose points do not add up) and % disadvantaged, looked after, EAL, female and
 * with SEN (sen_any), each with the standardised difference (difference / SD pooled over the two,
 * weighted by n − 1, as the 2009 profile's mart_balance). Each share's pupils are a count column
 * of its own (bal_<x>_n_t, _n_c; level none) so disclosure control sees the count a share implies.
 */
export const BALANCE_VARIABLES = ["baseline", "disadvantaged", "cla", "eal", "female", "sen_any"] as const;
/**
 * A variable's name in its columns, the 2009 return's where the EES screener refuses the variable's
 * own: female is `girls` (an indicator may not name a group, and "female" contains "male"), sen_any
 * is `senprov` (a name with "sen" must be a harmonised variable's).
 */
export const balanceName = (v: (typeof BALANCE_VARIABLES)[number]): string => (({ female: "girls", sen_any: "senprov" }) as Record<string, string>)[v] ?? v;
export const BALANCE_COLUMNS: string[] = BALANCE_VARIABLES.map(balanceName).flatMap((v) => [
  `bal_${v}_t`,
  `bal_${v}_c`,
  `bal_${v}_std_diff`,
  ...(v === "baseline" ? [] : [`bal_${v}_n_t`, `bal_${v}_n_c`]),
]);

/**
 * Balance of one row from the sums of its tutees and its comparison pupils (ntp-sums.ts): a
 * mean is Σx / n, a sum of squared deviations Σx² − (Σx)²/n (a 0/1 share's Σx² is Σx).
 */
export function balanceFigures(tutees: SideSums, comparison: SideSums, na: string | null): Row {
  const out: Row = {};
  const mixed = new Set([...tutees.scales, ...comparison.scales]).size > 1;
  const stats = (side: SideSums, v: (typeof BALANCE_VARIABLES)[number]) => {
    const [sum, squares] = v === "baseline" ? [side.s_b, side.s_bb] : [side.cov[v]!, side.cov[v]!];
    const mean = sum / side.n;
    return { n: side.n, sum, mean, ss: Math.max(0, squares - (sum * sum) / side.n) };
  };
  for (const v of BALANCE_VARIABLES) {
    const name = balanceName(v);
    const cols = [`bal_${name}_t`, `bal_${name}_c`, `bal_${name}_std_diff`];
    const reason =
      na ??
      (tutees.n === 0 || comparison.n === 0
        ? "no tutees or no comparison pupils in the model"
        : v === "baseline" && mixed
          ? "the model's baselines are on more than one scale"
          : null);
    const t = stats(tutees, v);
    const c = stats(comparison, v);
    if (v !== "baseline") {
      Object.assign(out, { [`bal_${name}_n_t`]: na ? null : t.sum, [`bal_${name}_n_c`]: na ? null : c.sum });
      if (na) Object.assign(out, { [`bal_${name}_n_t_na_reason`]: na, [`bal_${name}_n_c_na_reason`]: na });
    }
    if (reason) {
      for (const col of cols) Object.assign(out, { [col]: null, [`${col}_na_reason`]: reason });
      continue;
    }
    const scale = v === "baseline" ? 1 : 100;
    out[`bal_${name}_t`] = scale * t.mean;
    out[`bal_${name}_c`] = scale * c.mean;
    const sd = t.n + c.n > 2 ? Math.sqrt((t.ss + c.ss) / (t.n + c.n - 2)) : 0;
    if (sd > 0) out[`bal_${name}_std_diff`] = (t.mean - c.mean) / sd;
    else Object.assign(out, { [`bal_${name}_std_diff`]: null, [`bal_${name}_std_diff_na_reason`]: "no variation among the model's pupils" });
  }
  return out;
}

/** Every balance column `z` (a route or group-size row, programmes.md §3). */
export function balanceNotApplicable(): Row {
  const out: Row = {};
  for (const c of BALANCE_COLUMNS)
    Object.assign(out, { [c]: null, [`${c}_na_reason`]: "not applicable: balance is on the whole cohort's and pupil groups' rows" });
  return out;
}
