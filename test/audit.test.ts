// tuition-impact audit (issue 15): a small release made by hand (return CSVs and metadata, a
// workbook, data guidance, site JSON), clean, then with each kind of breach planted in one
// place; the audit must find each at its file, row and column, and the clean one must give 0.
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditRelease, type AuditOptions, type Breach } from "../pipelines/export/audit.ts";

const root = mkdtempSync(join(tmpdir(), "audit-"));
const catalogueDir = join(root, "catalogue");
const clean = join(root, "clean");

const CATALOGUE = `indicator,mart,label,grouping,unit,dp,count_basis,level,combine
pupils,mart_att,Pupils with a baseline,Attainment,,0,pupils,both,
below,mart_att,Pupils below ARE,Attainment,,0,below,both,
pct_below,mart_att,Percentage below ARE,Attainment,%,1,pupils;below,both,
mean_score,mart_att,Mean score (points),Attainment,,1,pupils,both,
n_t,mart_impact,Model tutees,Impact,,0,n_t,la,
bal_n_t,mart_balance,Balance tutees,Balance,,0,bal_n_t,none,
`;

const BASE = [
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
];
const FILTERS = ["subject", "fsm_status"];
const LA_IND = ["pupils", "below", "pct_below", "mean_score", "n_t"];
const SCHOOL_IND = ["pupils", "below", "pct_below", "mean_score"];
const geo = (level: string) => ["200910", "Academic year", level, "E92000001", "England", "E12000006", "East of England", "919", "E10000015", "Hertfordshire"];

// LA rows (data row i is file row i + 2). Two c groups under FSM protect each other; the
// subjects and the schools add up with nothing hidden alone.
const LA_ROWS = [
  [...geo("Local authority"), "English", "Total", "40", "10", "25.0", "27.1", "40"],
  [...geo("Local authority"), "English", "FSM eligible", "c", "c", "c", "c", "c"],
  [...geo("Local authority"), "English", "Not known to be FSM eligible", "c", "c", "c", "c", "c"],
  [...geo("Local authority"), "Mathematics", "Total", "35", "0", "0.0", "26.0", "35"],
  [...geo("Local authority"), "Total", "Total", "60", "10", "16.7", "z", "z"],
];
const school = (urn: string, name: string) => [...geo("School"), urn, `919${urn.slice(-4)}`, name];
const SCHOOL_ROWS = [
  [...school("100001", "Ash Primary"), "English", "Total", "c", "c", "c", "c"],
  [...school("100002", "Beech Primary"), "English", "Total", "c", "c", "c", "c"],
  [...school("100003", "Cedar Academy"), "English", "Total", "30", "8", "26.7", "27.0"],
];

const csv = (rows: string[][]) => `${rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(",")).join("\n")}\n`;
const meta = (indicators: string[]) =>
  csv([
    ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint", "filter_grouping_column"],
    ["subject", "Filter", "Subject", "", "", "", "", ""],
    ["fsm_status", "Filter", "Free school meals status", "", "", "", "", ""],
    ...indicators.map((i) => [
      i,
      "Indicator",
      CATALOGUE.split("\n")
        .find((l) => l.startsWith(`${i},`))!
        .split(",")[2],
      "",
      "",
      "0",
      "",
      "",
    ]),
  ]);

interface Release {
  la: string[][];
  schools: string[][];
  guidance: string;
  site: Record<string, Record<string, string | null>[]>;
  workbookCells?: { row: number; col: number; value: string | number }[];
}

function siteRow(la: string, urn: string | null, subject: string, breakdown: string, group: string, values: Record<string, string>) {
  return { time_period: "200910", la_code: la, urn, subject, breakdown, group_label: group, ...values };
}

