// Tables of every published indicator of a mart, labelled from indicator_catalogue, so that
// a figure a page has no chart for is still visible, searchable and downloadable.
import { BREAKDOWN_LABEL, SHOWN_TO_1DP } from "./format.js";
import { inReportOrder } from "./order.js";
import { dataTable } from "./table.js";

const KEY = new Set(["time_period", "la_code", "urn", "subject", "breakdown", "group_label", "geographic_level", "respondent", "item"]);

export function labelOf(catalogue, indicator) {
  return catalogue.find((c) => c.indicator === indicator)?.label ?? indicator.replaceAll("_", " ");
}

/** The metadata's unit of an indicator (£, %, pp or ""), so its cells read "£1,370,576", "12.5%". */
export function unitOf(catalogue, indicator) {
  return catalogue.find((c) => c.indicator === indicator)?.unit ?? "";
}

/** Indicator columns of some rows (everything that is not part of the shared key). */
export function indicatorColumns(rows, { only } = {}) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !KEY.has(k));
  return only ? keys.filter(only) : keys;
}

/**
 * Every indicator of some rows, in the report's order, labelled and formatted from the metadata.
 * keyFormats: {breakdown, group_label} formats for marts whose keys are not pupil groups (viewpoints).
 */
export function indicatorTable(rows, catalogue, { caption, filename, only, lead = [], keyLabels = {}, keyFormats = {}, order = inReportOrder } = {}) {
  const columns = [
    { key: "subject", label: "Subject" },
    { key: "breakdown", label: keyLabels.breakdown ?? "Breakdown", format: keyFormats.breakdown ?? ((v) => BREAKDOWN_LABEL[v] ?? v) },
    { key: "group_label", label: keyLabels.group_label ?? "Group", format: keyFormats.group_label ?? ((v, r) => (r.breakdown === "total" ? "All pupils" : v)) },
    ...lead,
    ...indicatorColumns(rows, { only })
      .filter((k) => !lead.some((l) => l.key === k))
      .map((key) => ({ key, label: labelOf(catalogue, key), unit: unitOf(catalogue, key), dp: SHOWN_TO_1DP.has(key) ? 1 : undefined })),
  ];
  return dataTable(order(rows), { columns, caption, filename });
}
