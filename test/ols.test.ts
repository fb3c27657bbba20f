import { describe, expect, it } from "vitest";
import { cr1Factor, eefMonths, solveNormalEquations, studentTQuantile } from "../pipelines/measures/ols.ts";

describe("Student t quantile", () => {
  // Reference values: R 4.x qt(p, df) printed with 17 significant digits.
  const table: [number, number, number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.3026527297494619],
    [0.975, 3, 3.1824463052837078],
    [0.975, 4, 2.7764451051977934],
    [0.975, 5, 2.5705818356363137],
    [0.975, 7, 2.3646242515927844],
    [0.975, 10, 2.2281388519862739],
    [0.975, 19, 2.0930240544083092],
    [0.975, 30, 2.0422724563012378],
    [0.975, 60, 2.0002978220142595],
    [0.975, 120, 1.9799304050824222],
    [0.975, 1000, 1.9623390808264076],
    [0.995, 1, 63.656741162871526],
    [0.995, 4, 4.6040948713499921],
    [0.995, 10, 3.16927267261695],
    [0.995, 30, 2.7499956535672254],
    [0.6, 3, 0.27667066233268983],
    [0.6, 30, 0.25560536495191277],
  ];
  for (const [p, df, expected] of table) {
    it(`t(${p}, ${df}) = ${expected} to 1e-10`, () => {
      expect(Math.abs(studentTQuantile(p, df) - expected)).toBeLessThan(1e-10);
    });
  }
  it("is symmetric", () => {
    for (const df of [3, 8, 25]) {
      for (const p of [0.01, 0.2, 0.9, 0.999]) expect(studentTQuantile(1 - p, df)).toBeCloseTo(-studentTQuantile(p, df), 12);
    }
  });
  it("rejects impossible arguments", () => {
    expect(() => studentTQuantile(1, 5)).toThrow(/0 < p < 1/);
    expect(() => studentTQuantile(0.975, 0)).toThrow(/df > 0/);
  });
});

describe("normal equations solver", () => {
  it("solves a well-posed system exactly", () => {
    // X = [1 x] with x = 0,1,2,3 and y = 1 + 2x: X'X = [[4,6],[6,14]], X'y = [16, 34].
    const fit = solveNormalEquations(
      [
        [4, 6],
        [6, 14],
      ],
      [16, 34],
    );
    expect(fit.beta[0]).toBeCloseTo(1, 12);
    expect(fit.beta[1]).toBeCloseTo(2, 12);
    // (X'X)^-1 = 1/20 [[14,-6],[-6,4]]
    expect(fit.inverse[0]![0]).toBeCloseTo(0.7, 12);
    expect(fit.inverse[0]![1]).toBeCloseTo(-0.3, 12);
    expect(fit.inverse[1]![1]).toBeCloseTo(0.2, 12);
  });
  it("drops a column that repeats an earlier one, an empty one and a flagged constant", () => {
    // Columns: 1, x, 2x (collinear), z (all zero), c (constant).
    const x = [0, 1, 2, 3];
    const cols = [x.map(() => 1), x, x.map((v) => 2 * v), x.map(() => 0), x.map(() => 1)];
    const y = x.map((v) => 3 - v);
    const xtx = cols.map((a) => cols.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0)));
    const xty = cols.map((a) => a.reduce((s, v, i) => s + v * y[i]!, 0));
    const fit = solveNormalEquations(xtx, xty, [false, false, false, false, true]);
    expect(fit.kept).toEqual([0, 1]);
    expect(fit.dropped).toEqual([
      { index: 2, reason: "collinear" },
      { index: 3, reason: "empty" },
      { index: 4, reason: "constant" },
    ]);
    expect(fit.beta[0]).toBeCloseTo(3, 12);
    expect(fit.beta[1]).toBeCloseTo(-1, 12);
    expect(Number.isNaN(fit.beta[2]!)).toBe(true);
  });
  it("CR1 factor is G/(G−1)·(N−1)/(N−K)", () => {
    expect(cr1Factor(5, 21, 3)).toBeCloseTo((5 / 4) * (20 / 18), 15);
  });
});

describe("EEF months (measures.md §3)", () => {
  it("maps every band edge", () => {
    const edges: [number, number][] = [
      [0, 0],
      [0.01, 0],
      [0.02, 1],
      [0.09, 1],
      [0.1, 2],
      [0.18, 2],
      [0.19, 3],
      [0.26, 3],
      [0.27, 4],
      [0.35, 4],
      [0.36, 5],
      [0.44, 5],
      [0.45, 6],
      [0.52, 6],
      [0.53, 7],
      [0.61, 7],
      [0.62, 8],
      [0.69, 8],
      [0.7, 9],
      [0.78, 9],
      [0.79, 10],
      [0.87, 10],
      [0.88, 11],
      [0.95, 11],
      [0.96, 12],
      [1.5, 12],
    ];
    for (const [g, m] of edges) expect(eefMonths(g)).toBe(m);
    for (const [g, m] of edges.filter(([g]) => g > 0)) expect(eefMonths(-g)).toBe(-m);
  });
});
