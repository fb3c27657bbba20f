// Privacy (issue 8): values planted in the inputs must never reach a published artefact.
// A small synthetic LA gets canaries — a distinctive UPN, a tutor id TCANARY9, a comment
// "CANARY COMMENT xyzzy", and a pupil alone in their ethnic group — then the whole pipeline
// runs AND the site is built, and every file of the return (the workbook unzipped cell by
// cell), and of dist/ is scanned for: the canaries, anything shaped like a UPN, any tutor id
// or free-text comment of the inputs, and unsuppressed small counts (1..threshold-1) in the
// count indicators (catalogue rows whose count_basis is the indicator itself).
// Nothing under output/private/ is published, so it is not scanned (it is the officer's).
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, relative, resolve } from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../pipelines/export/csv.ts";
import { buildSite } from "../scripts/build-site.ts";

const ROOT = resolve(import.meta.dirname, "..");
// Valid DfE check letters (R/J), so the canary pupil loads and flows through every stage.
const CANARY_UPN = "R919299999999";
const CANARY_TUTOR = "TCANARY9";
const CANARY_COMMENT = "CANARY COMMENT xyzzy";
// Upper case, standing alone (validate upper-cases every UPN; d3's lower-case hex colours and
// content hashes are not UPNs).
const UPN_SHAPE = /(?<![A-Za-z0-9])[A-HJ-NPQRT-Z]\d{11}[0-9A-HJ-NPQRT-Z](?![A-Za-z0-9])/g;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** The text of one published file: workbooks cell by cell, zips entry by entry, the rest as UTF-8. */
async function texts(path: string): Promise<{ where: string; text: string }[]> {
  const ext = extname(path).toLowerCase();
  const bytes = readFileSync(path);
  if (ext === ".xlsx") {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const out: { where: string; text: string }[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => out.push({ where: `${path} ${ws.name}!${cell.address}`, text: String(cell.text ?? "") }))));
    // The raw XML as well (document properties, shared strings left unused).
    const zip = await JSZip.loadAsync(bytes);
    for (const name of Object.keys(zip.files)) if (!zip.files[name].dir) out.push({ where: `${path}:${name}`, text: await zip.files[name].async("string") });
    return out;
  }
  if (ext === ".zip") {
    const zip = await JSZip.loadAsync(bytes);
    const out: { where: string; text: string }[] = [];
    for (const name of Object.keys(zip.files)) if (!zip.files[name].dir) out.push({ where: `${path}:${name}`, text: await zip.files[name].async("string") });
    return out;
  }
  if ([".png", ".jpg", ".woff", ".woff2", ".ico"].includes(ext)) return [];
  return [{ where: path, text: bytes.toString("utf8") }];
}

/** Catalogue indicators that are counts of pupils/places: their own count basis. */
function countIndicators(): Set<string> {
  const dir = join(ROOT, "pipelines", "measures", "catalogue");
  const out = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".csv"))) {
    const [header, ...rows] = parseCsv(readFileSync(join(dir, f), "utf8"));
    const at = (c: string) => header.indexOf(c);
    for (const r of rows)
      if (
        r[at("count_basis")]
          ?.split(";")
          .map((s) => s.trim())
          .includes(r[at("indicator")])
      )
        out.add(r[at("indicator")]);
  }
  return out;
}

