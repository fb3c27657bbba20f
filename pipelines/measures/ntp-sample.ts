// The standards of the ntp profile's scales (programmes.md §3 §1), which the §5 prior-attainment
// groups and the §6 attainment figures judge baselines and outcomes against, as the table
// ntp_standards that ntp_impact_pupils.sql reads: expected (ks1 ≥ 8, ks2 ≥ 100, gcse9 ≥ 4, std ≥
// the expected_standardised_score setting) and high (ks1 10, ks2 ≥ 110, gcse9 ≥ 5, std ≥ 115, a
// choice); and the scale of each outcome measure's outcome (§2).
import type { Db } from "../core/db.ts";
import { OUTCOME_SCALE } from "./models.ts";

/** Each scale's expected and high standard; std's expected standard is the run's setting. */
export function ntpStandards(expectedStd: number): { scale: string; expected: number; high: number }[] {
  return [
    { scale: "ks1", expected: 8, high: 10 },
    { scale: "ks2", expected: 100, high: 110 },
    { scale: "gcse9", expected: 4, high: 5 },
    { scale: "std", expected: expectedStd, high: 115 },
  ];
}

/** ntp_standards (scale, expected, high) and ntp_outcome_scales (outcome_measure, scale): temp tables. */
export async function writeNtpStandards(db: Db, expectedStd: number): Promise<void> {
  await db.writeTable(
    "ntp_standards",
    [
      ["scale", "VARCHAR"],
      ["expected", "DOUBLE"],
      ["high", "DOUBLE"],
    ],
    ntpStandards(expectedStd),
    { temp: true },
  );
  await db.writeTable(
    "ntp_outcome_scales",
    [
      ["outcome_measure", "VARCHAR"],
      ["scale", "VARCHAR"],
    ],
    Object.entries(OUTCOME_SCALE).map(([outcome_measure, scale]) => ({ outcome_measure, scale })),
    { temp: true },
  );
}
