// The tutoring programme a run evaluates (shared/spec/programmes.md §1): the 2009 one-to-one
// programme, whose inputs are those of inputs.md, or the National Tutoring Programme. The
// profile decides which columns are read, which codes are accepted and which rules apply; it
// lives in its own module because settings, ingest and validate all need it and settings.ts
// already imports the dataset declarations.

export const PROGRAMMES = ["one_to_one_2009", "ntp"] as const;
export type Programme = (typeof PROGRAMMES)[number];

/** The profile of a folder whose settings do not name one (programmes.md §1: also when absent). */
export const DEFAULT_PROGRAMME: Programme = "one_to_one_2009";

// The NTP's years, routes, tutor types and funding sources are in ntp-rules.ts, beside the
// counting and funding rules that use them.

export const NTP_ENTRY_REASONS = ["disadvantaged", "below_expected_standard", "other"] as const;

/** Range of a standardised test whose name settings.ntp.standardised_tests does not give (programmes.md §2, choice). */
export const DEFAULT_STANDARDISED_RANGE = { min: 55, max: 145 } as const;

/** Teacher-assessment codes (KS1 framework, pre-key-stage standards, engagement model), programmes.md §2. */
export const TA_CODES = ["GDS", "EXS", "WTS", "HNM", "PKF", "PK1", "PK2", "PK3", "PK4", "PK5", "PK6", "BLW", "EM"] as const;
