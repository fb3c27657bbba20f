// The one file an LA edits: settings.json in its input folder. Validated here so a typo
// is reported as a sentence naming the setting, not as a stack trace three stages later.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { DATASETS } from "../ingest/datasets.ts";

const academicYear = z
  .string()
  .regex(/^\d{4}\/\d{2}$/, "write an academic year as 2009/10")
  .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), "the two years must be consecutive, e.g. 2009/10");

export const LocalAuthority = z.object({
  /** Old (three-digit) LA code, e.g. "919"; must match schools.la_code. No default. */
  old_code: z.string().regex(/^\d{3}$/, "old_code is the three-digit LA code, e.g. \"919\""),
  /** LA name as in the Department's lookups, e.g. "Hertfordshire". No default. */
  name: z.string().min(1),
  /** GSS code, e.g. "E10000015". No default. */
  gss_code: z.string().regex(/^E0[6-9]\d{6}$|^E10\d{6}$/, "gss_code is the LA's nine-character GSS code, e.g. E10000015"),
  /** Region GSS code and name, e.g. "E12000006", "East of England". No default. */
  region_code: z.string().regex(/^E12\d{6}$/, "region_code is a GSS region code, e.g. E12000006"),
  region_name: z.string().min(1),
});
export type LocalAuthority = z.infer<typeof LocalAuthority>;

export const Settings = z
  .object({
    /** The LA this run is for. Use `las` instead to run several LAs (national data). */
    la: LocalAuthority.optional(),
    /** Several LAs at once (national runs); each LA gets exactly its single-LA figures. */
    las: z.array(LocalAuthority).min(1).optional(),
    /** Academic years to analyse, e.g. ["2009/10"]. Default: every year that has tuition. */
    academic_years: z.array(academicYear).optional(),
    /** Tutor's hourly rate in pounds. Default 27. */
    tutor_hourly_rate_gbp: z.number().positive().default(27),
    /** Payment to the school per place tutored, in pounds. Default 100. */
    school_payment_per_place_gbp: z.number().nonnegative().default(100),
    /** Counts of pupils from 1 to threshold − 1 are suppressed. Default 5. */
    suppression_threshold: z.number().int().min(2).max(100).default(5),
    /** Extra header names per dataset: { "pupils": { "upn": ["Pupil UPN"] } }. Default none. */
    header_aliases: z.record(z.string(), z.record(z.string(), z.array(z.string()))).default({}),
    /**
     * The sheet to read in a dataset's .xlsx workbook, by name: { "pupils": "Census Spring 2010" }.
     * Default: the sheet named like the dataset, else the sheet whose header row matches the dataset best.
     */
    sheets: z.partialRecord(z.enum(DATASETS), z.string().trim().min(1, "give the sheet's name as Excel shows it on its tab")).default({}),
    /**
     * Raw values read as codes, per dataset and coded column, applied before validation (matched
     * ignoring case and surrounding spaces): { "tuition": { "entry_reason": { "Falling behind":
     * "falling_behind" } } }. Which columns, and what a code must be, is checked by validate. Default none.
     */
    value_aliases: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string()))).default({}),
    /** A file with a larger share of its rows quarantined refuses the run (0 to 1). Default 0.05. */
    max_quarantine_share: z.number().min(0, "max_quarantine_share is a share from 0 to 1, e.g. 0.05").max(1, "max_quarantine_share is a share from 0 to 1, e.g. 0.05").default(0.05),
    /** Date stamped on outputs (ISO), for reproducible builds. Default: now. */
    build_date: z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, "build_date is an ISO date, e.g. 2010-09-30").optional(),
  })
  .strict()
  .refine((s) => (s.la ? 1 : 0) + (s.las ? 1 : 0) === 1, "give exactly one of `la` (one LA) or `las` (several LAs)");
export type Settings = z.infer<typeof Settings>;

/** Settings with defaults resolved: the form every stage receives. */
export interface ResolvedSettings extends Omit<Settings, "la" | "las" | "build_date"> {
  las: LocalAuthority[];
  build_date: string;
}

export class SettingsError extends Error {}

export function parseSettings(raw: unknown, source = "settings.json"): ResolvedSettings {
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
    throw new SettingsError(`${source} is not valid:\n${lines.join("\n")}`);
  }
  const { la, las, build_date, ...rest } = parsed.data;
  return { ...rest, las: las ?? [la!], build_date: build_date ?? new Date().toISOString().slice(0, 10) };
}

export function loadSettings(path: string): ResolvedSettings {
  if (!existsSync(path)) throw new SettingsError(`No settings file at ${path}: copy demo/settings.example.json there and edit it.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new SettingsError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseSettings(raw, path);
}
