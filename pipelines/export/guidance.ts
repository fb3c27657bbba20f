// data-guidance.md: what each file of the return holds, every column, the symbols, how small
// numbers were protected, and the footnotes saying why a cell is x (outputs.md §1).
import type { Db } from "../core/db.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { FILTERS, GEOGRAPHY_COLUMNS, SCHOOL_COLUMNS } from "./layout.ts";
import type { ReturnFileSummary } from "./return.ts";

const COLUMN_NOTES: Record<string, string> = {
  time_period: "Academic year as six digits, e.g. 200910 for 2009/10.",
  time_identifier: "Always `Academic year`.",
  geographic_level: "`Local authority`, `School`, or `National` (combined returns).",
  country_code: "GSS code of England, E92000001.",
  country_name: "England.",
  region_code: "GSS code of the LA's region (blank on National rows).",
  region_name: "Name of the LA's region (blank on National rows).",
  old_la_code: "Three-digit LA code (blank on National rows).",
  new_la_code: "Nine-character GSS code of the LA (blank on National rows).",
  la_name: "Name of the LA (blank on National rows).",
  school_urn: "Unique reference number of the school (School rows only).",
  school_laestab: "LA code and establishment number of the school (School rows only).",
  school_name: "Name of the school (School rows only).",
};

const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

export async function renderGuidance(db: Db, files: ReturnFileSummary[], settings: ResolvedSettings): Promise<string> {
  const out: string[] = [];
  out.push("# One-to-one tuition impact: data guidance", "");
  out.push(`Made on ${settings.build_date} from the published (suppressed) tables of one pipeline run. Every file is a tidy data file in the conventions of Explore Education Statistics (EES) with its metadata file (\`.meta.csv\`), and passes the EES screener's FAIL rules as implemented in \`pipelines/export/screener.ts\`.`, "");
  out.push("## Files", "");
  for (const f of files) {
    const what = f.level === "school" ? "School rows only (EES ignores School rows mixed with other levels, so they have their own file)" : "Local authority rows (and National rows in a combined return)";
    out.push(`- \`${f.name}\` (${f.rowCount} rows) with \`${f.metaName}\`: ${what}.`);
  }
  out.push("- `impact_<la>_<period>.aggregation.csv`: for the national combiner, how each indicator of the LA file becomes a National figure (`sum`, `weighted_mean` weighted by `weight_col`, or `not_combinable`).");
  out.push("- `impact_<la>_<period>.xlsx`: the same tables as a workbook, with a cover sheet.", "");
  out.push("A row breaks down by at most one pupil characteristic; the other filters are `Total` on it. Subject `Total` counts distinct pupils across English and mathematics and sums places; impact and attainment measures do not apply to it (`z`).", "");
  for (const f of files) {
    out.push(`## Columns of \`${f.name}\``, "", "| column | kind | description |", "|---|---|---|");
    for (const c of f.columns) {
      const ind = f.indicators.find((r) => r.indicator === c);
      const filter = FILTERS.find((x) => x.col === c);
      if (ind) {
        const unit = ind.unit ? `, unit ${ind.unit}` : "";
        out.push(`| ${c} | indicator | ${esc(ind.label)} (${esc(ind.grouping || "ungrouped")}${unit}, ${ind.dp} dp; suppressed with ${ind.count_basis.join(", ")}) |`);
      } else if (filter) {
        out.push(`| ${c} | filter | ${filter.label}; \`Total\` where the row does not break down by it. |`);
      } else if ((GEOGRAPHY_COLUMNS as readonly string[]).includes(c) || (SCHOOL_COLUMNS as readonly string[]).includes(c) || c in COLUMN_NOTES) {
        out.push(`| ${c} | ${c.startsWith("time") ? "time" : "geography"} | ${COLUMN_NOTES[c] ?? ""} |`);
      }
    }
    out.push("");
  }
  out.push("## Symbols", "");
  out.push("- `c`: suppressed to protect confidentiality.");
  out.push("- `x`: not available; the reasons are listed under Footnotes.");
  out.push("- `z`: not applicable (e.g. an impact estimate for subject Total, or a measure not produced for that breakdown).");
  out.push("- A zero count is published as 0.", "");
  out.push("## Disclosure control", "");
  out.push(`Counts of pupils from 1 to ${settings.suppression_threshold - 1} are suppressed (\`c\`), and so is every figure derived from them (percentages, means, estimates). So that no suppressed value can be recovered by differencing a total and its parts (a breakdown and its Total, English + mathematics and subject Total, the schools of an LA and the LA row), a set of parts and total with exactly one suppressed cell has its next smallest non-zero part suppressed too (then its total, then a zero part), ties broken by LA code, school URN, subject, breakdown and group in that order, repeated until no such set remains. Sets are protected even where the parts do not add up exactly (e.g. pupils with no recorded SEN provision), to be safe. National figures in a combined return are computed from the published LA figures only; a National sum with a suppressed part is \`x\`.`, "");
  out.push("## Footnotes", "");
  const notes = await footnotes(db);
  if (notes.length === 0) out.push("No cell is `x`.");
  else {
    out.push("| indicator | reason | cells |", "|---|---|---|");
    for (const n of notes) out.push(`| ${n.indicator} | ${esc(n.reason)} | ${n.n} |`);
  }
  out.push("");
  return out.join("\n");
}

async function footnotes(db: Db): Promise<{ indicator: string; reason: string; n: number }[]> {
  const exists = await db.one(`select 1 as x from information_schema.tables where table_name = 'published_footnotes'`);
  if (!exists) return [];
  return db.all(`select indicator, reason, count(*) as n from published_footnotes group by indicator, reason order by indicator, reason`);
}
