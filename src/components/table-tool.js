// The table tool (src/pages/table-tool.md), after the Department's Explore Education Statistics
// table tool: pick the LA or the schools data, indicators, a breakdown, subjects and (schools
// data) schools; get a table of the published cells (c, x, z as published), sort it, and download
// it as CSV with a byte order mark so that Excel reads it as UTF-8. The functions before
// tableTool() hold no DOM and are unit-tested (test/table-tool.test.ts).
import { academicYear, el, rounded, SHOWN_TO_1DP, isSymbol } from "./format.js";
import { cellText, symbolLegend, toCsv } from "./table.js";
import { BREAKDOWN_ORDER, compareRows, SUBJECT_ORDER } from "./order.js";

const TOTAL_LABEL = "All pupils (no breakdown)";

/** A value of the columnar schools files as published: numbers were stored as numbers only where this gives the published text back. */
export function decodeValue(value, dp) {
  return typeof value === "number" ? value.toFixed(dp) : value;
}

/**
 * Row objects of the schools data from schools-rows.json and the loaded parts (indicator →
 * values in row order), for the indicators given; names: URN → school name.
 */
export function schoolRowsFrom(rowsFile, parts, indicators, names = {}) {
  const { periods, schools, subjects, groups, keys } = rowsFile;
  return keys.map(([t, s, j, g], i) => {
    const row = {
      time_period: periods[t],
      urn: schools[s],
      school_name: names[schools[s]] ?? `School ${schools[s]}`,
      subject: subjects[j],
      breakdown: groups[g][0],
      group_label: groups[g][1],
    };
    for (const ind of indicators) {
      const values = parts[ind.indicator];
      if (values) row[ind.indicator] = decodeValue(values[i], ind.dp);
    }
    return row;
  });
}

/** What a dataset's rows offer to choose from, each in the report's order. */
export function options(rows) {
  const order = (list, known) =>
    [...new Set(list)].sort((a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99) || String(a).localeCompare(String(b)));
  return {
    periods: [...new Set(rows.map((r) => r.time_period))].sort(),
    breakdowns: order(
      rows.map((r) => r.breakdown),
      BREAKDOWN_ORDER,
    ),
    subjects: order(
      rows.map((r) => r.subject),
      SUBJECT_ORDER,
    ),
    las: [...new Set(rows.map((r) => r.la_code).filter((c) => c != null))],
  };
}

/**
 * The table for a choice: {columns, rows}. choice: {indicators: [names], breakdown, subjects:
 * [..], periods?: [..], schools?: [urns] (empty or missing: every school)}. indicators: the
 * dataset's catalogue entries (indicator, label, unit, dp); filters: [{col, label}] (the
 * return's filter labels); laNames: LA code → name. Rows are in the report's order.
 */
export function buildTable(rows, choice, { indicators, filters = [], laNames = {}, schools = false } = {}) {
  const byName = new Map(indicators.map((i) => [i.indicator, i]));
  const chosen = choice.indicators.map((name) => {
    const i = byName.get(name);
    if (!i) throw new Error(`The table tool has no indicator ${name} in this data.`);
    return i;
  });
  const subjects = new Set(choice.subjects ?? []);
  const periods = choice.periods?.length ? new Set(choice.periods) : null;
  const urns = schools && choice.schools?.length ? new Set(choice.schools) : null;
  const out = rows
    .filter((r) => r.breakdown === choice.breakdown && subjects.has(r.subject) && (!periods || periods.has(r.time_period)) && (!urns || urns.has(r.urn)))
    .sort(
      (a, b) =>
        String(a.time_period).localeCompare(String(b.time_period)) ||
        String(a.la_code ?? "").localeCompare(String(b.la_code ?? "")) ||
        String(a.school_name ?? "").localeCompare(String(b.school_name ?? "")) ||
        compareRows(a, b),
    );
  const o = options(out);
  const columns = [];
  if (o.periods.length > 1) columns.push({ key: "time_period", label: "Academic year", format: academicYear, raw: true });
  if (o.las.length > 1)
    columns.push({
      key: "la_code",
      label: "Local authority",
      format: (v) => (v === "National" ? "England" : laNames[v] ? `${laNames[v]} (${v})` : v),
      raw: true,
    });
  if (schools) columns.push({ key: "school_name", label: "School", raw: true }, { key: "urn", label: "URN", raw: true });
  columns.push({ key: "subject", label: "Subject", raw: true });
  if (choice.breakdown !== "total")
    columns.push({ key: "group_label", label: filters.find((f) => f.col === choice.breakdown)?.label ?? choice.breakdown, raw: true });
  // Impact estimates are published to 3 dp for the national combiner; the site shows them to 1 dp
  // (measures.md §12). The download keeps the published value.
  for (const i of chosen) columns.push({ key: i.indicator, label: i.label, unit: i.unit, dp: SHOWN_TO_1DP.has(i.indicator) ? 1 : undefined, indicator: true });
  return { columns, rows: out };
}

