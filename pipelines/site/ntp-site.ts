// The report site has pages for the 2009 one-to-one programme only: built from an ntp run's
// database it would show empty 2009 sections worded for one-to-one tuition and ten-hour places
// (programmes.md §4 asks for route and group-size sections and no such wording). Until the
// site has its ntp pages, `site` refuses an ntp database with a sentence, before building.
import { Db } from "../core/db.ts";
import { readRunContext } from "../core/run-context.ts";
import { InputError } from "../ingest/errors.ts";

export async function refuseNtpSite(database: string): Promise<void> {
  const db = await Db.open(database, { access_mode: "READ_ONLY" });
  let programme: string | undefined;
  try {
    programme = (await readRunContext(db))?.programme;
  } finally {
    db.close();
  }
  if (programme === "ntp")
    throw new InputError(
      database,
      'was built by a run of programme "ntp" (the National Tutoring Programme), and the report site has pages for the 2009 one-to-one programme only so far. The ntp release is the run\'s return folder (return/: the LA and schools files, workbook and data guidance); no site was built.',
    );
}
