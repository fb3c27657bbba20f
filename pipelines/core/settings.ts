// The one file an LA edits: settings.json in its input folder. Validated here so a typo
// is reported as a sentence naming the setting, not as a stack trace three stages later.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { DATASETS } from "../ingest/datasets.ts";
import { DEFAULT_HOURLY_COST_GBP, NTP_YEARS, ROUTES } from "./ntp-rules.ts";
import { DEFAULT_PROGRAMME, PROGRAMMES, type Programme } from "./programme.ts";

const academicYear = z
  .string()
  .regex(/^\d{4}\/\d{2}$/, "write an academic year as 2009/10")
  .refine((y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)), "the two years must be consecutive, e.g. 2009/10");

export const LocalAuthority = z.object({
  /** Old (three-digit) LA code, e.g. "919"; must match schools.la_code. No default. */
  old_code: z.string().regex(/^\d{3}$/, 'old_code is the three-digit LA code, e.g. "919"'),
  /** LA name as in the Department's lookups, e.g. "Hertfordshire". No default. */
  name: z.string().min(1),
  /** GSS code, e.g. "E10000015". No default. */
  gss_code: z.string().regex(/^E0[6-9]\d{6}$|^E10\d{6}$/, "gss_code is the LA's nine-character GSS code, e.g. E10000015"),
  /** Region GSS code and name, e.g. "E12000006", "East of England". No default. */
  region_code: z.string().regex(/^E12\d{6}$/, "region_code is a GSS region code, e.g. E12000006"),
  region_name: z.string().min(1),
});
export type LocalAuthority = z.infer<typeof LocalAuthority>;

/** One cell of the NTP funding table (programmes.md §1): the programme's share of cost, and whether the cost counted is capped. */
const SubsidyCellSetting = z
  .object({
    share: z.number().min(0, "share is the programme's share of cost, from 0 to 1").max(1, "share is the programme's share of cost, from 0 to 1"),
    capped: z.boolean({ error: "capped is true (cost counted up to £18 a pupil-hour, £47 in special and AP schools) or false" }),
  })
  .strict();

/** Year → route → cell; years and routes are checked in profileProblems, so a wrong key is named even when its cell is wrong too. */
const SubsidyShareSetting = z.record(z.string(), z.record(z.string(), SubsidyCellSetting));

/** Settings of the `ntp` profile only (programmes.md §1–§2). */
export const NtpSettings = z
  .object({
    /** A place is full with at least this many attended hours over its courses. Default 12. */
    full_course_hours: z.number().positive().default(12),
    /** A standardised score at or above this is "not below average". Default 85. */
    expected_standardised_score: z.number().positive().default(85),
    /** Cost of a tutor-hour per route where a tuition row leaves hourly_cost_gbp blank. Defaults 45, 25, 30 (choice). */
    hourly_cost_gbp: z
      .object({
        tuition_partner: z.number().nonnegative().default(DEFAULT_HOURLY_COST_GBP.tuition_partner),
        academic_mentor: z.number().nonnegative().default(DEFAULT_HOURLY_COST_GBP.academic_mentor),
        school_led: z.number().nonnegative().default(DEFAULT_HOURLY_COST_GBP.school_led),
      })
      .strict()
      .prefault({}),
    /** Cells of the year × route funding table to override: { "2022/23": { "school_led": { "share": 0.6, "capped": true } } }. */
    subsidy_share: SubsidyShareSetting.default({}),
    /** Range of each standardised test by its test_name: { "NGRT": { "min": 69, "max": 141 } }. Default 55 to 145. */
    standardised_tests: z
      .record(
        z.string().trim().min(1, "a test's name is the test_name its attainment rows give"),
        z
          .object({ min: z.number(), max: z.number() })
          .strict()
          .refine((r) => r.min < r.max, "min must be below max"),
      )
      .default({}),
  })
  .strict();
export type NtpSettings = z.infer<typeof NtpSettings>;

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
    max_quarantine_share: z
      .number()
      .min(0, "max_quarantine_share is a share from 0 to 1, e.g. 0.05")
      .max(1, "max_quarantine_share is a share from 0 to 1, e.g. 0.05")
      .default(0.05),
    /** The programme evaluated: "one_to_one_2009" (default) or "ntp" (programmes.md §1). */
    programme: z.string().optional(),
    /** Settings of the ntp profile (programmes.md §1–§2). */
    ntp: NtpSettings.optional(),
    /** Date stamped on outputs (ISO), for reproducible builds. Default: now. */
    build_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, "build_date is an ISO date, e.g. 2010-09-30")
      .optional(),
  })
  .strict()
  .refine((s) => (s.la ? 1 : 0) + (s.las ? 1 : 0) === 1, "give exactly one of `la` (one LA) or `las` (several LAs)");