function compareValues(a, b) {
  const sa = isSymbol(a),
    sb = isSymbol(b);
  if (sa || sb) return sa && sb ? String(a ?? "").localeCompare(String(b ?? "")) : sa ? 1 : -1;
  const na = Number(a),
    nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return String(a).localeCompare(String(b), "en-GB", { numeric: true });
}

/** A sorted copy: numbers by value, text in order, c/x/z after every number (in that order) whichever the direction; ties keep their order. */
export function sortRows(rows, key, descending = false) {
  return rows
    .map((r, i) => [r, i])
    .sort(([a, i], [b, j]) => {
      const sa = isSymbol(a[key]),
        sb = isSymbol(b[key]);
      const c = sa || sb ? (sa && sb ? compareValues(a[key], b[key]) : sa ? 1 : -1) : (descending ? -1 : 1) * compareValues(a[key], b[key]);
      return c || i - j;
    })
    .map(([r]) => r);
}

/**
 * The table as a CSV file's text: a byte order mark (so that Excel reads UTF-8), the columns'
 * labels, then the published values (not the figures as shown: 3 dp stays 3 dp, c stays c).
 * Text a spreadsheet would run as a formula is neutralised by toCsv (outputs.md §2).
 */
export function tableCsv({ columns, rows }) {
  return "\uFEFF" + toCsv(rows, columns);
}

/** "table_919_200910_fsm_status.csv" */
export function csvName({ dataset, laCode, breakdown, periods }) {
  const safe = (s) =>
    String(s ?? "")
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  return `table_${[dataset === "schools" ? "schools" : null, laCode, ...(periods ?? []), breakdown].filter(Boolean).map(safe).join("_")}.csv`;
}

let counter = 0;

/**
 * The tool. la: la.json's contents ({la: {indicators, rows}, schools: {indicators, names},
 * filters, run}); loadSchools(parts) → Promise of {rows: schools-rows.json, parts: {indicator:
 * values}} for the parts (published tables) named, called only when the schools data is chosen.
 */
