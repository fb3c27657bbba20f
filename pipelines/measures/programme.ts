// The programme marts (measures.md §8 delivery and places vs funded, §9 value for money,
// §10 viewpoints): SQL models over int_places, int_programme_places, int_pupils and the staged tuition,
// sessions, viewpoints and allocations. The only arithmetic done here is the t quantile
// of the viewpoints' paired-t intervals, once per distinct number of pairs.
import { listValue } from "@duckdb/node-api";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { createOptionalStaging } from "../transform/index.ts";
import { studentTQuantile } from "./ols.ts";

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "sql");

/** In dependency order: mart_delivery and mart_value read mart_places (and int_programme_places, built by transform). */
export const PROGRAMME_MARTS = ["mart_places", "mart_delivery", "mart_delivery_hours_dist", "mart_value", "mart_viewpoints"] as const;

/** Builds mart_places, mart_delivery, mart_delivery_hours_dist, mart_value and mart_viewpoints. */
export async function buildProgrammeMarts(db: Db, settings: ResolvedSettings): Promise<void> {
  // sessions, viewpoints and allocations may be absent: empty stand-ins then (transform/index.ts)
  await createOptionalStaging(db);
  await ensureRunContext(db, settings);
  // each census pupil's breakdown groups, unpivoted once for the marts that group places by them
  await db.runFile(join(SQL_DIR, "pupil_year_groups.sql"));
  for (const mart of PROGRAMME_MARTS) await db.runFile(join(SQL_DIR, `${mart}.sql`));
  await addPairedIntervals(db);
}

/**
 * Paired-t 95% CI of the viewpoints' mean change: mean ± t(0.975, n − 1) · sd / √n, n ≥ 2.
 * The quantile depends only on n, so it is computed for each distinct n and joined back.
 */
async function addPairedIntervals(db: Db): Promise<void> {
  const ns = (await db.all<{ n: number }>(`select distinct n_paired as n from mart_viewpoints where n_paired >= 2 order by n`)).map((r) => r.n);
  if (ns.length === 0) return;
  await db.run(
    `create or replace temp table viewpoints_t_quantiles as
     select unnest(?::INTEGER[]) as n_paired, unnest(?::DOUBLE[]) as t`,
    [listValue(ns), listValue(ns.map((n) => studentTQuantile(0.975, n - 1)))],
  );
  await db.run(`update mart_viewpoints as m
    set mean_change_ci_low = m.mean_change - q.t * m.sd_change / sqrt(m.n_paired),
        mean_change_ci_high = m.mean_change + q.t * m.sd_change / sqrt(m.n_paired)
    from viewpoints_t_quantiles as q
    where q.n_paired = m.n_paired`);
  await db.run(`drop table viewpoints_t_quantiles`);
}
