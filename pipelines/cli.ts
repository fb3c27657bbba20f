// tuition-impact: the command line. Each command is a thin shell over a pipeline module;
// failures end with one sentence a person can act on and a non-zero exit code.
import { parseArgs } from "node:util";
import { makeReporter, textTable } from "./core/progress.ts";
import { SettingsError } from "./core/settings.ts";
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
  tuition-impact synth [--scale la|national] [--seed N] [--out DIR] [--faults] [--schools N]
      Writes synthetic input files (never real pupils) with planted effects and a truth.json.
  tuition-impact combine <return.csv>... [--out DIR] [--settings FILE]
      Screens LA returns, refuses mixed years or conflicting duplicates, stacks them and
      adds National rows where that is valid.
  tuition-impact serve [--dir DIR] [--port N]
      Serves the built site (default dist/) on 127.0.0.1 for viewing.

Options:
  --out DIR         output folder (run: default "output"; synth: default "demo/generated";
                    combine: default "output/national")
  --settings FILE   settings file (default <folder>/settings.json); see docs/settings.md.
                    combine: its LAs are accepted beside the Department's LA lookup
  --scale la|national   synth: one LA of about 500 schools (default) or 152 LAs
  --seed N          synth: random seed (default 1); the same seed gives identical files
  --faults          synth: plant a known number of bad rows of each kind (listed in truth.json)
  --schools N       synth: total number of schools (smaller data for tests)
  --quiet           no progress output
  --help            this text

Outputs of run (in --out):
  tuition-impact.duckdb   the database: every table from raw inputs to published figures
  return/                 impact_<la>_<period>.csv + .meta.csv, schools file, workbook, data-guidance.md
  private/                quarantine.csv and pupil-level lists for the officer; never published
Exit code 0 on success, 1 on a problem with the inputs or settings, 2 on a usage error.`;

class UsageError extends Error {}

/** parseArgs, with its complaints (unknown option, missing value) turned into usage errors. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        settings: { type: "string" },
        scale: { type: "string", default: "la" },
        seed: { type: "string", default: "1" },
        faults: { type: "boolean", default: false },
        schools: { type: "string" },
        dir: { type: "string", default: "dist" },
        port: { type: "string", default: "3000" },
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
      const { runPipeline } = await import("./run.ts");
      const result = await runPipeline({
        input,
        out: values.out ?? "output",
        settingsPath: values.settings,
        reporter,
        dryRun: command === "validate",
      });
      printSummary(result);
      if (command === "validate") console.log("\nDry run: nothing was published; the only file written is the quarantine report.");
      else console.log(`\nDatabase: ${result.database}`);
      return 0;
    }
    case "synth": {
      const { synthesise } = await import("./synth/index.ts");
      if (values.scale !== "la" && values.scale !== "national") throw new UsageError("--scale is la or national");
      const seed = Number(values.seed);
      if (!Number.isInteger(seed)) throw new UsageError("--seed takes a whole number");
      const out = values.out ?? "demo/generated";
      const summary = await reporter.stage("synth", (progress) =>
        synthesise(
          {
            scale: values.scale as "la" | "national",
            seed,
            out,
            faults: values.faults,
            schools: values.schools ? Number(values.schools) : undefined,
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
      const { combine } = await import("./export/combine.ts");
      const { loadSettings } = await import("./core/settings.ts");
      // LAs named in settings (e.g. synthetic ones) join the Department's lookup for the screener.
      const las = values.settings ? loadSettings(values.settings).las : undefined;
      const result = await combine(rest, values.out ?? "output/national", { las });
      console.log(`Combined ${rest.length} returns into ${result.files.join(", ")}`);
      return 0;
    }
    case "serve": {
      const { serve } = await import("./serve.ts");
      await serve(values.dir, Number(values.port));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"; try tuition-impact --help`);
  }
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
  (error: Error) => {
    const known = error instanceof SettingsError || error.name === "InputError" || error.name === "ReturnCheckError" || error.name === "CombineError";
    if (error instanceof UsageError) {
      console.error(`tuition-impact: ${error.message}`);
      process.exit(2);
    }
    console.error(`tuition-impact: ${error.message}`);
    if (!known && process.env.DEBUG) console.error(error.stack);
    if (!known) console.error("(an unexpected error: run again with DEBUG=1 for details, and report it with that output)");
    process.exit(1);
  },
);