export function tableTool(la, { loadSchools }) {
  const id = `tt-${++counter}`;
  const laNames = Object.fromEntries((la.run?.la_codes ?? []).map((c, i) => [c, la.run.la_names?.[i] ?? c]));
  const laCode = la.run?.la_codes?.[0];
  const state = {
    dataset: "la",
    indicators: [],
    breakdown: "total",
    subjects: ["English", "Mathematics"],
    periods: [],
    schools: [],
    sortKey: null,
    descending: false,
  };
  // The schools files loaded so far: the row keys, and the values of each part (published table) loaded.
  const schoolsCache = { rowsFile: null, parts: new Set(), values: {} };
  let current = { columns: [], rows: [] };
  let ticket = 0;

  const datasetOf = () => (state.dataset === "schools" ? la.schools : la.la);
  const filterLabel = (b) => (b === "total" ? TOTAL_LABEL : (la.filters.find((f) => f.col === b)?.label ?? b));

  // Controls are rebuilt when the dataset changes (its indicators, breakdowns and schools differ).
  const controls = el("div", { class: "tt-controls" });
  const result = el("div", { class: "tt-result data-table", "aria-live": "polite" });

  function radio(name, value, label, checked, onchange) {
    const rid = `${id}-${name}-${String(value).replace(/\W+/g, "-")}`;
    return el("label", { for: rid, class: "tt-option" }, el("input", { type: "radio", id: rid, name: `${id}-${name}`, value, checked, onchange }), ` ${label}`);
  }
  function checkbox(name, value, label, checked, onchange) {
    const cid = `${id}-${name}-${String(value).replace(/\W+/g, "-")}`;
    return el(
      "label",
      { for: cid, class: "tt-option" },
      el("input", { type: "checkbox", id: cid, name: `${id}-${name}`, value, checked, onchange }),
      ` ${label}`,
    );
  }
  const toggle = (list, value, on) => (on ? [...new Set([...list, value])] : list.filter((v) => v !== value));

  async function rowsOf() {
    if (state.dataset === "la") return la.la.rows;
    const wanted = la.schools.indicators.filter((i) => state.indicators.includes(i.indicator));
    const parts = [...new Set(wanted.map((i) => i.part))].filter((p) => !schoolsCache.parts.has(p));
    if (!schoolsCache.rowsFile || parts.length) {
      const loaded = await loadSchools(parts);
      schoolsCache.rowsFile = loaded.rows;
      for (const p of parts) schoolsCache.parts.add(p);
      Object.assign(schoolsCache.values, loaded.parts);
    }
    return schoolRowsFrom(schoolsCache.rowsFile, schoolsCache.values, wanted, la.schools.names);
  }

  function renderControls(rows) {
    const ds = datasetOf();
    const o = options(rows ?? la.la.rows);
    if (!o.breakdowns.includes(state.breakdown)) state.breakdown = "total";
    if (!state.periods.length && o.periods.length) state.periods = [o.periods.at(-1)];
    const groups = [...new Set(ds.indicators.map((i) => i.grouping))];
    const schoolList = Object.entries(la.schools.names).sort((a, b) => a[1].localeCompare(b[1]));
    const schoolSelect = el(
      "select",
      { id: `${id}-schools`, multiple: true, size: 8, onchange: (e) => ((state.schools = [...e.target.selectedOptions].map((x) => x.value)), update()) },
      schoolList.map(([urn, name]) => el("option", { value: urn, selected: state.schools.includes(urn) }, `${name} (${urn})`)),
    );
    controls.replaceChildren(
      ...[
        el(
          "fieldset",
          {},
          el("legend", {}, "1. Data"),
          radio(
            "dataset",
            "la",
            "Local authority figures (the return's LA file)",
            state.dataset === "la",
            () => ((state.dataset = "la"), (state.indicators = []), refresh()),
          ),
          // A run whose catalogue has no school indicators has no schools data to offer.
          la.schools.indicators.length
            ? radio(
                "dataset",
                "schools",
                "School figures (the return's schools file)",
                state.dataset === "schools",
                () => ((state.dataset = "schools"), (state.indicators = []), refresh()),
              )
            : null,
        ),
        o.periods.length > 1
          ? el(
              "fieldset",
              {},
              el("legend", {}, "Academic years"),
              o.periods.map((p) =>
                checkbox(
                  "period",
                  p,
                  academicYear(p),
                  state.periods.includes(p),
                  (e) => ((state.periods = toggle(state.periods, p, e.target.checked)), update()),
                ),
              ),
            )
          : null,
        el(
          "fieldset",
          {},
          el("legend", {}, "2. Breakdown"),
          el("label", { for: `${id}-breakdown` }, "Pupils broken down by "),
          el(
            "select",
            { id: `${id}-breakdown`, onchange: (e) => ((state.breakdown = e.target.value), update()) },
            o.breakdowns.map((b) => el("option", { value: b, selected: b === state.breakdown }, filterLabel(b))),
          ),
          state.dataset === "schools"
            ? el(
                "p",
                { class: "muted" },
                "For schools: the whole school, key stage and prior attainment. Breakdowns by pupil characteristics at one school are nearly all suppressed; they are in the schools file on the Downloads page.",
              )
            : null,
        ),
        el(
          "fieldset",
          {},
          el("legend", {}, "3. Subjects"),
          o.subjects.map((s) =>
            checkbox(
              "subject",
              s,
              s === "Total" ? "Both subjects (Total)" : s,
              state.subjects.includes(s),
              (e) => ((state.subjects = toggle(state.subjects, s, e.target.checked)), update()),
            ),
          ),
        ),
        state.dataset === "schools"
          ? el(
              "fieldset",
              {},
              el("legend", {}, "4. Schools"),
              el("label", { for: `${id}-schools` }, "Choose schools (none chosen: every school; Ctrl or ⌘ to choose several)"),
              schoolSelect,
            )
          : null,
        el(
          "fieldset",
          { class: "tt-indicators" },
          el("legend", {}, `${state.dataset === "schools" ? "5" : "4"}. Indicators`),
          groups.map((g) => {
            const inGroup = ds.indicators.filter((i) => i.grouping === g);
            const n = inGroup.filter((i) => state.indicators.includes(i.indicator)).length;
            return el(
              "details",
              { open: n > 0 || null },
              el("summary", {}, g || "Other", n ? ` (${n} chosen)` : ""),
              inGroup.map((i) =>
                checkbox(
                  "ind",
                  i.indicator,
                  i.label,
                  state.indicators.includes(i.indicator),
                  (e) => ((state.indicators = toggle(state.indicators, i.indicator, e.target.checked)), update()),
                ),
              ),
            );
          }),
        ),
      ].filter(Boolean),
    );
  }

  function renderTable() {
    const { columns, rows } = current;
    const shown = state.sortKey ? sortRows(rows, state.sortKey, state.descending) : rows;
    const headers = columns.map((c) =>
      el(
        "th",
        { scope: "col", class: c.indicator ? "num" : null, "aria-sort": c.key === state.sortKey ? (state.descending ? "descending" : "ascending") : "none" },
        el(
          "button",
          { type: "button", onclick: () => ((state.descending = state.sortKey === c.key ? !state.descending : false), (state.sortKey = c.key), renderTable()) },
          c.label,
        ),
      ),
    );
    const body = shown.map((r) =>
      el(
        "tr",
        {},
        columns.map((c, i) =>
          el(
            i === 0 ? "th" : "td",
            {
              scope: i === 0 ? "row" : null,
              "data-label": c.label,
              class: [c.indicator ? "num" : "", isSymbol(r[c.key]) && c.indicator ? "symbol" : ""].join(" ").trim() || null,
            },
            cellText(c, c.dp === undefined ? r[c.key] : rounded(r[c.key], c.dp), r),
          ),
        ),
      ),
    );
    const download = () => {
      const blob = new Blob([tableCsv({ columns, rows: shown })], { type: "text/csv;charset=utf-8" });
      const a = el("a", {
        href: URL.createObjectURL(blob),
        download: csvName({ dataset: state.dataset, laCode, breakdown: state.breakdown, periods: state.periods }),
      });
      document.body.append(a);
      a.click();
      setTimeout(() => (URL.revokeObjectURL(a.href), a.remove()), 1000);
    };
    const caption = `${state.dataset === "schools" ? "Schools" : "Local authority"}: ${columns
      .filter((c) => c.indicator)
      .map((c) => c.label)
      .join("; ")}, by ${filterLabel(state.breakdown).toLowerCase()}`;
    result.replaceChildren(
      ...[
        el(
          "div",
          { class: "table-tools" },
          el("button", { type: "button", class: "download", onclick: download }, "Download CSV"),
          el("span", { class: "muted" }, `${rows.length} rows`),
        ),
        el(
          "div",
          { class: "scroll", tabindex: "0", role: "region", "aria-label": caption },
          el("table", { class: "tt-table" }, el("caption", {}, caption), el("thead", {}, el("tr", {}, headers)), el("tbody", {}, body)),
        ),
        symbolLegend(rows.flatMap((r) => columns.filter((c) => c.indicator).map((c) => r[c.key]))),
      ].filter(Boolean),
    );
  }

  async function update() {
    const mine = ++ticket;
    if (!state.indicators.length) return result.replaceChildren(el("p", { class: "tt-empty" }, "Choose one or more indicators to see a table."));
    if (!state.subjects.length) return result.replaceChildren(el("p", { class: "tt-empty" }, "Choose at least one subject."));
    if (state.dataset === "schools") result.replaceChildren(el("p", { class: "muted" }, "Loading the schools data…"));
    let rows;
    try {
      rows = await rowsOf();
    } catch (error) {
      if (mine === ticket) result.replaceChildren(el("p", { class: "tt-error" }, `The schools data could not be loaded: ${error.message}`));
      return;
    }
    if (mine !== ticket) return; // a later choice is already being shown
    current = buildTable(rows, state, { indicators: datasetOf().indicators, filters: la.filters, laNames, schools: state.dataset === "schools" });
    if (state.sortKey && !current.columns.some((c) => c.key === state.sortKey)) state.sortKey = null;
    if (!current.rows.length) return result.replaceChildren(el("p", { class: "tt-empty" }, "No published rows for this choice."));
    renderTable();
  }

  async function refresh() {
    state.sortKey = null;
    if (state.dataset === "schools" && !schoolsCache.rowsFile) {
      result.replaceChildren(el("p", { class: "muted" }, "Loading the schools data…"));
      try {
        const loaded = await loadSchools([]);
        schoolsCache.rowsFile = loaded.rows;
      } catch (error) {
        return result.replaceChildren(el("p", { class: "tt-error" }, `The schools data could not be loaded: ${error.message}`));
      }
    }
    renderControls(state.dataset === "schools" ? schoolRowsFrom(schoolsCache.rowsFile, {}, [], la.schools.names) : la.la.rows);
    update();
  }

  refresh();
  return el("div", { class: "table-tool" }, el("form", { class: "tt-form", onsubmit: (e) => e.preventDefault() }, controls), result);
}
