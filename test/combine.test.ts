// Combining LA returns (outputs.md §1, issue 7): three LAs stacked with National rows
// recomputed here independently, and refusals of bad returns, each with its message.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { formatFixed } from "../pipelines/core/round.ts";
import { combine } from "../pipelines/export/combine.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { publish } from "../pipelines/export/disclosure.ts";
import { writeReturn } from "../pipelines/export/return.ts";
import { screen } from "../pipelines/export/screener.ts";
import { buildFakeMarts, ESSEX, fakeSettings, HERTS, KENT } from "./fixtures/returns/fake-marts.ts";

const LAS = [HERTS, ESSEX, KENT];
const tmp = mkdtempSync(join(tmpdir(), "combine-"));
const returns = join(tmp, "returns");
const FILTERS = ["subject", "fsm_status", "cla_status", "first_language", "sex", "sen_provision", "ethnicity_major", "key_stage"];
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
  for (const [suffix, fn] of [[".csv", edit.data], [".meta.csv", edit.meta], [".aggregation.csv", edit.agg]] as const) {
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
  return lines.map((l) => l.split(",").filter((_, j) => j !== i).join(",")).join("\n") + "\n";
}

beforeAll(async () => {
  await makeReturns(LAS, returns);
});

describe("combine: three LAs", () => {
  let out: string;
  let combined: ReturnType<typeof parseTable>;
  beforeAll(async () => {
    out = join(tmp, "national");
    const result = await combine(LAS.map((l) => path(l.old_code)), out);
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
      meta: (t) => t.split("\n").filter((l) => !l.startsWith("mean_hours,")).join("\n"),
    });
    await expect(combine([path("919"), bad], join(tmp, "o1"))).rejects.toThrow(/Missing column: impact_881_200910\.csv lacks column 'mean_hours' that impact_919_200910\.csv has/);
  });

  it("missing column named in the metadata (caught by the screener)", async () => {
    const bad = copyReturn("881", join(tmp, "missing2"), { data: (t) => dropColumn(t, "n_places") });
    await expect(combine([path("919"), bad], join(tmp, "o1b"))).rejects.toThrow(/impact_881_200910\.csv fails the EES screener:\n {2}- rule project_meta_cols_in_data, metadata row \d+, column col_name: Metadata col_name 'n_places' is not a column of the data file/);
  });

  it("duplicate rows", async () => {
    const bad = copyReturn("881", join(tmp, "dupes"), { data: (t) => `${t}${t.split("\n")[1]}\n` });
    await expect(combine([path("919"), bad], join(tmp, "o2"))).rejects.toThrow(/impact_881_200910\.csv fails the EES screener:\n {2}- rule general_dupes, row \d+: Row repeats the time, geography and filters of line 2/);
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
    await expect(combine([path("919"), bad], join(tmp, "o3"))).rejects.toThrow(/rule project_indicator_values, row 3, column n_places: Indicator 'n_places' holds '\*'/);
  });

  it("mixed years", async () => {
    const later = join(tmp, "returns-201011");
    await makeReturns([ESSEX], later, "201011");
    await expect(combine([path("919"), path("881", later, "201011")], join(tmp, "o4"))).rejects.toThrow(/Mixed years: impact_919_200910\.csv is 200910, impact_881_201011\.csv is 201011/);
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
    await expect(combine([path("919"), path("881"), other], join(tmp, "o5"))).rejects.toThrow(/Conflicting duplicates: LA 919 is in impact_919_200910\.csv and impact_919_200910\.csv with different figures \(line 2, column n_pupils/);
  });

  it("a return whose metadata is not beside it", async () => {
    const dir = join(tmp, "alone");
    mkdirSync(dir, { recursive: true });
    copyFileSync(path("881"), join(dir, "impact_881_200910.csv"));
    await expect(combine([join(dir, "impact_881_200910.csv")], join(tmp, "o6"))).rejects.toThrow(/impact_881_200910\.csv: its metadata file impact_881_200910\.meta\.csv is not beside it/);
  });
});