function cleanRelease(): Release {
  return {
    la: LA_ROWS.map((r) => [...r]),
    schools: SCHOOL_ROWS.map((r) => [...r]),
    guidance: "# Data guidance\n\nCounts of pupils from 1 to 4 are suppressed (`c`).\n",
    site: {
      attainment: [
        siteRow("919", null, "English", "total", "Total", { pupils: "40", below: "10", pct_below: "25.0", mean_score: "27.1" }),
        siteRow("919", null, "English", "fsm_status", "FSM eligible", { pupils: "c", below: "c", pct_below: "c", mean_score: "c" }),
      ],
      balance: [
        siteRow("919", null, "English", "total", "Total", { bal_n_t: "40" }),
        siteRow("919", null, "English", "fsm_status", "FSM eligible", { bal_n_t: "c" }),
      ],
    },
  };
}

/** Writes a release folder: return/ (CSVs, metadata, workbook, guidance) and site/_file/data/. */
async function writeRelease(dir: string, r: Release) {
  const ret = join(dir, "return");
  const data = join(dir, "site", "_file", "data");
  mkdirSync(ret, { recursive: true });
  mkdirSync(data, { recursive: true });
  const laHeader = [...BASE, ...FILTERS, ...LA_IND];
  const schoolHeader = [...BASE, "school_urn", "school_laestab", "school_name", ...FILTERS, ...SCHOOL_IND];
  writeFileSync(join(ret, "impact_919_200910.csv"), csv([laHeader, ...r.la]));
  writeFileSync(join(ret, "impact_919_200910.meta.csv"), meta(LA_IND));
  writeFileSync(join(ret, "impact_schools_919_200910.csv"), csv([schoolHeader, ...r.schools]));
  writeFileSync(join(ret, "impact_schools_919_200910.meta.csv"), meta(SCHOOL_IND));
  writeFileSync(join(ret, "data-guidance.md"), r.guidance);
  // The workbook as people open it: indicator and filter headers are the metadata labels, numbers are numbers.
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Cover").addRow(["One-to-one tuition impact: a hand-made release"]);
  const sheet = wb.addWorksheet("Attainment");
  const labels = laHeader.map((c) =>
    c === "subject"
      ? "Subject"
      : c === "fsm_status"
        ? "Free school meals status"
        : LA_IND.includes(c)
          ? CATALOGUE.split("\n")
              .find((l) => l.startsWith(`${c},`))!
              .split(",")[2]
          : c,
  );
  sheet.addRow(labels);
  for (const row of r.la) sheet.addRow(row.map((v, i) => (i >= BASE.length + FILTERS.length && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)));
  for (const c of r.workbookCells ?? []) sheet.getCell(c.row, c.col).value = c.value;
  await wb.xlsx.writeFile(join(ret, "impact_919_200910.xlsx"));
  writeFileSync(join(data, "published-la.1a2b3c4d.json"), JSON.stringify(r.site));
}

const options: AuditOptions = { catalogueDir, canaries: { tutorIds: ["T000123"], comments: ["synthetic comment 7: enjoys the sessions"] } };

async function plant(name: string, change: (r: Release) => void): Promise<Breach[]> {
  const r = cleanRelease();
  change(r);
  const dir = join(root, name);
  await writeRelease(dir, r);
  return (await auditRelease(dir, options)).breaches;
}

const at = (kind: Breach["kind"], place: string, loc: string, col: string) => expect.objectContaining({ kind, place, loc, col });
const LA = "return/impact_919_200910.csv";
const SCHOOLS = "return/impact_schools_919_200910.csv";
const SITE = "site/_file/data/published-la.1a2b3c4d.json";

