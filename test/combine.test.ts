// Combining LA returns (outputs.md §1, issue 7): three LAs stacked with National rows
// recomputed here independently, and refusals of bad returns, each with its message.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { formatFixed } from "../pipelines/core/round.ts";
import { auditRelease } from "../pipelines/export/audit.ts";
import { combine } from "../pipelines/export/combine.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { publish } from "../pipelines/export/disclosure.ts";
import { writeReturn } from "../pipelines/export/return.ts";
import { screen } from "../pipelines/export/screener.ts";
import { CatalogueRow, combineRule } from "../pipelines/export/catalogue.ts";
import { KNOWN_LAS } from "../pipelines/export/geography.ts";
import { buildFakeMarts, ESSEX, fakeSettings, HERTS, KENT } from "./fixtures/returns/fake-marts.ts";

const LAS = [HERTS, ESSEX, KENT];
const tmp = mkdtempSync(join(tmpdir(), "combine-"));
const returns = join(tmp, "returns");
const FILTERS = ["subject", "fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major", "key_stage", "prior_attainment"];
const path = (code: string, dir = returns, tp = "200910") => join(dir, `impact_${code}_${tp}.csv`);

async function makeReturns(las: typeof LAS, dir: string, timePeriod = "200910", seed = 21): Promise<void> {
  const db = await Db.open(":memory:");
  const cat = join(dir, "..", `cat-${timePeriod}-${seed}`);
  await buildFakeMarts(db, { las, seed, places: 30, catalogueDir: cat, timePeriod });
  const s = fakeSettings(las);
  await publish(db, s, { catalogueDir: cat });
  await writeReturn(db, s, dir);
  db.close();
}

/** Copies one LA return (data, meta, side file) to `dir`, editing the data and meta text. */
function copyReturn(code: string, dir: string, edit: { data?: (t: string) => string; meta?: (t: string) => string; agg?: (t: string) => string } = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [suffix, fn] of [
    [".csv", edit.data],
    [".meta.csv", edit.meta],
    [".aggregation.csv", edit.agg],
  ] as const) {
    const from = join(returns, `impact_${code}_200910${suffix}`);
    const to = join(dir, `impact_${code}_200910${suffix}`);
    if (fn) writeFileSync(to, fn(readFileSync(from, "utf8")));
    else copyFileSync(from, to);
  }
  return path(code, dir);
}

/** Drops a column from CSV text (no quoted commas in our files' data columns). */
function dropColumn(text: string, col: string): string {
  const lines = text.trimEnd().split("\n");
  const i = lines[0].split(",").indexOf(col);
  return (
    lines
      .map((l) =>
        l
          .split(",")
          .filter((_, j) => j !== i)
          .join(","),
      )
      .join("\n") + "\n"
  );
}

beforeAll(async () => {
  await makeReturns(LAS, returns);
});