describe("privacy: nothing planted in the inputs reaches a published artefact", () => {
  let input: string;
  let out: string;
  let dist: string;
  let threshold: number;
  let inputUpns: Set<string>;
  let tutorIds: string[];
  let comments: string[];
  let published: { where: string; text: string }[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "privacy-"));
    input = join(dir, "in");
    out = join(dir, "out");
    dist = join(dir, "dist");
    const synth = spawnSync(
      process.execPath,
      [join(ROOT, "bin", "tuition-impact.js"), "synth", "--scale", "la", "--seed", "11", "--schools", "3", "--out", input, "--quiet"],
      { encoding: "utf8" },
    );
    expect(synth.status, synth.stderr).toBe(0);

    // The canary pupil: Year 6 at the first school, alone in ethnic group WROM (Gypsy/Roma),
    // tutored in maths by TCANARY9 with a session, results either side, and a commented viewpoint.
    const urn = readFileSync(join(input, "schools.csv"), "utf8")
      .split("\n")
      .find((l) => /^\d{6},.*,primary,/.test(l))!
      .slice(0, 6);
    appendFileSync(join(input, "pupils.csv"), `${CANARY_UPN},2009/10,${urn},6,F,Y,N,ENG,N,WROM\n`);
    appendFileSync(
      join(input, "attainment.csv"),
      `${CANARY_UPN},maths,ks1,2006-06-30,2c\n${CANARY_UPN},maths,ta,2009-09-30,3c\n${CANARY_UPN},maths,ks2,2010-05-14,4c\n`,
    );
    appendFileSync(
      join(input, "tuition.csv"),
      `TUCANARY,${CANARY_UPN},${urn},2009/10,maths,${CANARY_TUTOR},2009-10-05,2009-12-18,fsm,below_expected_on_entry,Y,Y,3,3\n`,
    );
    appendFileSync(join(input, "sessions.csv"), `TUCANARY,2009-10-05,60,Y,Y\nTUCANARY,2009-10-12,60,Y,Y\n`);
    appendFileSync(join(input, "viewpoints.csv"), `QCANARY,TUCANARY,pupil,post,confidence,4,"${CANARY_COMMENT}, from ${CANARY_UPN}"\n`);

    threshold = JSON.parse(readFileSync(join(input, "settings.json"), "utf8")).suppression_threshold ?? 5;
    inputUpns = new Set(
      parseCsv(readFileSync(join(input, "pupils.csv"), "utf8"))
        .slice(1)
        .map((r) => r[0].toUpperCase()),
    );
    tutorIds = [
      ...new Set(
        parseCsv(readFileSync(join(input, "tuition.csv"), "utf8"))
          .slice(1)
          .map((r) => r[5]),
      ),
    ];
    comments = [
      ...new Set(
        parseCsv(readFileSync(join(input, "viewpoints.csv"), "utf8"))
          .slice(1)
          .map((r) => r[6])
          .filter((c) => c && c.length >= 8),
      ),
    ];

    const run = spawnSync(process.execPath, [join(ROOT, "bin", "tuition-impact.js"), "run", input, "--out", out, "--quiet"], {
      encoding: "utf8",
      env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" },
    });
    expect(run.status, run.stderr).toBe(0);
    await buildSite({ db: join(out, "tuition-impact.duckdb"), out: dist, returnDir: join(out, "return"), verbose: false });
    for (const f of [...files(join(out, "return")), ...files(dist)]) published.push(...(await texts(f)));
  }, 1_200_000);

  it("scans a real site and return (the canary pupil was loaded, not quarantined)", () => {
    expect(published.some((p) => p.where.includes(join(dist, "index.html")))).toBe(true);
    expect(published.some((p) => /impact_schools_\d{3}_\d{6}\.csv$/.test(p.where))).toBe(true);
    expect(published.some((p) => /\.xlsx /.test(p.where))).toBe(true);
    const quarantine = readFileSync(join(out, "private", "quarantine.csv"), "utf8");
    expect(quarantine).not.toContain(CANARY_UPN);
    expect(comments).toContain(`${CANARY_COMMENT}, from ${CANARY_UPN}`);
    expect(tutorIds).toContain(CANARY_TUTOR);
  });

  it("no canary anywhere: UPN, tutor id, comment", () => {
    const hits = published.filter((p) => [CANARY_UPN, CANARY_TUTOR, "CANARY COMMENT", "xyzzy", "TUCANARY", "QCANARY"].some((c) => p.text.includes(c)));
    expect(hits.map((h) => h.where)).toEqual([]);
  });

  it("nothing shaped like a UPN, and no UPN of the inputs in any case", () => {
    const shaped = published.flatMap((p) => [...p.text.matchAll(UPN_SHAPE)].map((m) => `${p.where}: ${m[0]}`));
    expect(shaped).toEqual([]);
    // Belt and braces: every input UPN, as a plain substring.
    const leaked = published.filter((p) => {
      const t = p.text.toUpperCase();
      return [...inputUpns].some((u) => t.includes(u));
    });
    expect(leaked.map((p) => p.where)).toEqual([]);
  });

  it("no tutor id and no free-text comment of the inputs", () => {
    const tutorHits = published.flatMap((p) => tutorIds.filter((t) => new RegExp(`\\b${t}\\b`).test(p.text)).map((t) => `${p.where}: ${t}`));
    expect(tutorHits).toEqual([]);
    const commentHits = published.flatMap((p) => comments.filter((c) => p.text.includes(c)).map((c) => `${p.where}: ${c}`));
    expect(commentHits).toEqual([]);
    expect(published.filter((p) => /synthetic comment \d+/.test(p.text)).map((p) => p.where)).toEqual([]);
  });

  it("every count cell of the return is 0, at least the threshold, or a symbol", () => {
    const counts = countIndicators();
    expect(counts.size).toBeGreaterThan(5);
    const bad: string[] = [];
    let checked = 0;
    for (const f of files(join(out, "return")).filter((p) => p.endsWith(".csv") && !/\.(meta|aggregation)\.csv$/.test(p))) {
      const [header, ...rows] = parseCsv(readFileSync(f, "utf8"));
      header.forEach((col, i) => {
        if (!counts.has(col)) return;
        for (const r of rows) {
          checked++;
          const v = r[i];
          if (/^-?\d+(\.\d+)?$/.test(v) && Number(v) !== 0 && Math.abs(Number(v)) < threshold)
            bad.push(`${relative(out, f)} ${col}=${v} (${r.slice(0, 8).join(",")})`);
        }
      });
    }
    expect(checked).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it("every count in the site's data files is 0, at least the threshold, or a symbol", () => {
    const counts = countIndicators();
    const bad: string[] = [];
    const walk = (v: unknown, where: string) => {
      if (Array.isArray(v)) for (const x of v) walk(x, where);
      else if (v && typeof v === "object")
        for (const [k, x] of Object.entries(v)) {
          if (counts.has(k) && (typeof x === "number" || typeof x === "string") && /^-?\d+(\.\d+)?$/.test(String(x))) {
            const n = Number(x);
            if (n !== 0 && Math.abs(n) < threshold) bad.push(`${where}: ${k}=${x}`);
          }
          walk(x, where);
        }
    };
    for (const p of published.filter((q) => q.where.endsWith(".json"))) walk(JSON.parse(p.text), p.where);
    expect(bad).toEqual([]);
  });
});