beforeAll(async () => {
  mkdirSync(catalogueDir, { recursive: true });
  writeFileSync(join(catalogueDir, "catalogue.csv"), CATALOGUE);
  await writeRelease(clean, cleanRelease());
});
// The hand-made releases are this file's own: none is left in the temporary folder.
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("audit of a hand-made release", () => {
  it("finds 0 breaches in the clean release, reading every part of it", async () => {
    const result = await auditRelease(clean, options);
    expect(result.breaches).toEqual([]);
    expect(result.threshold).toBe(5);
    // 5 LA rows × 5 + 3 school rows × 4 in the CSVs, the same LA rows in the workbook, 10 on the site.
    expect(result.cells).toBe(25 + 12 + 25 + 10);
  });

  it("reads a school file in the site's compact form ({columns, rows}): every value, a planted small count included", async () => {
    const dir = join(root, "compact");
    cpSync(clean, dir, { recursive: true });
    const columns = ["time_period", "la_code", "urn", "subject", "breakdown", "group_label", "pupils", "below", "pct_below", "mean_score"];
    const write = (values: string[]) =>
      writeFileSync(
        join(dir, "site", "_file", "data", "schools", "100001.9f8e7d6c.json"),
        JSON.stringify({
          urn: "100001",
          name: "Ash Primary",
          tables: { attainment: { columns, rows: [["200910", "919", "100001", "English", "total", "Total", ...values]] } },
        }),
      );
    mkdirSync(join(dir, "site", "_file", "data", "schools"), { recursive: true });
    write(["c", "c", "c", "c"]); // as the return publishes school 100001: clean, and its 4 cells read
    const cleanResult = await auditRelease(dir, options);
    expect(cleanResult.breaches).toEqual([]);
    expect(cleanResult.cells).toBe(25 + 12 + 25 + 10 + 4);
    write(["3", "c", "c", "c"]);
    const found = (await auditRelease(dir, options)).breaches;
    const place = "site/_file/data/schools/100001.9f8e7d6c.json";
    expect(found).toContainEqual(at("small_count", place, "$.tables.attainment.rows[0]", "pupils"));
    expect(found).toContainEqual(at("inconsistent", place, "$.tables.attainment.rows[0]", "pupils"));
  });

  it("finds a small count (LA file, Mathematics Total row = file row 5)", async () => {
    const found = await plant("small", (r) => (r.la[3][BASE.length + 2] = "3"));
    expect(found).toContainEqual(at("small_count", LA, "row 5", "pupils"));
  });

  it("takes the threshold from data-guidance.md, and from the option over it", async () => {
    const found = await plant("threshold", (r) => {
      r.guidance = "Counts of pupils from 1 to 9 are suppressed.";
      r.la[3][BASE.length + 2] = "8";
    });
    expect(found).toContainEqual(at("small_count", LA, "row 5", "pupils"));
    const dir = join(root, "threshold");
    expect((await auditRelease(dir, { ...options, threshold: 5 })).breaches.filter((b) => b.kind === "small_count")).toEqual([]);
  });

  it("finds a 0 and a mean published beside a c group size (attribute disclosure)", async () => {
    const found = await plant("attribute", (r) => {
      r.la[1][BASE.length + 3] = "0"; // below, FSM eligible: "0 of c"
      r.schools[0][BASE.length + 3 + 2 + 3] = "24.5"; // mean_score of school 100001, whose pupils are c
    });
    expect(found).toContainEqual(at("attribute", LA, "row 3", "below"));
    expect(found).toContainEqual(at("attribute", `return/impact_919_200910.xlsx sheet "Attainment"`, "row 3", "below"));
    expect(found).toContainEqual(at("attribute", SCHOOLS, "row 2", "mean_score"));
  });

  it("finds a count c in the return and published on the site, under its own name and under another name for the same pupils", async () => {
    const found = await plant("inconsistent", (r) => {
      r.site.attainment[1].pupils = "7";
      r.la[0][BASE.length + 2 + 4] = "c"; // n_t on the LA English Total row ...
      // ... while the site's balance table publishes the same tutees as bal_n_t = 40.
    });
    expect(found).toContainEqual(at("inconsistent", SITE, "$.attainment[1]", "pupils"));
    expect(found).toContainEqual(at("inconsistent", SITE, "$.balance[0]", "bal_n_t"));
  });

  it("takes which names count the same pupils from the catalogue's counts/counts.csv where it has one", async () => {
    const declared = join(root, "catalogue-declared");
    mkdirSync(join(declared, "counts"), { recursive: true });
    writeFileSync(join(declared, "catalogue.csv"), CATALOGUE);
    writeFileSync(
      join(declared, "counts", "counts.csv"),
      "mart,count,population,within,group\nmart_att,pupils,tutees_analysed,,\nmart_impact,n_t,tutees_analysed,,\n",
    );
    const r = cleanRelease();
    r.la[0][BASE.length + 2] = "c"; // pupils, LA English Total row, while n_t there publishes the same 40 tutees
    const dir = join(root, "declared");
    await writeRelease(dir, r);
    expect((await auditRelease(dir, { ...options, catalogueDir: declared })).breaches).toContainEqual(at("inconsistent", LA, "row 2", "n_t"));
    // Without the declaration the two names are different counts (the site's own pupils = 40 stays a breach).
    const undeclared = (await auditRelease(dir, options)).breaches;
    expect(undeclared).not.toContainEqual(at("inconsistent", LA, "row 2", "n_t"));
    expect(undeclared).toContainEqual(at("inconsistent", SITE, "$.attainment[0]", "pupils"));
  });

  it("finds a c recoverable from a breakdown and its Total", async () => {
    const found = await plant("diff-b", (r) => (r.la[2][BASE.length + 2] = "33"));
    expect(found).toContainEqual(at("differencing", LA, "row 3", "pupils"));
    expect(found).toContainEqual(at("differencing", SITE, "$.attainment[1]", "pupils"));
  });

  it("names the set in the message when the c it exposes is the breakdown's Total row", async () => {
    const found = await plant("diff-total", (r) => {
      r.la[0][BASE.length + 2] = "c"; // pupils, LA English Total row ...
      r.la[1][BASE.length + 2] = "20"; // ... while both FSM groups publish theirs
      r.la[2][BASE.length + 2] = "20";
      r.site.attainment[0].pupils = "c";
    });
    const total = found.filter((b) => b.kind === "differencing" && b.place === LA && b.loc === "row 2" && b.col === "pupils");
    expect(total.map((b) => b.message)).toContainEqual(
      expect.stringContaining("recoverable by differencing the fsm_status groups and Total of English, LA 919 (pupils)"),
    );
  });

  it("leaves nothing in the temporary folder, when a workbook cannot be read too", async () => {
    const dir = join(root, "temp-clean");
    cpSync(clean, dir, { recursive: true });
    writeFileSync(join(dir, "return", "broken.xlsx"), "not a zip");
    const temp = join(root, "tmpdir");
    mkdirSync(temp);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      expect((await auditRelease(dir, options)).breaches).toContainEqual(at("unreadable", "return/broken.xlsx", "", ""));
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    expect(existsSync(temp) && readdirSync(temp)).toEqual([]);
  });

  it("finds a c recoverable from the subjects and subject Total", async () => {
    const found = await plant("diff-s", (r) => (r.la[3][BASE.length + 2] = "c"));
    expect(found).toContainEqual(at("differencing", LA, "row 5", "pupils"));
  });

  it("finds a c recoverable from the schools and the LA row", async () => {
    const found = await plant("diff-u", (r) => (r.schools[1][BASE.length + 3 + 2] = "6"));
    expect(found).toContainEqual(at("differencing", SCHOOLS, "row 2", "pupils"));
  });

  it("finds UPN shapes, a tutor id and a comment wherever they are published", async () => {
    const found = await plant("identifiers", (r) => {
      r.schools[2][BASE.length + 2] = "Cedar Academy A919200106002";
      r.guidance += "\nSee pupil g91920010600A.\n";
      r.site.attainment[0].note = "tutor T000123";
      r.workbookCells = [{ row: 8, col: 1, value: "Synthetic comment 7: enjoys the sessions!" }];
    });
    expect(found).toContainEqual(at("upn", SCHOOLS, "row 4", "school_name"));
    expect(found).toContainEqual(at("upn", "return/data-guidance.md", "line 5", ""));
    expect(found).toContainEqual(at("tutor_id", SITE, "$.attainment[0].note", ""));
    expect(found).toContainEqual(at("comment", `return/impact_919_200910.xlsx sheet "Attainment"`, "cell A8", ""));
    // The report never repeats a UPN in full.
    expect(found.map((b) => b.message).join("\n")).not.toMatch(/919200106002|91920010600A/);
  });

  it("refuses a workbook whose sheet writes its elements with a namespace prefix, rather than read it as empty", async () => {
    const dir = join(root, "prefixed");
    cpSync(clean, dir, { recursive: true });
    const path = join(dir, "return", "impact_919_200910.xlsx");
    const zip = await JSZip.loadAsync(readFileSync(path));
    const sheets = Object.keys(zip.files).filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name));
    expect(sheets.length).toBeGreaterThan(0);
    for (const name of sheets) {
      const xml = await zip.file(name)!.async("string");
      zip.file(name, xml.replace(/<(\/?)(sheetData|row|c|v|f|is|t)\b/g, "<$1x:$2"));
    }
    writeFileSync(path, await zip.generateAsync({ type: "nodebuffer" }));
    const found = (await auditRelease(dir, options)).breaches.filter((b) => b.kind === "unreadable");
    expect(found).toContainEqual(expect.objectContaining({ place: "return/impact_919_200910.xlsx" }));
    expect(found.map((b) => b.message).join("\n")).toMatch(/namespace prefix/);
  });

  it("refuses a workbook sheet with two headers that read as one column, rather than guess which a figure is", async () => {
    // The fsm_status column's header relabelled "Subject": two header cells now read as subject.
    const found = await plant("two-headers", (r) => {
      r.workbookCells = [{ row: 1, col: BASE.length + 2, value: "Subject" }];
    });
    const unreadable = found.filter((b) => b.kind === "unreadable");
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0].place).toMatch(/^return\/impact_919_200910\.xlsx/);
    expect(unreadable[0].message).toMatch(/two header cells read as the column subject/);
  });

  it("reports a folder with nothing to audit, and an indicator it cannot classify", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    expect((await auditRelease(empty, options)).breaches).toContainEqual(expect.objectContaining({ kind: "unreadable" }));
    const found = await plant("unknown", () => undefined);
    expect(found).toEqual([]);
    const dir = join(root, "unknown");
    writeFileSync(join(dir, "return", "impact_919_200910.meta.csv"), `${meta(LA_IND)}mystery,Indicator,Mystery,,,0,,\n`);
    expect((await auditRelease(dir, options)).breaches).toContainEqual(at("unreadable", "return/impact_919_200910.meta.csv", "", "mystery"));
  });
});

describe("tuition-impact audit", () => {
  const cli = (dir: string) =>
    // the command an officer runs (build/ when it is current, else the sources: bin/ decides)
    spawnSync(process.execPath, [join(import.meta.dirname, "..", "bin", "tuition-impact.js"), "audit", dir, "--catalogue", catalogueDir], {
      encoding: "utf8",
    });

  it("exits 0 saying 0 breaches on the clean release, and 4 listing each breach on a planted one", async () => {
    const ok = cli(clean);
    expect(ok.stdout).toMatch(/^0 breaches/m);
    expect(ok.status).toBe(0);
    const bad = join(root, "cli-bad");
    cpSync(clean, bad, { recursive: true });
    const file = join(bad, "return", "impact_919_200910.csv");
    writeFileSync(file, readFileSync(file, "utf8").replace("Mathematics,Total,35,", "Mathematics,Total,2,"));
    const refused = cli(bad);
    expect(refused.stdout).toContain("return/impact_919_200910.csv, row 5, column pupils: [small_count]");
    expect(refused.status).toBe(4);
  }, 60_000);
});
