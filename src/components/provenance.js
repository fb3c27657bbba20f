// The line every page carries: which academic year(s) and LA, when the data was built, with
// which version of the tool, and from which input files (outputs.md §3).
import { academicYear, el } from "./format.js";

export function provenance(run, inputs) {
  const years = (run.academic_years ?? (run.time_periods ?? []).map(academicYear)).join(", ") || "not recorded";
  const las = (run.la_names ?? []).map((n, i) => (run.la_codes?.[i] ? `${n} (${run.la_codes[i]})` : n)).join(", ");
  const built = run.build_date ? `Data built ${String(run.build_date).slice(0, 10)}` : "Build date not recorded in this database";
  const version = run.tool_version ? ` by tuition-impact ${run.tool_version}` : "";
  const files = inputs.length ? inputs.map((f) => f.file).join(", ") : "not recorded";
  return el(
    "p",
    { class: "provenance" },
    `Academic year${years.includes(",") ? "s" : ""} ${years}${las ? ` · ${las}` : ""} · ${built}${version} · from ${files}.`,
  );
}
