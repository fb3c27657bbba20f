// tuition-impact: the command line. Each command is a thin shell over a pipeline module;
// failures end with one sentence a person can act on and a non-zero exit code (core/exit-codes.ts).
// Modules are imported per command, so `--help` starts without loading DuckDB or zod.
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { EXIT } from "./core/exit-codes.ts";
import { exitCodeFor } from "./core/exit-for.ts";
import { stopOnSignals } from "./core/interrupt.ts";
import { makeReporter, textTable } from "./core/progress.ts";
import type { RunResult } from "./run.ts";
import { formatAliasesApplied, formatFiles, formatUnknownValues } from "./validate/report.ts";

const HELP = `tuition-impact: evaluate a local authority's one-to-one tuition programme.

Usage:
  tuition-impact validate <folder> [--out DIR] [--settings FILE]
      Dry run: reads and checks every input file in <folder>, prints what would be
      loaded and quarantined (top reasons, unknown code values, a value_aliases block
      to paste), and refuses input a run would refuse. The only file it writes is the
      quarantine report, DIR/private/quarantine.csv (default DIR "output").
  tuition-impact run <folder> [--out DIR] [--settings FILE]
      The whole pipeline: ingest, validate, transform, measures, disclosure control,
      the return to the Department and the private officer files, into DIR.
  tuition-impact synth [--scale la|national] [--seed N] [--out DIR] [--faults] [--schools N] [--years N]
  tuition-impact synth --programme ntp [--year 2022/23] [--seed N] [--out DIR] [--faults] [--schools N]
      Writes synthetic input files (never real pupils) with planted effects and a truth.json.
  tuition-impact combine <return.csv>... [--out DIR] [--settings FILE]
      Screens LA returns, refuses mixed years or conflicting duplicates, stacks them and
      adds National rows where that is valid.
  tuition-impact site [--db FILE] [--out DIR] [--pdf [--pdf-out DIR]]
      Builds the report site from a run's database (default output/tuition-impact.duckdb)
      into DIR (default dist/), with the return files beside it as downloads. --pdf also
      prints every school's page to an A4 PDF, the pack for a SIP's visit (Debian's chromium).
  tuition-impact site --combined DIR [--out DIR]
      The combined view: from a folder combine wrote, a one-page site with a forest plot per
      year and subject of every LA's impact, the national pooled estimate and its prediction
      interval (no database needed).
  tuition-impact serve [--dir DIR] [--port N]
      Serves the built site (default dist/) on 127.0.0.1 for viewing.
  tuition-impact audit <folder> [--threshold N]
      Checks a release as published (a return folder, a run's output, a built site) for
      small counts, figures beside a suppressed group, a count c in one place and shown in
      another, cells recoverable by differencing, and UPN-shaped strings; one line per
      breach (file, row, column). Exit 0 with "0 breaches", or 4 listing them.

Options:
  --out DIR         output folder (run: default "output"; synth: default "demo/generated";
                    combine: default "output/national"; site: default "dist")
  --db FILE         site: the database to publish (default $TUITION_DB, else
                    output/tuition-impact.duckdb)
  --combined DIR    site: build the combined view from the folder combine wrote
  --pdf             site: also write one A4 PDF per school (<urn>-<name>.pdf)
  --pdf-out DIR     site --pdf: folder of the PDFs (default school-pdfs/ beside the site folder)
  --settings FILE   settings file (default <folder>/settings.json); see docs/settings.md.
                    combine: its LAs are accepted beside the Department's LA lookup
  --scale la|national   synth: one LA of about 500 schools (default) or 152 LAs
  --seed N          synth: random seed (default 1); the same seed gives identical files
  --faults          synth: plant a known number of bad rows of each kind (listed in truth.json)
  --schools N       synth: total number of schools (smaller data for tests)
  --years N         synth: N consecutive academic years from 2009/10 (default 1), the same
                    schools and pupils moving up a year (1 to 5)
  --programme ntp   synth: an LA of the National Tutoring Programme instead (120 schools,
                    routes, groups, standardised tests; programmes.md §5)
  --year YYYY/YY    synth --programme ntp: the academic year, 2020/21 to 2023/24 (default 2022/23)
  --threshold N     audit: the suppression threshold (default: as data-guidance.md states, else 5)
  --catalogue DIR   audit: the indicator catalogue to read counts from (default the tool's own)
  --quiet           no progress output
  --help            this text

Outputs of run (in --out):
  tuition-impact.duckdb   the database: every table from raw inputs to published figures
  return/                 impact_<la>_<period>.csv + .meta.csv, schools file, workbook, data-guidance.md
  private/                quarantine.csv and pupil-level lists for the officer; never published
Exit codes (scripts can branch on them):
  0    done (run: the outputs were published)
  1    input refused: a file or its rows cannot be used (each named); nothing was published
  2    usage error: unknown command or option, missing argument
  3    settings refused: settings.json is missing or wrong (key and reason named)
  4    release refused by its own checks (screener, disclosure audit); nothing was published
  70   internal error: a fault in the tool itself; run again with DEBUG=1 and report it
  130  stopped by Ctrl-C or SIGTERM; nothing was published, the last good outputs are intact`;

