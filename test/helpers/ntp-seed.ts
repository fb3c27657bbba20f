// One seed of an ntp planted-effect test: a synthetic ntp LA (`synth --programme ntp`), loaded and
// validated as a run would, with only the impact models the test reads fitted; the callback reads
// the database beside the seed's truth.json, then the database and the files are removed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Db } from "../../pipelines/core/db.ts";
import { loadSettings } from "../../pipelines/core/settings.ts";
import { ingest } from "../../pipelines/ingest/index.ts";
import { buildNtpImpactMart, type NtpModelSelection } from "../../pipelines/measures/ntp-impact.ts";
import { synthesise } from "../../pipelines/synth/index.ts";
import { transformNtp } from "../../pipelines/transform/ntp.ts";
import { validate } from "../../pipelines/validate/index.ts";

export async function withNtpSeed<T>(
  seed: number,
  schools: number,
  manifest: NtpModelSelection,
  // biome-ignore lint/suspicious/noExplicitAny: truth.json as synth writes it; each test reads its own fields
  read: (db: Db, truth: any) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `ntp-planted-${seed}-`));
  // One DuckDB thread, as every database the tests open (vitest.config.ts, TUITION_THREADS).
  const db = await Db.open(":memory:");
  try {
    await synthesise({ scale: "la", out: dir, programme: "ntp", seed, schools }, () => {});
    const settings = loadSettings(join(dir, "settings.json"));
    await ingest(db, dir, settings, () => {});
    await validate(db, settings);
    await transformNtp(db, settings);
    await buildNtpImpactMart(db, settings, manifest);
    return await read(db, JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
