// Local authorities and schools. Hertfordshire keeps its real codes (the demo LA); every
// other LA and every school name is invented.
import { Rng } from "./prng.js";
import type { LocalAuthority } from "../core/settings.js";
import { REGIONS as ENGLISH_REGIONS } from "../export/geography.js";

// the nine English regions, in code order (E12000001 North East … E12000009 South West), as the
// screener knows them
const REGIONS: [string, string][] = [...ENGLISH_REGIONS];

export const HERTFORDSHIRE: LocalAuthority = {
  old_code: "919",
  name: "Hertfordshire",
  gss_code: "E10000015",
  region_code: "E12000006",
  region_name: "East of England",
};

const STEMS = [
  "Ash",
  "Oak",
  "Elm",
  "Birch",
  "Hazel",
  "Willow",
  "Beech",
  "Holly",
  "Rowan",
  "Alder",
  "Maple",
  "Cedar",
  "Thorn",
  "Bramble",
  "Heather",
  "Fern",
  "Mill",
  "Brook",
  "Kings",
  "Queens",
  "Abbots",
  "Bishops",
  "Church",
  "Market",
  "Nether",
  "Upper",
  "Wood",
  "Green",
  "Stone",
  "Broad",
  "Red",
  "White",
  "Gold",
  "Silver",
  "Meadow",
  "Orchard",
  "Marsh",
  "Hollin",
  "Fair",
  "Bright",
  "Wey",
  "Stour",
  "Tam",
  "Cran",
  "Lark",
  "Swan",
  "Kestrel",
  "Heron",
  "Wren",
  "Lin",
  "Har",
  "Ald",
];
const ENDINGS = [
  "field",
  "wood",
  "ford",
  "ley",
  "ton",
  "bury",
  "well",
  "mead",
  "croft",
  "hurst",
  "dene",
  "gate",
  "side",
  "lands",
  "brook",
  "moor",
  "worth",
  "by",
  "ham",
  "stead",
  "holme",
  "cote",
  "combe",
  "wick",
  "thorpe",
  "bridge",
];

/** Unique invented place names, in a seeded order. */
export function placeNames(rng: Rng): string[] {
  const names: string[] = [];
  for (const s of STEMS) for (const e of ENDINGS) names.push(s + e);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  return names;
}

function codeRanges(): number[] {
  const out: number[] = [];
  const add = (a: number, b: number) => {
    for (let c = a; c <= b; c++) out.push(c);
  };
  add(201, 213);
  add(301, 320);
  add(330, 344);
  add(350, 359);
  add(370, 373);
  add(380, 384);
  add(390, 394);
  add(800, 941);
  return out.filter((c) => c !== 919);
}

/** `n` LAs: Hertfordshire first, then n - 1 invented ones with plausible codes. */
export function makeLas(n: number, rng: Rng): LocalAuthority[] {
  const codes = codeRanges();
  if (n - 1 > codes.length) throw new Error(`At most ${codes.length + 1} LAs can be generated, asked for ${n}`);
  for (let i = codes.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [codes[i], codes[j]] = [codes[j], codes[i]];
  }
  const chosen = codes.slice(0, n - 1).sort((a, b) => a - b);
  const names = placeNames(rng);
  const las: LocalAuthority[] = [HERTFORDSHIRE];
  chosen.forEach((code, i) => {
    const london = code < 330;
    const metropolitan = code >= 330 && code < 400;
    const county = !london && !metropolitan && rng.bool(0.2);
    const region = london
      ? REGIONS[6]
      : metropolitan
        ? rng.pick([REGIONS[0], REGIONS[1], REGIONS[2], REGIONS[4]])
        : rng.pick([REGIONS[0], REGIONS[1], REGIONS[2], REGIONS[3], REGIONS[4], REGIONS[5], REGIONS[7], REGIONS[8]]);
    const type = london ? "9" : metropolitan ? "8" : county ? "10" : "6";
    const gss = type === "10" ? `E10${"9" + String(code).padStart(5, "0")}` : `E0${type}9${String(code).padStart(5, "0")}`;
    const base = names[i];
    const name = london ? `${base} (London)` : county ? `${base}shire` : base;
    las.push({ old_code: String(code), name, gss_code: gss, region_code: region[0], region_name: region[1] });
  });
  las.sort((a, b) => a.old_code.localeCompare(b.old_code));
  return las;
}

export type Phase = "primary" | "middle" | "secondary" | "special" | "all-through";

export interface School {
  urn: string;
  laestab: string;
  la: string;
  name: string;
  phase: Phase;
  academy: boolean;
  nationalChallenge: boolean;
  ecaw: boolean;
  /** NC years taught (0 = Reception). */
  years: number[];
  /** Pupils per year group, before the size override. */
  yearSize: number[];
  fsmRate: number;
  ealRate: number;
  /** School's contribution to initial attainment (points). */
  level: number;
  /** Random tuition-effect deviation (points; DGP.impact.sd_w_school). */
  wEffect: number;
  /** Random school propensity to use tuition (logit scale). */
  sSelect: number;
}