class UsageError extends Error {
  override name = "UsageError";
}

/** parseArgs, with its complaints (unknown option, missing value) turned into usage errors. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        settings: { type: "string" },
        db: { type: "string" },
        combined: { type: "string" },
        scale: { type: "string", default: "la" },
        seed: { type: "string", default: "1" },
        faults: { type: "boolean", default: false },
        schools: { type: "string" },
        years: { type: "string" },
        programme: { type: "string" },
        year: { type: "string" },
        dir: { type: "string", default: "dist" },
        port: { type: "string", default: "3000" },
        threshold: { type: "string" },
        catalogue: { type: "string" },
        pdf: { type: "boolean", default: false },
        "pdf-out": { type: "string" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    const message = (error as Error).message.split(". To specify")[0];
    throw new UsageError(`${message}; try tuition-impact --help`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (values.help || !command || command === "help") {
    console.log(HELP);
    return command || values.help ? 0 : 2;
  }
  const reporter = makeReporter(process.stderr, values.quiet);

  switch (command) {
    case "validate":
    case "run": {
      const input = rest[0];
      if (!input) throw new UsageError(`${command} needs the input folder, e.g. tuition-impact ${command} demo/generated`);
      const out = values.out ?? "output";
      stopOnSignals(
        command === "validate"
          ? "validate did not finish, and nothing was published."
          : `nothing was published: the last good outputs in ${resolve(out)} are as they were.`,
      );
      const { runPipeline } = await import("./run.ts");
      const result = await runPipeline({
        input,
        out,
        settingsPath: values.settings,
        reporter,
        dryRun: command === "validate",
      });
      printSummary(result);
      if (command === "validate") console.log("\nDry run: nothing was published; the only file written is the quarantine report.");
      else console.log(`\n${textTable(publishedPaths(out))}`);
      return EXIT.ok;
    }
    case "synth": {
      const { synthesise } = await import("./synth/index.ts");
      if (values.scale !== "la" && values.scale !== "national") throw new UsageError("--scale is la or national");
      const seed = Number(values.seed);
      if (!Number.isInteger(seed)) throw new UsageError("--seed takes a whole number");
      if (values.years !== undefined && !/^[1-5]$/.test(values.years)) throw new UsageError("--years takes a whole number from 1 to 5");
      if (values.programme !== undefined && values.programme !== "ntp" && values.programme !== "one_to_one_2009")
        throw new UsageError("--programme is one_to_one_2009 (the default) or ntp");
      const ntp = values.programme === "ntp";
      if (values.year !== undefined && !ntp) throw new UsageError("--year goes with --programme ntp (the 2009 programme takes --years)");
      if (ntp && values.year !== undefined) {
        const { NTP_YEARS } = await import("./core/ntp-rules.ts");
        if (!(NTP_YEARS as readonly string[]).includes(values.year))
          throw new UsageError(`--year is an academic year of the National Tutoring Programme (${NTP_YEARS.join(", ")}), got "${values.year}"`);
      }
      if (ntp && (values.years !== undefined || values.scale !== "la"))
        throw new UsageError("synth --programme ntp makes one LA in one year: use --year, not --years or --scale national");
      const out = values.out ?? "demo/generated";
      stopOnSignals(`the files in ${resolve(out)} may be incomplete: run synth again.`);
      const summary = await reporter.stage("synth", (progress) =>
        synthesise(
          {
            scale: values.scale as "la" | "national",
            seed,
            out,
            faults: values.faults,
            schools: values.schools ? Number(values.schools) : undefined,
            years: values.years ? Number(values.years) : undefined,
            ...(ntp ? { programme: "ntp" as const, year: values.year } : {}),
          },
          (stage, done, total) => progress(stage, done, total),
        ),
      );
      console.log(textTable(Object.entries(summary.files).map(([file, rows]) => ({ file, rows }))));
      console.log(`\nSynthetic data written to ${out} in ${summary.seconds.toFixed(1)} s.`);
      return 0;
    }
    case "combine": {
      if (rest.length === 0) throw new UsageError("combine needs one or more LA return files (impact_<la>_<period>.csv)");
      stopOnSignals("the combined files may be incomplete: run combine again.");
      const { combine } = await import("./export/combine.ts");
      const { loadSettings } = await import("./core/settings.ts");
      // LAs named in settings (e.g. synthetic ones) join the Department's lookup for the screener.
      const las = values.settings ? loadSettings(values.settings).las : undefined;
      const result = await combine(rest, values.out ?? "output/national", { las });
      console.log(`Combined ${rest.length} returns into ${result.files.join(", ")}`);
      console.log(`Forest plots of the LAs and the national estimate: tuition-impact site --combined ${values.out ?? "output/national"} --out <site folder>`);
      return 0;
    }
    case "site": {
      const out = values.out ?? "dist";
      stopOnSignals(`the site in ${resolve(out)} is as it was.`);
      if (values["pdf-out"] !== undefined && !values.pdf) throw new UsageError("--pdf-out goes with --pdf: tuition-impact site --pdf --pdf-out DIR");
      if (values.combined !== undefined) {
        if (values.db !== undefined || values.pdf)
          throw new UsageError("--combined builds the combined view from a combine folder alone: leave out --db and --pdf");
        const { buildCombinedSite } = await import("./site/combined.ts");
        const { seconds, out: built } = await buildCombinedSite({ combined: values.combined, out, verbose: !values.quiet });
        console.log(`Combined site built into ${built} in ${seconds.toFixed(1)} s (view it with: tuition-impact serve --dir ${out}).`);
        return EXIT.ok;
      }
      const { buildSiteFromCli } = await import("./site.ts");
      const { seconds, out: built } = await buildSiteFromCli({ db: values.db, out, verbose: !values.quiet });
      console.log(`Site built into ${built} in ${seconds.toFixed(1)} s (view it with: tuition-impact serve --dir ${out}).`);
      if (values.pdf) {
        const { schoolPdfs } = await import("./site/pdf.ts");
        const pdfOut = values["pdf-out"] ?? join(dirname(resolve(out)), "school-pdfs");
        const packs = await reporter.stage("pdf", (progress) =>
          schoolPdfs({ site: built, out: pdfOut, progress: (done, total) => progress(`${done} of ${total} schools`, done, total) }),
        );
        console.log(`${packs.files.length} school PDFs (A4) written into ${packs.out} in ${packs.seconds.toFixed(1)} s.`);
      }
      return EXIT.ok;
    }
    case "audit": {
      const folder = rest[0];
      if (!folder) throw new UsageError("audit needs the release folder, e.g. tuition-impact audit output/return");
      const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
      if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1)) throw new UsageError("--threshold takes a whole number of 1 or more");
      const { auditRelease, formatBreach, summarise } = await import("./export/audit.ts");
      const result = await auditRelease(folder, { threshold, catalogueDir: values.catalogue });
      for (const b of result.breaches) console.log(formatBreach(b));
      console.log(summarise(result));
      return result.breaches.length === 0 ? EXIT.ok : EXIT.releaseRefused;
    }
    case "serve": {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port takes a port number (0-65535)");
      const { serve } = await import("./serve.ts");
      await serve(values.dir, port);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command "${command}"; try tuition-impact --help`);
  }
}

/** What a run published, for the officer to open next: one row per output, with its path. */
function publishedPaths(out: string): { output: string; path: string }[] {
  const dir = resolve(out);
  const returns = readdirSync(join(dir, "return")).sort();
  const rows = [
    ...returns.filter((f) => /^impact_(?!schools_)[^_]+_\d{6}\.csv$/.test(f)).map((f) => ({ output: "return", path: join(dir, "return", f) })),
    ...returns.filter((f) => f.endsWith(".xlsx")).map((f) => ({ output: "workbook", path: join(dir, "return", f) })),
    { output: "site data", path: join(dir, "tuition-impact.duckdb") },
    { output: "quarantine report", path: join(dir, "private", "quarantine.csv") },
  ];
  return rows;
}

