// The schools of the synthetic NTP LA (programmes.md §5): 120 schools, 5 special and 2
// alternative provision, the rest primary (NC 1–6) and secondary (NC 7–11), about 30 pupils
// a year group. Kept apart from geography.ts, whose draws the 2009 generator depends on.
import type { Rng } from "./prng.js";
import { NTP_DGP } from "./ntp-dgp.js";

export type NtpPhase = "primary" | "secondary" | "special" | "ap";

export interface NtpSchool {
  urn: string;
  laestab: string;
  la: string;
  name: string;
  phase: NtpPhase;
  academy: boolean;
  /** NC years taught, each with its number of pupils. */
  years: number[];
  yearSize: number[];
  disRate: number;
  ealRate: number;
  /** Contribution to the initial standardised score. */
  level: number;
  /** Propensity to tutor (logit scale). */
  sSelect: number;
}

export function makeNtpSchools(la: string, count: number, rng: Rng, names: string[]): NtpSchool[] {
  const S = NTP_DGP.schools;
  // The spec's 5 special and 2 AP in 120, in proportion for other sizes (at least one of each from 20 schools).
  const nSpecial = Math.max(count >= 20 ? 1 : 0, Math.round((count * S.special) / S.total));
  const nAp = Math.max(count >= 20 ? 1 : 0, Math.round((count * S.ap) / S.total));
  const nSecondary = Math.max(1, Math.round(count * S.secondary_share));
  const nPrimary = Math.max(1, count - nSpecial - nAp - nSecondary);
  const phases: NtpPhase[] = [
    ...Array<NtpPhase>(nPrimary).fill("primary"),
    ...Array<NtpPhase>(nSecondary).fill("secondary"),
    ...Array<NtpPhase>(nSpecial).fill("special"),
    ...Array<NtpPhase>(nAp).fill("ap"),
  ];
  const estabNext: Record<string, number> = { primary: 2001, secondary: 4001, special: 7001, ap: 1101, academy: 6901 };
  // Every school a number of its own: the kinds' ranges meet in a large LA (past about 100
  // academies, 6901 on reaches the special schools' 7001), and a pupil's UPN carries the number,
  // so two schools sharing one gave pupils the same UPN (976 pupils of a 400-school LA quarantined).
  const taken = new Set<number>();
  const estabOf = (kind: string): string => {
    let n = estabNext[kind];
    while (taken.has(n)) n++;
    if (n > 9999) throw new Error(`synth --programme ntp: ${count} schools need more than the four-digit establishment numbers`);
    taken.add(n);
    estabNext[kind] = n + 1;
    return String(n);
  };
  let urn = 200_000;
  let nameIx = Math.floor(rng.next() * names.length);
  return phases.map((phase) => {
    const academy = phase !== "ap" && rng.bool(phase === "secondary" ? 0.6 : 0.3);
    const estab = estabOf(academy ? "academy" : phase);
    const place = names[nameIx++ % names.length];
    const name =
      phase === "primary"
        ? `${place} Primary School`
        : phase === "secondary"
          ? `${place} ${academy ? "Academy" : "High School"}`
          : phase === "special"
            ? `${place} Special School`
            : `${place} Pupil Referral Unit`;
    const years = phase === "primary" ? [1, 2, 3, 4, 5, 6] : phase === "secondary" || phase === "ap" ? [7, 8, 9, 10, 11] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const range = phase === "special" ? S.special_per_year_group : phase === "ap" ? S.ap_per_year_group : S.pupils_per_year_group;
    const yearSize = years.map(() => rng.int(range[0], range[1]));
    const disRate = Math.min(0.7, Math.max(0.03, 0.25 * Math.exp(0.5 * rng.normal() - 0.125) * (phase === "ap" ? 2 : 1)));
    const ealRate = Math.min(0.8, Math.max(0, 0.16 * Math.exp(rng.normal() - 0.5)));
    urn += rng.int(1, 3);
    return {
      urn: String(urn),
      laestab: la + estab,
      la,
      name,
      phase,
      academy,
      years,
      yearSize,
      disRate,
      ealRate,
      level: -25 * (disRate - 0.25) + 3 * rng.normal(),
      sSelect: NTP_DGP.selection.sd_school * rng.normal(),
    };
  });
}
