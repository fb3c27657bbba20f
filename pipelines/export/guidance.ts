// data-guidance.md: what each file of the return holds, every column, the symbols, how small
// numbers were protected, and the footnotes saying why a cell is x (outputs.md §1).
import type { Db } from "../core/db.ts";
import { programmeOf, type ResolvedSettings } from "../core/settings.ts";
import { ALL_FILTERS as FILTERS, GEOGRAPHY_COLUMNS, SCHOOL_COLUMNS } from "./layout.ts";
import { NTP_GUIDANCE_TITLE, ntpGuidanceParagraphs } from "./ntp-guidance.ts";
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
  const ntp = programmeOf(settings) === "ntp";
  out.push(ntp ? NTP_GUIDANCE_TITLE : "# One-to-one tuition impact: data guidance", "");
  out.push(
    `Made on ${settings.build_date} from the published (suppressed) tables of one pipeline run. Every file is a tidy data file in the conventions of Explore Education Statistics (EES) with its metadata file (\`.meta.csv\`). What was checked before the files were written, and how, is under Checks made on these files.`,
    "",
  );
  out.push("## Files", "");
  for (const f of files) {
    const what =
      f.level === "school"
        ? "School rows only (EES ignores School rows mixed with other levels, so they have their own file)"
        : "Local authority rows (and National rows in a combined return)";
    out.push(`- \`${f.name}\` (${f.rowCount} rows) with \`${f.metaName}\`: ${what}.`);
  }
  out.push(
    "- `impact_<la>_<period>.aggregation.csv`: for the national combiner, how each indicator of the LA file becomes a National figure (`sum`, `weighted_mean` weighted by `weight_col`, or `not_combinable`).",
  );
  out.push(
    "- `impact_<la>_<period>.xlsx`: the same figures as a workbook for reading in Excel: a cover (what c, x and z mean), a Glossary pairing each column heading (the metadata label) with its column name here, a sheet per topic, the viewpoints shown on the report site, and each school's figures for all its pupils (the schools' breakdowns by pupil group are in the schools file only). Every cell is the same as in these files; figures are stored as numbers.",
    "",
  );
  if (ntp) out.push(...ntpGuidanceParagraphs(settings));
  else
    out.push(
      "A row breaks down by at most one pupil characteristic; the other filters are `Total` on it. Subject `Total` counts distinct pupils across English and mathematics and sums places; impact and attainment measures do not apply to it (`z`).",
      "",
    );
  if (!ntp)
    out.push(
      "`prior_attainment` bands a subject's tutees and comparison pupils by their baseline against the age-related expectation (ARE) of the end of the previous National Curriculum year (KS1 results of Year 3 pupils against level 2b, KS2 results of Year 7 pupils against 4b; a GCSE-scale baseline against grade C): `Well below expected` more than 6 points (one level) under it, `Below expected` up to 6 points under it, `At or above expected` from it, `Unknown` where the baseline has no ARE. A band is a subject's, so it has English and mathematics rows only; measures of targeting, delivery and value for money are not produced by band (`z`).",
      "",
    );
  for (const f of files) {
    out.push(`## Columns of \`${f.name}\``, "", "| column | kind | description |", "|---|---|---|");
    for (const c of f.columns) {
      const ind = f.indicators.find((r) => r.indicator === c);
      const filter = FILTERS.find((x) => x.col === c);
      if (ind) {
        const unit = ind.unit ? `, unit ${ind.unit}` : "";
        out.push(
          `| ${c} | indicator | ${esc(ind.label)} (${esc(ind.grouping || "ungrouped")}${unit}, ${ind.dp} dp; suppressed with ${ind.count_basis.join(", ")}) |`,
        );
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
  out.push(
    `Counts of pupils from 1 to ${settings.suppression_threshold - 1} are suppressed (\`c\`), and so is every figure derived from them (percentages, means, estimates). So that no suppressed value can be recovered by differencing a total and its parts (a breakdown and its Total, English + mathematics and subject Total, the schools of an LA and the LA row), a set of parts and total with exactly one suppressed cell has its next smallest non-zero part suppressed too (then its total, then a zero part), ties broken by LA code, school URN, subject, breakdown and group in that order, repeated until no such set remains. Sets are protected even where the parts do not add up exactly (e.g. pupils with no recorded SEN provision), to be safe. National figures in a combined return are computed from the published LA figures only; a National sum with a suppressed part is \`x\`.`,
    "",
  );
  out.push(...screeningSection(files));
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
  if (!(await db.hasTable("published_footnotes"))) return [];
  return db.all(`select indicator, reason, count(*) as n from published_footnotes group by indicator, reason order by indicator, reason`);
}

/**
 * The checks the screener port (screener.ts) made on each file and their results: only what was
 * checked and how, so the note never claims more than the port did (it is not the Department's
 * own run of its R package).
 */
export function screeningSection(files: readonly ReturnFileSummary[]): string[] {
  const screened = files.filter((f) => f.screened !== undefined);
  if (screened.length === 0) return [];
  const out = ["## Checks made on these files", ""];
  out.push(
    "Before any file was written, each data file and its metadata were screened by `pipelines/export/screener.ts`, this project's TypeScript port of the checks in the Department's open-source screener for EES files, the R package eesyscreener (dfe-analytical-services/eesyscreener). The port runs the package's checks in its stages and order, stopping at the first stage with a FAIL as the package does, then this project's own checks (the EES import's row and column rules, the older QA screener's blank rows and columns, and that every indicator cell is a plain number or c, x or z). The checks look at the files' structure, names, codes and symbols; they do not check the figures themselves. A WARNING does not stop a file; in the `Check API` stage it means the file is not yet suited to the EES API.",
    "",
  );
  const notRun = [...new Set(screened.flatMap((f) => f.screened!.notRun))];
  if (notRun.length > 0) out.push(`Not run: ${notRun.join("; ")}.`, "");
  for (const f of screened)
    out.push(
      `- \`${f.name}\`: ${f.screened!.passed ? `no check failed${f.screened!.apiSuitable ? "" : " (with warnings: not yet suited to the EES API)"}` : `failed at ${f.screened!.overallStage}`}.`,
    );
  out.push("", `| stage | check | ${screened.map((f) => `\`${f.name}\``).join(" | ")} |`, `|---|---|${screened.map(() => "---|").join("")}`);
  const keys: { stage: string; check: string }[] = [];
  for (const f of screened)
    for (const r of f.screened!.results) if (!keys.some((k) => k.stage === r.stage && k.check === r.check)) keys.push({ stage: r.stage, check: r.check });
  for (const k of keys) {
    const cells = screened.map((f) => {
      const rs = f.screened!.results.filter((r) => r.stage === k.stage && r.check === k.check).map((r) => r.result);
      return rs.length === 0 ? "not run" : rs.includes("FAIL") ? "FAIL" : rs.includes("WARNING") ? "WARNING" : "PASS";
    });
    out.push(`| ${k.stage} | ${k.check} | ${cells.join(" | ")} |`);
  }
  out.push("");
  return out;
}
