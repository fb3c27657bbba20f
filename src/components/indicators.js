// Tables of every published indicator of a mart, labelled from indicator_catalogue, so that
// a figure a page has no chart for is still visible, searchable and downloadable.
import { BREAKDOWN_LABEL } from "./format.js";
import { dataTable } from "./table.js";

const KEY = new Set(["time_period", "la_code", "urn", "subject", "breakdown", "group_label", "geographic_level"]);

export function labelOf(catalogue, indicator) {
  return catalogue.find((c) => c.indicator === indicator)?.label ?? indicator.replaceAll("_", " ");
}

/** Indicator columns of some rows (everything that is not part of the shared key). */
export function indicatorColumns(rows, { only } = {}) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !KEY.has(k));
  return only ? keys.filter(only) : keys;
}

export function indicatorTable(rows, catalogue, { caption, filename, only, lead = [], keyLabels = {} } = {}) {
  const columns = [
    { key: "subject", label: "Subject" },
    { key: "breakdown", label: keyLabels.breakdown ?? "Breakdown", format: (v) => BREAKDOWN_LABEL[v] ?? v },
    { key: "group_label", label: keyLabels.group_label ?? "Group" },
    ...lead,
    ...indicatorColumns(rows, { only })
      .filter((k) => !lead.some((l) => l.key === k))
      .map((key) => ({ key, label: labelOf(catalogue, key) })),
  ];
  return dataTable(rows, { columns, caption, filename });
}
