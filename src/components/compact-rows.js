// Compact table form of the per-school files (schools.zip, issue 17): each table as
// {columns: [...], rows: [[...], ...]} instead of an array of objects, because repeating every
// column name in every row made two-thirds of the demo LA's 18 MB of school files. Values are
// the published text, unchanged. The release audit reads this form too
// (pipelines/export/audit/cells.ts, siteRows).

/** Rows (objects of one table, so all with the same keys) → {columns, rows}; columns in first-seen order. */
export function compactTable(objects) {
  const columns = [];
  const seen = new Set();
  for (const o of objects) for (const k of Object.keys(o)) if (!seen.has(k)) seen.add(k), columns.push(k);
  return { columns, rows: objects.map((o) => columns.map((c) => (c in o ? o[c] : null))) };
}

/** {columns, rows} → rows as objects. */
export function expandTable(table) {
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i] ?? null])));
}

/** True for a value in the compact form (what the audit and the page test for). */
export function isCompactTable(v) {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Array.isArray(v.columns) &&
    v.columns.every((c) => typeof c === "string") &&
    Array.isArray(v.rows) &&
    v.rows.every((r) => Array.isArray(r))
  );
}

/** A school file ({urn, name, tables: {mart: compact}}) with its tables expanded to row objects. */
export function expandSchool(school) {
  return { ...school, tables: Object.fromEntries(Object.entries(school.tables).map(([mart, t]) => [mart, expandTable(t)])) };
}
