import { describe, expect, it } from "vitest";
import { formatFixed, roundHalfAway } from "../pipelines/core/round.ts";

describe("roundHalfAway (measures.md §12: half away from zero)", () => {
  it("rounds halves away from zero in both directions", () => {
    expect(roundHalfAway(0.125, 2)).toBe(0.13);
    expect(roundHalfAway(-0.125, 2)).toBe(-0.13);
    expect(roundHalfAway(2.5, 0)).toBe(3);
    expect(roundHalfAway(-2.5, 0)).toBe(-3);
  });
  it("is not fooled by binary representation (1.005 is written as 1.00499999...)", () => {
    expect(roundHalfAway(1.005, 2)).toBe(1.01);
    expect(roundHalfAway(0.145, 2)).toBe(0.15);
  });
  it("formats without thousands separators or negative zero", () => {
    expect(formatFixed(1234567.891, 1)).toBe("1234567.9");
    expect(formatFixed(-0.04, 1)).toBe("0.0");
  });
});
