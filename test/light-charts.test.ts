// The overview's light charts (src/components/light-charts.js): tick values print as people write
// them (issue 17: a tick read "0.30000000000000004" on the overview).
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain JS module of the site, without types
import { niceTicks } from "../src/components/light-charts.js";

describe("niceTicks", () => {
  it("gives ticks whose printed form has no more decimals than their step", () => {
    for (const [lo, hi, count] of [
      [0, 0.6, 6],
      [-0.35, 0.7, 5],
      [0, 0.09, 9],
      [-3, 12, 5],
      [0, 1370576, 4],
    ] as const) {
      const ticks: number[] = niceTicks(lo, hi, count);
      expect(ticks.length, `${lo}..${hi}`).toBeGreaterThan(1);
      const step = ticks[1] - ticks[0];
      const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
      for (const t of ticks) expect((String(t).split(".")[1] ?? "").length, `${lo}..${hi}: ${t}`).toBeLessThanOrEqual(decimals);
    }
  });

  it("spans the range with evenly spaced round steps", () => {
    const ticks: number[] = niceTicks(0, 0.6, 6);
    expect(ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  });
});