describe("combine: three LAs", () => {
  let out: string;
  let combined: ReturnType<typeof parseTable>;
  beforeAll(async () => {
    out = join(tmp, "national");
    const result = await combine(
      LAS.map((l) => path(l.old_code)),
      out,
    );
    expect(result.files).toContain("impact_national_200910.csv");
    combined = parseTable(readFileSync(join(out, "impact_national_200910.csv"), "utf8"));
  });

  it("stacks every LA row unchanged", () => {
    for (const la of LAS) {
      const own = parseTable(readFileSync(path(la.old_code), "utf8"));
      const stacked = combined.records.filter((r) => r.values.old_la_code === la.old_code);
      expect(stacked.map((r) => r.values)).toEqual(own.records.map((r) => r.values));
    }
  });

  it("adds National rows: counts summed (x if a part is c), means weighted by their count, impact x", () => {
    const national = combined.records.filter((r) => r.values.geographic_level === "National");
    const laRows = combined.records.filter((r) => r.values.geographic_level === "Local authority");
    const key = (v: Record<string, string>) => FILTERS.map((f) => v[f]).join("|");
    expect(national.length).toBe(new Set(laRows.map((r) => key(r.values))).size);
    let sums = 0;
    let xs = 0;
    let means = 0;
    for (const n of national) {
      const v = n.values;
      expect([v.region_code, v.region_name, v.old_la_code, v.new_la_code, v.la_name]).toEqual(["", "", "", "", ""]);
      const parts = laRows.filter((r) => key(r.values) === key(v)).map((r) => r.values);
      expect(parts.length).toBe(3);
      for (const c of ["n_pupils", "n_places", "total_cost_gbp"]) {
        if (parts.some((p) => p[c] === "c")) {
          expect(v[c]).toBe("x");
          xs++;
        } else {
          expect(v[c]).toBe(String(parts.reduce((s, p) => s + Number(p[c]), 0)));
          sums++;
        }
      }
      const usable = parts.every((p) => /^\d/.test(p.mean_hours) && /^\d/.test(p.n_places));
      if (usable) {
        const w = parts.reduce((s, p) => s + Number(p.n_places), 0);
        expect(v.mean_hours).toBe(formatFixed(parts.reduce((s, p) => s + Number(p.mean_hours) * Number(p.n_places), 0) / w, 1));
        means++;
      } else expect(v.mean_hours).toBe("x");
      expect(v.impact_points).toBe(parts.every((p) => p.impact_points === "z") ? "z" : "x");
    }
    expect(sums).toBeGreaterThan(0);
    expect(xs).toBeGreaterThan(0);
    expect(means).toBeGreaterThan(0);
  });

  it("passes the screener, with metadata and a guidance note", () => {
    const data = readFileSync(join(out, "impact_national_200910.csv"), "utf8");
    const meta = readFileSync(join(out, "impact_national_200910.meta.csv"), "utf8");
    expect(screen(data, meta, { data: "impact_national_200910.csv", meta: "impact_national_200910.meta.csv" }).filter((r) => r.level === "FAIL")).toEqual([]);
    const guidance = readFileSync(join(out, "data-guidance-national-200910.md"), "utf8");
    expect(guidance).toContain("An LA figure behind this national figure is suppressed (c)");
  });

  it("uses an LA given twice with identical figures once, with a warning", async () => {
    const twin = copyReturn("919", join(tmp, "twin"));
    const result = await combine([...LAS.map((l) => path(l.old_code)), twin], join(tmp, "twin-out"));
    expect(result.warnings.join("\n")).toMatch(/impact_919_200910\.csv repeats impact_919_200910\.csv exactly; used once/);
  });
});

