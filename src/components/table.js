// A small searchable, sortable data table with CSV download: Framework's Inputs.table would be
// fetched from a CDN, and the site must work offline. Values are shown exactly as published
// (symbols c/x/z included); sorting puts symbols after numbers.
import { el, isSymbol } from "./format.js";

let counter = 0;

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
  const sa = isSymbol(a), sb = isSymbol(b);
  if (sa || sb) return sa && sb ? String(a ?? "").localeCompare(String(b ?? "")) : sa ? 1 : -1;
  const na = Number(a), nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a).localeCompare(String(b), "en-GB", { numeric: true });
}

/**
 * dataTable(rows, {columns, caption, filename, search, link})
 * columns: [{key, label, format?}] (default: every key of the first row)
 * link: optional (row) => href for the first column.
 */
export function dataTable(rows, { columns, caption, filename = "data.csv", search = true, link, rowsShown = Infinity } = {}) {
  const id = `table-${++counter}`;
  const cols = columns ?? Object.keys(rows[0] ?? {}).map((key) => ({ key, label: key }));
  const numeric = new Set(cols.filter((c) => rows.some((r) => Number.isFinite(Number(r[c.key])) && r[c.key] !== "" && r[c.key] != null) && rows.every((r) => isSymbol(r[c.key]) || Number.isFinite(Number(r[c.key])))).map((c) => c.key));
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
    let out = q ? rows.filter((r) => cols.some((c) => String(r[c.key] ?? "").toLowerCase().includes(q))) : rows.slice();
    if (sortKey) out.sort((a, b) => (descending ? -1 : 1) * compare(a[sortKey], b[sortKey]));
    return out;
  }

  function render() {
    const shown = visible();
    tbody.replaceChildren(
      ...shown.slice(0, rowsShown).map((r) =>
        el(
          "tr",
          {},
          cols.map((c, i) => {
            const v = r[c.key];
            const text = c.format ? c.format(v, r) : v == null || v === "" ? "–" : String(v);
            const content = i === 0 && link ? el("a", { href: link(r) }, text) : text;
            return el(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, class: [numeric.has(c.key) ? "num" : "", isSymbol(v) ? "symbol" : ""].join(" ").trim() || null }, content);
          }),
        ),
      ),
    );
    status.textContent = `${shown.length} of ${rows.length} rows`;
    headers.forEach((th, i) => th.setAttribute("aria-sort", cols[i].key === sortKey ? (descending ? "descending" : "ascending") : "none"));
  }

  function sortBy(key) {
    descending = sortKey === key ? !descending : false;
    sortKey = key;
    render();
  }

  function download() {
    const blob = new Blob([toCsv(visible(), cols)], { type: "text/csv;charset=utf-8" });
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
  return el("div", { class: "data-table" }, tools, el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption ?? "Data table" }, table));
}

/** A chart with its text alternative and the data table behind it. */
export function figure(chart, { description, rows, columns, filename, caption }) {
  return el(
    "figure",
    { class: "chart", "aria-label": description },
    chart,
    el("figcaption", {}, caption ?? description),
    el("details", { class: "data" }, el("summary", {}, "Data table behind this chart"), dataTable(rows, { columns, filename, search: false, caption: description })),
  );
}
