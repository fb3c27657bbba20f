// Dates as whole days since 1970-01-01 (UTC), formatted ISO; cheap enough for millions of rows.
const MS = 86_400_000;
export const day = (iso: string) => Math.round(Date.parse(iso + "T00:00:00Z") / MS);
const cache = new Map<number, string>();
export function iso(d: number): string {
  let s = cache.get(d);
  if (s === undefined) {
    s = new Date(d * MS).toISOString().slice(0, 10);
    cache.set(d, s);
  }
  return s;
}
/** 0 = Sunday ... 6 = Saturday. */
export const weekday = (d: number) => (((d + 4) % 7) + 7) % 7;
/** Move a Saturday or Sunday forward to Monday. */
export function weekdayOnOrAfter(d: number): number {
  const w = weekday(d);
  return w === 6 ? d + 2 : w === 0 ? d + 1 : d;
}