describe("combine: refusals", () => {
  it("missing column", async () => {
    const bad = copyReturn("881", join(tmp, "missing"), {
      data: (t) => dropColumn(t, "mean_hours"),
      meta: (t) =>
        t
          .split("\n")
          .filter((l) => !l.startsWith("mean_hours,"))
          .join("\n"),
    });
    await expect(combine([path("919"), bad], join(tmp, "o1"))).rejects.toThrow(
      /Missing column: impact_881_200910\.csv lacks column 'mean_hours' that impact_919_200910\.csv has/,
    );
  });

  it("missing column named in the metadata (caught by the screener)", async () => {
    const bad = copyReturn("881", join(tmp, "missing2"), { data: (t) => dropColumn(t, "n_places") });
    await expect(combine([path("919"), bad], join(tmp, "o1b"))).rejects.toThrow(
      /impact_881_200910\.csv fails the EES screener:\n {2}- rule project_meta_cols_in_data, metadata row \d+, column col_name: Metadata col_name 'n_places' is not a column of the data file/,
    );
  });

  it("duplicate rows", async () => {
    const bad = copyReturn("881", join(tmp, "dupes"), { data: (t) => `${t}${t.split("\n")[1]}\n` });
    await expect(combine([path("919"), bad], join(tmp, "o2"))).rejects.toThrow(
      /impact_881_200910\.csv fails the EES screener:\n {2}- rule general_dupes, row \d+: Row repeats the time, geography and filters of line 2/,
    );
  });

  it("bad symbol", async () => {
    const bad = copyReturn("881", join(tmp, "symbol"), {
      data: (t) => {
        const lines = t.split("\n");
        const cells = lines[2].split(",");
        cells[lines[0].split(",").indexOf("n_places")] = "*";
        lines[2] = cells.join(",");
        return lines.join("\n");
      },
    });
    await expect(combine([path("919"), bad], join(tmp, "o3"))).rejects.toThrow(
      /rule project_indicator_values, row 3, column n_places: Indicator 'n_places' holds '\*'/,
    );
  });

  it("mixed years", async () => {
    const later = join(tmp, "returns-201011");
    await makeReturns([ESSEX], later, "201011");
    await expect(combine([path("919"), path("881", later, "201011")], join(tmp, "o4"))).rejects.toThrow(
      /Mixed years: impact_919_200910\.csv is 200910, impact_881_201011\.csv is 201011/,
    );
  });

  it("conflicting duplicates: the same LA twice with different figures", async () => {
    const other = copyReturn("919", join(tmp, "conflict"), {
      data: (t) => {
        const lines = t.split("\n");
        const cells = lines[1].split(",");
        const i = lines[0].split(",").indexOf("n_pupils");
        cells[i] = String(Number(cells[i]) + 1);
        lines[1] = cells.join(",");
        return lines.join("\n");
      },
    });
    await expect(combine([path("919"), path("881"), other], join(tmp, "o5"))).rejects.toThrow(
      /Conflicting duplicates: LA 919 is in impact_919_200910\.csv and impact_919_200910\.csv with different figures \(line 2, column n_pupils/,
    );
  });

  it("a return whose metadata is not beside it", async () => {
    const dir = join(tmp, "alone");
    mkdirSync(dir, { recursive: true });
    copyFileSync(path("881"), join(dir, "impact_881_200910.csv"));
    await expect(combine([join(dir, "impact_881_200910.csv")], join(tmp, "o6"))).rejects.toThrow(
      /impact_881_200910\.csv: its metadata file impact_881_200910\.meta\.csv is not beside it/,
    );
  });
});

// The National impact (outputs.md §1, issue 19): LA returns made by hand from the metafor
// fixture's inputs (test/oracle/make_meta_fixtures.R), so the National rows can be checked
// against what R's metafor::rma(method = "REML") gave on the same published figures, not
// against a second implementation written here.
interface MetaCase {
  name: string;
  yi: number[];
  sei: number[];
  k: number;
  b: number;
  se: number;
  ci_lb: number;
  ci_ub: number;
  tau2: number;
  I2: number;
  pi_lb: number;
  pi_ub: number;
  las: { old_la_code: string; n_t: number; n_c: number; s_pooled: number }[];
  national: { s_pooled: number; g: number; g_ci_lb: number; g_ci_ub: number; months: number; n_t: number; n_c: number };
}

describe("combine: the National impact is metafor's random-effects meta-analysis of the LA estimates", () => {
  const cases: MetaCase[] = JSON.parse(readFileSync(join(import.meta.dirname, "oracle", "data", "meta_cases.json"), "utf8"));
  const english = cases.find((c) => c.name === "combine_english")!;
  const maths = cases.find((c) => c.name === "combine_mathematics")!;
  const catalogue = parseTable(readFileSync(join(import.meta.dirname, "..", "pipelines", "measures", "catalogue", "impact.csv"), "utf8"));
  const INDICATORS = ["n_t", "n_c", "b", "se", "ci_low", "ci_high", "g", "g_ci_low", "g_ci_high", "months", "s_pooled"];
  const entry = (ind: string) => catalogue.records.find((r) => r.values.indicator === ind)!.values;
  const dpOf = (ind: string) => Number(entry(ind).dp);
  const dir = join(tmp, "pooled");
  const SMALL = ["873", "881"]; // the only LAs with an English FSM-eligible estimate: too few to pool
  let national: Record<string, string>[];
  let laRows: Record<string, string>[];
  let guidance: string;

  /** One LA row's indicator cells from a fixture's published b and se (CI and g derived as an LA's are). */
  function estimate(c: MetaCase, code: string): Record<string, string> {
    const i = c.las.findIndex((l) => l.old_la_code === code);
    if (i < 0) return Object.fromEntries(INDICATORS.map((ind) => [ind, ind === "n_t" || ind === "n_c" ? "8" : "x"]));
    const la = c.las[i];
    const [b, se] = [c.yi[i], c.sei[i]];
    const scale = (1 - 3 / (4 * (la.n_t + la.n_c) - 9)) / la.s_pooled;
    return {
      n_t: String(la.n_t),
      n_c: String(la.n_c),
      b: formatFixed(b, dpOf("b")),
      se: formatFixed(se, dpOf("se")),
      ci_low: formatFixed(b - 2 * se, dpOf("ci_low")),
      ci_high: formatFixed(b + 2 * se, dpOf("ci_high")),
      g: formatFixed(b * scale, 2),
      g_ci_low: formatFixed((b - 2 * se) * scale, 2),
      g_ci_high: formatFixed((b + 2 * se) * scale, 2),
      months: "0",
      s_pooled: formatFixed(la.s_pooled, dpOf("s_pooled")),
    };
  }

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const codes = english.las.map((l) => l.old_la_code);
    const header = [
      "time_period",
      "time_identifier",
      "geographic_level",
      "country_code",
      "country_name",
      "region_code",
      "region_name",
      "old_la_code",
      "new_la_code",
      "la_name",
      "subject",
      "fsm_status",
      ...INDICATORS,
    ];
    const meta = [
      ["subject", "Filter", "Subject", "", "", "", "English, mathematics or both", ""],
      ["fsm_status", "Filter", "Free school meals status", "", "", "", "", ""],
      ...INDICATORS.map((ind) => [ind, "Indicator", entry(ind).label, entry(ind).grouping, entry(ind).unit, entry(ind).dp, "", ""]),
    ];
    const aggregation = INDICATORS.map((ind) => {
      const row = CatalogueRow.parse({ ...entry(ind), combine: entry(ind).combine || undefined });
      return [ind, combineRule(row), combineRule(row) === "weighted_mean" ? row.count_basis[0] : ""];
    });
    for (const code of codes) {
      const la = KNOWN_LAS.find((l) => l.old_code === code)!;
      const geo = ["200910", "Academic year", "Local authority", "E92000001", "England", la.region_code, la.region_name, code, la.gss_code, la.name];
      const zs = Object.fromEntries(INDICATORS.map((ind) => [ind, "z"]));
      const small = SMALL.includes(code) ? estimate(english, code) : { ...estimate(english, "none"), n_t: "c", b: "c", se: "c" };
      const rows = [
        [...geo, "English", "Total", ...INDICATORS.map((ind) => estimate(english, code)[ind])],
        [...geo, "English", "FSM eligible", ...INDICATORS.map((ind) => small[ind])],
        [...geo, "Mathematics", "Total", ...INDICATORS.map((ind) => estimate(maths, code)[ind])],
        [...geo, "Total", "Total", ...INDICATORS.map((ind) => zs[ind])],
      ];
      writeFileSync(join(dir, `impact_${code}_200910.csv`), toCsvText(header, rows));
      writeFileSync(
        join(dir, `impact_${code}_200910.meta.csv`),
        toCsvText(["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint", "filter_grouping_column"], meta),
      );
      writeFileSync(join(dir, `impact_${code}_200910.aggregation.csv`), toCsvText(["col_name", "combine", "weight_col"], aggregation));
    }
    await combine(
      codes.map((c) => join(dir, `impact_${c}_200910.csv`)),
      join(tmp, "pooled-out"),
    );
    const out = parseTable(readFileSync(join(tmp, "pooled-out", "impact_national_200910.csv"), "utf8"));
    national = out.records.filter((r) => r.values.geographic_level === "National").map((r) => r.values);
    laRows = out.records.filter((r) => r.values.geographic_level === "Local authority").map((r) => r.values);
    guidance = readFileSync(join(tmp, "pooled-out", "data-guidance-national-200910.md"), "utf8");
  });

  const row = (subject: string, fsm = "Total") => {
    const r = national.find((v) => v.subject === subject && v.fsm_status === fsm);
    expect(r).toBeDefined();
    return r!;
  };

  it("the fixture pools six LAs in English and five in mathematics, τ² > 0 and τ² = 0", () => {
    expect([english.k, maths.k]).toEqual([6, 5]);
    expect(english.tau2).toBeGreaterThan(0);
    expect(maths.tau2).toBe(0);
  });

  it.each([
    ["English", () => english],
    ["Mathematics", () => maths],
  ] as const)("%s: pooled b, SE, CI, k, τ², I², prediction interval as metafor gives", (subject, get) => {
    const c = get();
    const v = row(subject);
    expect(v.b).toMatch(/^-?\d+\.\d{3}$/);
    expect(v.se).toMatch(/^\d+\.\d{3}$/);
    expect([v.b, v.se]).toEqual([formatFixed(c.b, 3), formatFixed(c.se, 3)]);
    expect([v.ci_low, v.ci_high]).toEqual([formatFixed(c.ci_lb, dpOf("ci_low")), formatFixed(c.ci_ub, dpOf("ci_high"))]);
    expect(v.pooled_k).toBe(String(c.k));
    expect(v.pooled_tau2).toBe(formatFixed(c.tau2, 3));
    expect(v.pooled_i2).toBe(formatFixed(c.I2, 1));
    expect([v.pooled_pi_low, v.pooled_pi_high]).toEqual([formatFixed(c.pi_lb, 1), formatFixed(c.pi_ub, 1)]);
  });

  it.each([
    ["English", () => english],
    ["Mathematics", () => maths],
  ] as const)("%s: effect size, months and pooled SD from the pooled b; model sizes summed", (subject, get) => {
    const c = get();
    const v = row(subject);
    expect(v.g).toBe(formatFixed(c.national.g, 2));
    expect([v.g_ci_low, v.g_ci_high]).toEqual([formatFixed(c.national.g_ci_lb, 2), formatFixed(c.national.g_ci_ub, 2)]);
    expect(v.months).toBe(String(c.national.months));
    expect(v.s_pooled).toBe(formatFixed(c.national.s_pooled, dpOf("s_pooled")));
  });

  it("model sizes are summed over every LA (English: all six have an estimate)", () => {
    expect([row("English").n_t, row("English").n_c]).toEqual([String(english.national.n_t), String(english.national.n_c)]);
  });

  it("mathematics pools the five LAs with an estimate and leaves out the one whose impact is x", () => {
    expect(laRows.find((v) => v.old_la_code === "935" && v.subject === "Mathematics")!.b).toBe("x");
    expect(row("Mathematics").pooled_k).toBe("5");
  });

  it("fewer than 3 LAs with an estimate: every pooled figure is x, with the reason in the guidance", () => {
    const v = row("English", "FSM eligible");
    for (const c of [
      "b",
      "se",
      "ci_low",
      "ci_high",
      "g",
      "g_ci_low",
      "g_ci_high",
      "months",
      "s_pooled",
      "pooled_k",
      "pooled_tau2",
      "pooled_i2",
      "pooled_pi_low",
      "pooled_pi_high",
    ]) {
      expect([c, v[c]]).toEqual([c, "x"]);
    }
    expect(guidance).toMatch(/\| pooled_k \| Fewer than 3 LAs have a published impact estimate for this subject and group[^|]*\| 1 \|/);
    expect(guidance).toContain("random-effects meta-analysis");
  });

  it("subject Total is z throughout; LA rows carry z in the National-only columns", () => {
    const t = row("Total");
    for (const c of ["b", "se", "g", "months", "pooled_k", "pooled_tau2", "pooled_i2", "pooled_pi_low", "pooled_pi_high"]) expect([c, t[c]]).toEqual([c, "z"]);
    expect(laRows.length).toBe(24);
    for (const v of laRows) expect([v.pooled_k, v.pooled_tau2, v.pooled_i2, v.pooled_pi_low, v.pooled_pi_high]).toEqual(["z", "z", "z", "z", "z"]);
  });

  it("the combined return's metadata lists the National-only indicators (passes the screener: combine screens what it writes)", () => {
    const meta = parseTable(readFileSync(join(tmp, "pooled-out", "impact_national_200910.meta.csv"), "utf8"));
    const names = meta.records.map((r) => r.values.col_name);
    expect(names).toEqual(expect.arrayContaining(["pooled_k", "pooled_tau2", "pooled_i2", "pooled_pi_low", "pooled_pi_high"]));
    expect(meta.records.find((r) => r.values.col_name === "pooled_i2")!.values.indicator_unit).toBe("%");
  });

  it("the release audit reads the National-only columns as figures about LAs, not as unknown indicators", async () => {
    const result = await auditRelease(join(tmp, "pooled-out"));
    const unreadable = result.breaches.filter((b) => b.kind === "unreadable").map((b) => b.col);
    expect(unreadable).toEqual([]);
  });
});

describe("the LA return publishes every impact estimate and its SE to 3 decimal places (outputs.md §1)", () => {
  it.each(["b", "se", "b_full", "se_full", "b_partial", "se_partial", "gap_impact", "gap_impact_se", "att"])("%s", (ind) => {
    const dir = join(import.meta.dirname, "..", "pipelines", "measures", "catalogue");
    const rows = ["impact.csv"].flatMap((f) => parseTable(readFileSync(join(dir, f), "utf8")).records);
    expect(rows.find((r) => r.values.indicator === ind)?.values.dp).toBe("3");
  });
});

function toCsvText(columns: string[], rows: string[][]): string {
  return [columns, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\n") + "\n";
}