const PRIMARY_KINDS = [
  "Primary School",
  "JMI School",
  "Church of England Primary School",
  "Catholic Primary School",
  "Junior School",
  "Primary and Nursery School",
];
const SECONDARY_KINDS = ["School", "High School", "Community College", "Upper School", "Catholic School", "Girls' School", "Boys' School"];

/**
 * Schools of one LA. `count` schools in realistic proportions (about 81% primary, 15%
 * secondary, 4% special; middle schools in a few LAs), with the programme's flags. Year
 * groups average about 375 pupils a school, so 20,000 schools hold about 7.5 million.
 */
export function makeSchools(la: string, count: number, rng: Rng, nextUrn: () => string, names: string[], hasMiddle: boolean): School[] {
  const schools: School[] = [];
  const nSpecial = Math.max(count >= 20 ? 1 : 0, Math.round(count * 0.04));
  const nSecondary = Math.max(1, Math.round(count * 0.15));
  const nAllThrough = count >= 200 ? Math.round(count * 0.004) : 0;
  const nMiddle = hasMiddle ? Math.round(count * 0.06) : 0;
  const nPrimary = Math.max(1, count - nSpecial - nSecondary - nAllThrough - nMiddle);
  const phases: Phase[] = [
    ...Array<Phase>(nPrimary).fill("primary"),
    ...Array<Phase>(nMiddle).fill("middle"),
    ...Array<Phase>(nSecondary).fill("secondary"),
    ...Array<Phase>(nAllThrough).fill("all-through"),
    ...Array<Phase>(nSpecial).fill("special"),
  ].slice(0, Math.max(count, 1));
  const estabNext: Record<string, number> = { primary: 2001, middle: 3001, secondary: 4001, "all-through": 4801, special: 7001, academy: 6901 };
  let nameIx = Math.floor(rng.next() * names.length);
  for (const phase of phases) {
    const secondaryLike = phase === "secondary" || phase === "all-through";
    const academy = secondaryLike && rng.bool(0.07);
    const nationalChallenge = secondaryLike && rng.bool(0.13);
    const ecaw = (phase === "primary" || phase === "middle") && rng.bool(0.1);
    const estab = String(estabNext[academy ? "academy" : phase]++);
    const place = names[nameIx++ % names.length];
    let name: string;
    if (phase === "primary") name = `${place} ${rng.pick(PRIMARY_KINDS)}`;
    else if (phase === "middle") name = `${place} Middle School`;
    else if (phase === "special") name = `${place} ${rng.pick(["School", "Special School", "Centre for Learning"])}`;
    else if (academy) name = `${place} Academy`;
    else name = `${place} ${rng.pick(SECONDARY_KINDS)}`;
    // A few names carry a comma, as real ones do, so readers must honour CSV quoting.
    if (rng.bool(0.01)) name = `${place}, St ${rng.pick(["Mary's", "John's", "Peter's", "Andrew's"])} ${phase === "primary" ? "Primary School" : "School"}`;
    let years: number[];
    let yearSize: number[];
    if (phase === "primary") {
      years = [0, 1, 2, 3, 4, 5, 6];
      const forms = rng.weighted([
        [1, 0.45],
        [1.5, 0.15],
        [2, 0.3],
        [3, 0.1],
      ] as const);
      yearSize = years.map(() => Math.max(6, Math.round(forms * 30 * (0.6 + 0.2 * rng.next()))));
    } else if (phase === "middle") {
      years = [5, 6, 7, 8];
      const forms = rng.int(3, 6);
      yearSize = years.map(() => Math.round(forms * 30 * (0.64 + 0.16 * rng.next())));
    } else if (phase === "special") {
      years = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
      yearSize = years.map(() => rng.int(4, 14));
    } else {
      const forms = rng.int(5, 10);
      const sixth = rng.bool(0.7);
      years = phase === "all-through" ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] : [7, 8, 9, 10, 11, ...(sixth ? [12, 13] : [])];
      yearSize = years.map((y) => {
        const full = Math.round(forms * 30 * (0.68 + 0.12 * rng.next()));
        return y >= 12 ? Math.round(full * 0.55) : y <= 6 ? Math.round(full * 0.3) : full;
      });
    }
    const fsmRate = Math.min(0.6, Math.max(0.01, 0.15 * Math.exp(0.6 * rng.normal() - 0.18)));
    const ealRate = Math.min(0.85, Math.max(0.0, 0.15 * Math.exp(1.0 * rng.normal() - 0.5)));
    schools.push({
      urn: nextUrn(),
      laestab: la + estab,
      la,
      name,
      phase,
      academy,
      nationalChallenge,
      ecaw,
      years,
      yearSize,
      fsmRate,
      ealRate,
      level: -12 * (fsmRate - 0.15) + 1.5 * rng.normal(),
      wEffect: 0.5 * rng.normal(),
      sSelect: 0.3 * rng.normal(),
    });
  }
  return schools;
}
