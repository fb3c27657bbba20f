// A small searchable, sortable data table with CSV download: Framework's Inputs.table would be
// fetched from a CDN, and the site must work offline. Values are shown exactly as published
// (symbols c/x/z included, each explained in a one-line legend under the table); numbers are
// shown for people (90,218, £1,370,576, 12.5%) while the CSV download keeps the published values.
// Sorting puts symbols after numbers.
import { el, formatNumber, isSymbol, rounded, SYMBOL_MEANING } from "./format.js";

let counter = 0;

// Identifiers are numbers that must never be shown as quantities ("100,001").
const IDENTIFIER = /^(urn|school_urn|school_laestab|laestab|la_code|old_la_code|time_period)$/;

/** A cell as a reader sees it: the column's own format, else a number (to the column's dp, if any) with the column's unit. */
export function cellText(column, value, row) {
  if (column.format) return column.format(value, row);
  if (value == null || value === "") return "–";
  if (column.raw || IDENTIFIER.test(column.key)) return String(value);
  return formatNumber(column.dp === undefined ? value : rounded(value, column.dp), column.unit ?? "");
}

/** "c suppressed to protect confidentiality … · x not available …" for the symbols that occur, or null. */
export function symbolLegend(values) {
  const present = ["c", "x", "z"].filter((sym) => values.some((v) => v === sym));
  if (!present.length) return null;
  return el(
    "p",
    { class: "symbol-legend muted" },
    present.flatMap((sym, i) => [i ? " · " : "", el("span", { class: "symbol" }, sym), ` ${SYMBOL_MEANING[sym]}`]),
  );
}

/** RFC 4180 CSV; cells a spreadsheet would run as a formula are prefixed with ' (outputs.md §2). */
export function toCsv(rows, columns) {
  const cell = (v) => {
    let s = v == null ? "" : String(v);
    if (/^[=+\-@]/.test(s) && !Number.isFinite(Number(s))) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.map((c) => cell(c.label ?? c.key)).join(","), ...rows.map((r) => columns.map((c) => cell(r[c.key])).join(","))].join("\r\n") + "\r\n";
}

function compare(a, b) {
  const sa = isSymbol(a),
    sb = isSymbol(b);
  if (sa || sb) return sa && sb ? String(a ?? "").localeCompare(String(b ?? "")) : sa ? 1 : -1;
  const na = Number(a),
    nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a).localeCompare(String(b), "en-GB", { numeric: true });
}

/**
 * dataTable(rows, {columns, caption, filename, search, link})
 * columns: [{key, label, format?}] (default: every key of the first row)
 * link: optional (row) => href for the first column.
 */
export function dataTable(rows, { columns, caption, filename = "data.csv", search = true, link } = {}) {
  const id = `table-${++counter}`;
  const cols = columns ?? Object.keys(rows[0] ?? {}).map((key) => ({ key, label: key }));
  const numeric = new Set(
    cols
      .filter(
        (c) =>
          rows.some((r) => Number.isFinite(Number(r[c.key])) && r[c.key] !== "" && r[c.key] != null) &&
          rows.every((r) => isSymbol(r[c.key]) || Number.isFinite(Number(r[c.key]))),
      )
      .map((c) => c.key),
  );
  let query = "";
  let sortKey = null;
  let descending = false;

  const tbody = el("tbody");
  const status = el("span", { class: "muted", "aria-live": "polite", id: `${id}-status` });
  const headers = cols.map((c) => {
    const button = el("button", { type: "button", onclick: () => sortBy(c.key) }, c.label ?? c.key);
    return el("th", { scope: "col", class: numeric.has(c.key) ? "num" : null }, button);
  });

  function visible() {
    const q = query.trim().toLowerCase();
    let out = q
      ? rows.filter((r) =>
          cols.some(
            (c) =>
              String(r[c.key] ?? "")
                .toLowerCase()
                .includes(q) ||
              String(cellText(c, r[c.key], r))
                .toLowerCase()
                .includes(q),
          ),
        )
      : rows.slice();
    if (sortKey) out.sort((a, b) => (descending ? -1 : 1) * compare(a[sortKey], b[sortKey]));
    return out;
  }

  function render() {
    const shown = visible();
    tbody.replaceChildren(
      ...shown.map((r) =>
        el(
          "tr",
          {},
          cols.map((c, i) => {
            const v = r[c.key];
            const text = cellText(c, v, r);
            const content = i === 0 && link ? el("a", { href: link(r) }, text) : text;
            const symbol = v === "c" || v === "x" || v === "z";
            // data-label: the column's name, shown beside each value where print CSS stacks a wide table's cells.
            return el(
              i === 0 ? "th" : "td",
              {
                scope: i === 0 ? "row" : null,
                "data-label": c.label ?? c.key,
                title: symbol ? SYMBOL_MEANING[v] : null,
                class: [numeric.has(c.key) ? "num" : "", isSymbol(v) ? "symbol" : ""].join(" ").trim() || null,
              },
              content,
            );
          }),
        ),
      ),
    );
    status.textContent = `${shown.length} of ${rows.length} rows`;
    headers.forEach((th, i) => {
      th.setAttribute("aria-sort", cols[i].key === sortKey ? (descending ? "descending" : "ascending") : "none");
    });
  }

  function sortBy(key) {
    descending = sortKey === key ? !descending : false;
    sortKey = key;
    render();
  }

  function download() {
    // A byte order mark first: without it Excel reads UTF-8 as Windows-1252 ("Â£", "â€“"). The
    // return's own CSVs (Downloads page) stay without one, as Explore Education Statistics wants.
    const blob = new Blob(["\uFEFF", toCsv(visible(), cols)], { type: "text/csv;charset=utf-8" });
    const a = el("a", { href: URL.createObjectURL(blob), download: filename });
    document.body.append(a);
    a.click();
    setTimeout(() => (URL.revokeObjectURL(a.href), a.remove()), 1000);
  }

  const tools = el(
    "div",
    { class: "table-tools" },
    search
      ? [
          el("label", { for: `${id}-search` }, "Search"),
          el("input", { type: "search", id: `${id}-search`, placeholder: "Search this table", oninput: (e) => ((query = e.target.value), render()) }),
        ]
      : null,
    el("button", { type: "button", class: "download", onclick: download }, "Download CSV"),
    status,
  );
  const table = el("table", {}, caption ? el("caption", {}, caption) : null, el("thead", {}, el("tr", {}, headers)), tbody);
  render();
  const legend = symbolLegend(rows.flatMap((r) => cols.map((c) => r[c.key])));
  return el(
    "div",
    { class: "data-table" },
    tools,
    el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption ?? "Data table" }, table),
    legend,
  );
}

/** A chart with its text alternative and the data table behind it. */
export function figure(chart, { description, rows, columns, filename, caption }) {
  return el(
    "figure",
    { class: "chart", "aria-label": description },
    chart,
    el("figcaption", {}, caption ?? description),
    el(
      "details",
      { class: "data" },
      el("summary", {}, "Data table behind this chart"),
      dataTable(rows, { columns, filename, search: false, caption: description }),
    ),
  );
}
