// Which rows a page shows: the latest academic year and the LA the run is for (National rows,
// present when several LAs are combined, are kept apart).

export function periods(tables) {
  const all = Object.values(tables)
    .flat()
    .map((r) => r.time_period)
    .filter(Boolean);
  return [...new Set(all)].sort();
}

export function scope(tables, run) {
  const ps = periods(tables);
  const timePeriod = ps.at(-1);
  const las = [
    ...new Set(
      Object.values(tables)
        .flat()
        .map((r) => r.la_code)
        .filter((c) => c && c !== "National"),
    ),
  ];
  const laCode = run.la_codes?.find((c) => las.includes(c)) ?? las[0];
  const rows = (mart) => (tables[mart] ?? []).filter((r) => r.time_period === timePeriod && (r.la_code === laCode || r.la_code == null));
  return { timePeriod, laCode, periods: ps, rows };
}