function printSummary(result: RunResult) {
  if (result.report) {
    // Per file: rows read, loaded, quarantined and the top reasons; then the aliases used and
    // every unknown code value with the value_aliases block to paste (validate/report.ts).
    console.log(`\n${formatFiles(result.report)}`);
    for (const part of [formatAliasesApplied(result.report), formatUnknownValues(result.report)]) if (part) console.log(`\n${part}`);
  } else {
    console.log("\nRows per input file");
    console.log(textTable(result.files.map((f) => ({ ...f }))));
  }
  if (result.quarantineCsv) console.log(`\nQuarantine report (every quarantined row; private to the LA): ${result.quarantineCsv}`);
  if (result.quarantine.length) {
    console.log("\nQuarantined rows by rule");
    console.log(textTable(result.quarantine));
  }
  console.log("\nTime per stage");
  console.log(textTable(result.timings.map((t) => ({ stage: t.stage, seconds: Number(t.seconds.toFixed(2)) }))));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (thrown: unknown) => {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const code = exitCodeFor(error);
    console.error(`tuition-impact: ${error.message}`);
    if (code === EXIT.internalError) {
      if (process.env.DEBUG) console.error(error.stack);
      console.error("(an unexpected error: run again with DEBUG=1 for details, and report it with that output)");
    }
    process.exit(code);
  },
);
