// Point scales of measures.md §1 and the result strings that carry them.

/** Nearest NC sub-level (odd points 7..53); nearer W (3) than 1c (7) is W. */
export function snapNc(x: number): number {
  if (x < 5) return 3;
  const v = 2 * Math.round((x - 1) / 2) + 1;
  return Math.min(53, Math.max(7, v));
}

/** Nearest GCSE grade point (G 16 .. A* 58); nearer U (0) than G (16) is U. */
export function snapGcse(x: number): number {
  if (x < 8) return 0;
  return Math.min(58, Math.max(16, 16 + 6 * Math.round((x - 16) / 6)));
}

/** Sub-level string of NC points: 3 → W, 13 → 2c, 15 → 2b, 17 → 2a. */
export function subLevel(points: number): string {
  if (points <= 3) return "W";
  const n = Math.floor((points - 1) / 6);
  const r = points - 6 * n;
  return `${n}${r === 1 ? "c" : r === 3 ? "b" : "a"}`;
}

/** Whole level of NC points as a result string ("W", "1".."8"); its points are 6n + 3. */
export function wholeLevel(points: number): number {
  return points <= 3 ? 0 : Math.floor((points - 1) / 6);
}

const GRADES: [number, string][] = [
  [58, "A*"],
  [52, "A"],
  [46, "B"],
  [40, "C"],
  [34, "D"],
  [28, "E"],
  [22, "F"],
  [16, "G"],
  [0, "U"],
];
export function gcseGrade(points: number): string {
  for (const [p, g] of GRADES) if (points >= p) return g;
  return "U";
}

/** Points of a result string in an NC context (null = not scored: P-scale or code). */
export function ncPoints(result: string): number | null {
  if (result === "W") return 3;
  if (result === "EP") return 57;
  const m = /^([1-8])([abc])?$/.exec(result);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] === "c" ? 6 * n + 1 : m[2] === "a" ? 6 * n + 5 : 6 * n + 3;
}

export function gcsePoints(result: string): number | null {
  for (const [p, g] of GRADES) if (g === result) return p;
  return null;
}

export const P_SCALES = ["P1i", "P1ii", "P2i", "P2ii", "P3i", "P3ii", "P4", "P5", "P6", "P7", "P8"];
