// The stages of an input validate has accepted: transform → measures → publish → export → audit,
// into the run's database and its staging folder (return/, private/), which run.ts swaps into
// place once every stage has passed. run.ts loads this module only then, so a dry run (`validate`)
// or a refused input never loads the models and the release's writers.
import { join } from "node:path";
import { type Db, ident } from "./core/db.ts";
import type { Reporter } from "./core/progress.ts";
import { programmeOf, type ResolvedSettings } from "./core/settings.ts";
import { assertReleaseClean, canariesFromDb } from "./export/audit.ts";
import { NTP_CATALOGUE_DIR } from "./export/catalogue.ts";
import { publish } from "./export/disclosure.ts";
import { writeNtpPrivateOutputs } from "./export/ntp-private.ts";
import { writePrivateOutputs } from "./export/private.ts";
import { writeReturn } from "./export/return.ts";
import { buildDescriptiveMarts } from "./measures/descriptive.ts";
import { buildEvidenceMart } from "./measures/evidence.ts";
import { buildImpactMarts } from "./measures/impact.ts";
import { buildNtpDataQualityMart, buildNtpMarts, buildNtpPracticeMart } from "./measures/ntp.ts";
import { buildNtpImpactMart } from "./measures/ntp-impact.ts";
import { buildProgrammeMarts } from "./measures/programme.ts";
import { defineGroupLabel, runModelFiles, transform } from "./transform/index.ts";
import { transformNtp } from "./transform/ntp.ts";
import { writeQuarantineReport } from "./validate/index.ts";

/** Every stage after validate, each timed by `reporter`; the release is written under `staging`. */
export async function buildRelease(db: Db, settings: ResolvedSettings, reporter: Reporter, staging: string): Promise<void> {
  // An ntp run builds what its profile has so far: §13 delivery, §14 cost and the data-quality
  // reading of the programme's rules (programmes.md). The 2009 models would misread its scales,
  // codes and years, so they are not run, and its release holds the NTP marts only.
  const ntp = programmeOf(settings) === "ntp";
  await reporter.stage("transform", async () => {
    if (ntp)
      await transformNtp(db, settings); // the run context and the ntp int_* models
    else await transform(db, settings);
  });
  await reporter.stage("measures", async () => {
    if (ntp) {
      await buildNtpMarts(db, settings);
      await buildNtpDataQualityMart(db);
      await buildNtpPracticeMart(db);
      await buildNtpImpactMart(db, settings); // §3 on the Standardised score: published for the site (catalogue level none)
      return;
    }
    // The impact models beside the descriptive marts, on a second connection (Db.sideBySide): they
    // read the same tables and write different ones. Demo LA: measures 4.6-5.1 s -> 3.9-4.2 s.
    await db.sideBySide(
      async (main) => {
        await buildDescriptiveMarts(main, settings);
        await buildProgrammeMarts(main, settings);
      },
      async (side) => {
        // the transform's temp macro and view the models read, made again on this connection
        await defineGroupLabel(side);
        await runModelFiles(side, ["int_pupil_groups"]);
        await buildImpactMarts(side, settings);
      },
    );
    await buildEvidenceMart(db); // reads mart_impact and mart_balance
  });
  await reporter.stage("publish", () => publish(db, settings, ntp ? { catalogueDir: NTP_CATALOGUE_DIR } : {}));
  await reporter.stage("export", async () => {
    await writeReturn(db, settings, join(staging, "return"));
    await writePrivateOutputs(db, join(staging, "private"));
    if (ntp) await writeNtpPrivateOutputs(db, join(staging, "private"));
    await writeQuarantineReport(db, join(staging, "private", "quarantine.csv"));
  });
  await dropScratchTables(db);
  // The release is audited as it will be published (outputs.md §2), with the run's own tutor
  // ids and comments as canaries: a breach refuses it here, before anything is swapped in.
  await reporter.stage("audit", async () =>
    assertReleaseClean(join(staging, "return"), "the return", {
      threshold: settings.suppression_threshold,
      canaries: await canariesFromDb(db),
      database: db,
      ...(ntp ? { catalogueDir: NTP_CATALOGUE_DIR } : {}),
    }),
  );
}

/**
 * Drops the run's scratch (its temp tables and views, never written to its file) once the release
 * is written: nothing reads them after export, and the audit's tables share their memory limit.
 */
async function dropScratchTables(db: Db): Promise<void> {
  const scratch = await db.all<{ name: string; kind: string }>(
    `select view_name as name, 'view' as kind from duckdb_views() where temporary and not internal
     union all select table_name, 'table' from duckdb_tables() where temporary`,
  );
  for (const { name, kind } of scratch.sort((a, b) => b.kind.localeCompare(a.kind))) await db.run(`drop ${kind} if exists ${ident(name)}`);
}