export type Settings = z.infer<typeof Settings>;

/** Settings with defaults resolved: the form every stage receives. */
export interface ResolvedSettings extends Omit<Settings, "la" | "las" | "build_date" | "programme"> {
  las: LocalAuthority[];
  build_date: string;
  /** As given; absent means the 2009 programme (read it with programmeOf). Kept absent so a 2009 folder's recorded settings are unchanged. */
  programme?: Programme;
}

/** The programme profile of a run (programmes.md §1): one_to_one_2009 unless the settings say ntp. */
export function programmeOf(settings: Pick<ResolvedSettings, "programme">): Programme {
  return settings.programme ?? DEFAULT_PROGRAMME;
}

/** Settings that belong to the 2009 programme only (programmes.md §2). */
const ONE_TO_ONE_ONLY = ["tutor_hourly_rate_gbp", "school_payment_per_place_gbp"] as const;

/**
 * A setting of the other profile, an unknown programme, or an ntp year outside 2020/21–2023/24
 * stops the run (programmes.md §2). Judged on the file as written: the 2009 settings have
 * defaults, so only a key the officer wrote is refused.
 */
function profileProblems(raw: unknown): string[] {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return [];
  const given = raw as Record<string, unknown>;
  const programme = given.programme;
  if (programme !== undefined && !(PROGRAMMES as readonly unknown[]).includes(programme))
    return [
      `programme: ${JSON.stringify(programme)} is not a programme; write "one_to_one_2009" (the 2009 one-to-one programme, the default) or "ntp" (the National Tutoring Programme)`,
    ];
  const problems: string[] = [];
  if (programme === "ntp") {
    for (const key of ONE_TO_ONE_ONLY)
      if (key in given)
        problems.push(
          `${key}: belongs to the 2009 one-to-one programme, not to programme "ntp"; remove it (an ntp course costs its hourly_cost_gbp, else ntp.hourly_cost_gbp of its route)`,
        );
    const years = Array.isArray(given.academic_years) ? given.academic_years : [];
    for (const [i, year] of years.entries())
      if (typeof year === "string" && !(NTP_YEARS as readonly string[]).includes(year))
        problems.push(`academic_years.${i}: ${year} is not a year of the National Tutoring Programme, which ran 2020/21 to 2023/24`);
    const table = (given.ntp as { subsidy_share?: unknown } | undefined)?.subsidy_share;
    if (table && typeof table === "object")
      for (const [year, routes] of Object.entries(table)) {
        if (!(NTP_YEARS as readonly string[]).includes(year))
          problems.push(`ntp.subsidy_share.${year}: ${year} is not a year of the National Tutoring Programme (2020/21 to 2023/24)`);
        for (const r of Object.keys(routes && typeof routes === "object" ? routes : {}))
          if (!(ROUTES as readonly string[]).includes(r)) problems.push(`ntp.subsidy_share.${year}.${r}: ${r} is not an NTP route (${ROUTES.join(", ")})`);
      }
  } else if ("ntp" in given) {
    problems.push(
      `ntp: settings of the National Tutoring Programme, but programme is ${programme === undefined ? "not given, so one_to_one_2009" : "one_to_one_2009"}; set "programme": "ntp" or remove the ntp block`,
    );
  }
  return problems;
}

export class SettingsError extends Error {}

export function parseSettings(raw: unknown, source = "settings.json"): ResolvedSettings {
  const parsed = Settings.safeParse(raw);
  const profile = profileProblems(raw);
  if (!parsed.success || profile.length) {
    const lines = [
      ...profile.map((p) => `  - ${p}`),
      // The profile's sentence about programme replaces zod's plainer one.
      ...(parsed.error?.issues ?? [])
        .filter((i) => !(profile.length && i.path[0] === "programme"))
        .map((i) => `  - ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`),
    ];
    throw new SettingsError(`${source} is not valid:\n${lines.join("\n")}`);
  }
  const { la, las, build_date, programme, ntp, ...rest } = parsed.data;
  const resolved: ResolvedSettings = { ...rest, las: las ?? [la!], build_date: build_date ?? new Date().toISOString().slice(0, 10) };
  // Only an ntp run carries the ntp block (with its defaults); a 2009 run's settings stay as before.
  if (programme === "ntp") Object.assign(resolved, { programme, ntp: ntp ?? NtpSettings.parse({}) });
  else if (programme !== undefined) resolved.programme = programme as Programme;
  return resolved;
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
