// Geography lookups the screener checks code/name pairs against (ees-rules.md rule 49). The
// Department's full lists live in dfe-published-data-qa data/*.csv; we keep the countries, the
// nine regions, and the LAs this tool has been used with. A run's own LAs (settings.las) are
// added at screening time, so a synthetic LA passes when its settings give its codes.

export interface LaLookup {
  old_code: string;
  gss_code: string;
  name: string;
  region_code: string;
  region_name: string;
}

export const COUNTRIES: ReadonlyMap<string, string> = new Map([
  ["E92000001", "England"],
  ["K02000001", "United Kingdom"],
  ["K03000001", "Great Britain"],
  ["K04000001", "England and Wales"],
  ["N92000002", "Northern Ireland"],
  ["S92000003", "Scotland"],
  ["W92000004", "Wales"],
]);

export const REGIONS: ReadonlyMap<string, string> = new Map([
  ["E12000001", "North East"],
  ["E12000002", "North West"],
  ["E12000003", "Yorkshire and The Humber"],
  ["E12000004", "East Midlands"],
  ["E12000005", "West Midlands"],
  ["E12000006", "East of England"],
  ["E12000007", "London"],
  ["E12000008", "South East"],
  ["E12000009", "South West"],
]);

const EAST = ["E12000006", "East of England"] as const;
const row = (old_code: string, gss_code: string, name: string, [region_code, region_name]: readonly [string, string]): LaLookup => ({
  old_code,
  gss_code,
  name,
  region_code,
  region_name,
});

export const KNOWN_LAS: readonly LaLookup[] = [
  row("919", "E10000015", "Hertfordshire", EAST),
  row("881", "E10000012", "Essex", EAST),
  row("873", "E10000003", "Cambridgeshire", EAST),
  row("926", "E10000020", "Norfolk", EAST),
  row("935", "E10000029", "Suffolk", EAST),
  row("821", "E06000032", "Luton", EAST),
  row("822", "E06000055", "Bedford", EAST),
  row("823", "E06000056", "Central Bedfordshire", EAST),
  row("874", "E06000031", "Peterborough", EAST),
  row("882", "E06000033", "Southend-on-Sea", EAST),
  row("883", "E06000034", "Thurrock", EAST),
  row("886", "E10000016", "Kent", ["E12000008", "South East"]),
  row("805", "E06000001", "Hartlepool", ["E12000001", "North East"]),
  row("202", "E09000007", "Camden", ["E12000007", "London"]),
  row("330", "E08000025", "Birmingham", ["E12000005", "West Midlands"]),
  row("352", "E08000003", "Manchester", ["E12000002", "North West"]),
];

/** Names allowed with code `z` (ees-rules.md rule 49). */
export const Z_CODE_NAMES = new Set([
  "Not applicable",
  "Unknown",
  "Outside of England",
  "Outside of the United Kingdom",
  "Outside of England and unknown",
  "Outside of the United Kingdom and unknown",
]);

/** The LA lookup keyed `new|name|old`, extended by the run's own LAs. */
export function laLookup(extra: readonly { old_code: string; gss_code: string; name: string }[] = []): Set<string> {
  return new Set([...KNOWN_LAS, ...extra].map((l) => `${l.gss_code}|${l.name}|${l.old_code}`));
}
