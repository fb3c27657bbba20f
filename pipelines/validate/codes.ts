// The coded columns of the input contract (inputs.md): which values each accepts, in the
// words a person needs to fix a file, and the common spellings exports use for them. Read by
// value_aliases (only these columns may be aliased, and only to a value accepted here) and by
// the unknown-values report (which suggests the closest code). The SQL of ./sql decides what
// is loaded; `valid` mirrors it so a pasted alias is checked before any row is read.
import type { Dataset } from "../ingest/datasets.ts";
import { FUNDING_SOURCES, ROUTES, TUTOR_TYPES } from "../core/ntp-rules.ts";
import { DEFAULT_PROGRAMME, NTP_ENTRY_REASONS, TA_CODES, type Programme } from "../core/programme.ts";

export interface CodedColumn {
  dataset: Dataset;
  column: string;
  /** The codes, as stg_* holds them, when the list is closed; null for a code checked by its shape. */
  codes: readonly string[] | null;
  /** What the column accepts, in words (the placeholder of a value with no good guess). */
  expect: string;
  /** Is this trimmed text accepted as it stands (case-insensitively)? Mirrors the validate SQL. */
  valid(text: string): boolean;
  /** Spellings in words seen in MIS exports, keyed by their normalised form (see `normalise`). */
  synonyms?: Record<string, string>;
  /** A column-specific reading tried before the general guesses (e.g. "Year 5" → 5). */
  read?(text: string): string | null;
}

/** Lower case, letters and digits only (plus * and +, which carry meaning in grades and SEN). */
export function normalise(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9*+]/g, "");
}

const FLAG_TRUE = ["Y", "YES", "TRUE", "1"];
const FLAG_FALSE = ["N", "NO", "FALSE", "0"];
const inList = (list: readonly string[]) => (text: string) => list.some((c) => c.toLowerCase() === text.toLowerCase());

function flag(dataset: Dataset, column: string, blank: string): CodedColumn {
  return {
    dataset,
    column,
    codes: ["Y", "N"],
    expect: `Y or N (Yes/No, TRUE/FALSE, 1/0 also work; ${blank})`,
    valid: inList([...FLAG_TRUE, ...FLAG_FALSE]),
    synonyms: { t: "Y", f: "N", eligible: "Y", noteligible: "N", ineligible: "N" },
  };
}

function closed(dataset: Dataset, column: string, codes: readonly string[], synonyms?: Record<string, string>): CodedColumn {
  return { dataset, column, codes, expect: `one of: ${codes.join("|")}`, valid: inList(codes), synonyms };
}

const SUBJECT_SYNONYMS = { mathematics: "maths", math: "maths", numeracy: "maths", ma: "maths", en: "english", eng: "english", literacy: "english" };
const NC_YEAR_CODES = ["R", ...Array.from({ length: 13 }, (_, i) => String(i + 1))];
const KEY_STAGE = (text: string) => text.toUpperCase().replace(/^(KS|KEY STAGE)\s*/, "");
const RESPONSE_LABELS = ["strongly disagree", "disagree", "agree", "strongly agree"];

/** Result text as ti_result_text reads it (macros.sql): no spaces, upper case, `Level 4`/`L4` → 4. */
const resultText = (text: string) =>
  text
    .replace(/ /g, "")
    .toUpperCase()
    .replace(/^(LEVEL|L)([1-8])/, "$2");

export const CODED_COLUMNS: readonly CodedColumn[] = [
  closed("schools", "phase", ["primary", "middle", "secondary", "special", "all-through"], {
    allthrough: "all-through",
    through: "all-through",
    infant: "primary",
    junior: "primary",
    firstschool: "primary",
  }),
  flag("schools", "academy", "blank = unknown"),
  flag("schools", "national_challenge", "blank = unknown"),
  flag("schools", "ecaw", "blank = unknown"),
  {
    dataset: "pupils",
    column: "nc_year",
    codes: NC_YEAR_CODES,
    expect: "R or 1 to 13",
    valid: (t) => t.toUpperCase() === "R" || (/^[+-]?\d{1,9}$/.test(t) && Number(t) >= 1 && Number(t) <= 13),
    synonyms: { reception: "R", rec: "R", yr: "R", yearr: "R", yearreception: "R" },
    read: (t) => {
      const m = /^(?:year|yr|y|nc ?year|ncy)\s*(\d{1,2})$/i.exec(t.trim());
      return m && Number(m[1]) >= 1 && Number(m[1]) <= 13 ? String(Number(m[1])) : null;
    },
  },
  closed("pupils", "gender", ["M", "F"], { male: "M", boy: "M", female: "F", girl: "F" }),
  flag("pupils", "fsm", "blank means N"),
  flag("pupils", "cla", "blank means N"),
  {
    dataset: "pupils",
    column: "first_language",
    codes: null,
    expect: "a CBDS language code such as ENG, ENB, OTH, POL",
    valid: (t) => /^[A-Za-z]{3,4}$/.test(t),
    synonyms: {
      english: "ENG",
      believedenglish: "ENB",
      other: "OTH",
      otherthanenglish: "OTH",
      believedother: "OTB",
      polish: "POL",
      bengali: "BEN",
      urdu: "URD",
      punjabi: "PNJ",
      somali: "SOM",
      turkish: "TUR",
      gujarati: "GUJ",
      arabic: "ARA",
      portuguese: "POR",
      tamil: "TAM",
      chinese: "CHI",
      french: "FRN",
      spanish: "SPA",
    },
  },
  closed("pupils", "sen", ["N", "A", "P", "S"], {
    none: "N",
    nosen: "N",
    nospecialeducationalneed: "N",
    nospecialeducationalneeds: "N",
    schoolaction: "A",
    sa: "A",
    schoolactionplus: "P",
    "sa+": "P",
    sap: "P",
    saplus: "P",
    statement: "S",
    statemented: "S",
    st: "S",
    statementofsen: "S",
  }),
  {
    dataset: "pupils",
    column: "ethnicity",
    codes: null,
    expect: "a 4-letter CBDS ethnicity code such as WBRI, ABAN, REFU",
    valid: (t) => /^[A-Za-z]{4}$/.test(t),
    synonyms: {
      whitebritish: "WBRI",
      whiteirish: "WIRI",
      travellerofirishheritage: "WIRT",
      gypsyroma: "WROM",
      anyotherwhitebackground: "WOTH",
      whiteandblackcaribbean: "MWBC",
      whiteandblackafrican: "MWBA",
      whiteandasian: "MWAS",
      anyothermixedbackground: "MOTH",
      indian: "AIND",
      pakistani: "APKN",
      bangladeshi: "ABAN",
      anyotherasianbackground: "AOTH",
      caribbean: "BCRB",
      blackcaribbean: "BCRB",
      african: "BAFR",
      blackafrican: "BAFR",
      anyotherblackbackground: "BOTH",
      chinese: "CHNE",
      anyotherethnicgroup: "OOTH",
      refused: "REFU",
      informationnotyetobtained: "NOBT",
      notobtained: "NOBT",
    },
  },
  closed("attainment", "subject", ["reading", "writing", "english", "maths"], SUBJECT_SYNONYMS),
  closed("attainment", "assessment", ["ks1", "ks2", "ks3", "ks4", "ta"], {
    keystage1: "ks1",
    keystage2: "ks2",
    keystage3: "ks3",
    keystage4: "ks4",
    gcse: "ks4",
    teacherassessment: "ta",
    app: "ta",
    assessingpupilsprogress: "ta",
  }),
  {
    dataset: "attainment",
    column: "result",
    codes: null,
    expect: "an NC level (W, 1c..8a, EP), P-scale (P1i..P8), GCSE grade (A*..G, U) or code A|B|D|N|T",
    valid: (t) => /^([1-8][ABC]?|W|EP|P[1-3](I|II)|P[4-8]|A\*|[A-GNTU])$/.test(resultText(t)),
    synonyms: { absent: "A", disapplied: "D", notawarded: "N", belowlevel: "B", belowleveloftest: "B", working: "W", workingtowards: "W" },
  },
  closed("tuition", "subject", ["english", "maths"], SUBJECT_SYNONYMS),
  closed("tuition", "allocation", ["core", "fsm", "cla", "ecaw"], {
    freeschoolmeals: "fsm",
    lookedafter: "cla",
    lookedafterchild: "cla",
    childlookedafter: "cla",
    incare: "cla",
    everychildawriter: "ecaw",
    standard: "core",
  }),
  closed("tuition", "entry_reason", ["below_expected_on_entry", "falling_behind", "looked_after"], {
    belowexpected: "below_expected_on_entry",
    belowexpectations: "below_expected_on_entry",
    belowexpectedlevel: "below_expected_on_entry",
    belowage: "below_expected_on_entry",
    belowagerelatedexpectations: "below_expected_on_entry",
    belowexpectedonentrytokeystage: "below_expected_on_entry",
    notmakingprogress: "falling_behind",
    fallenbehind: "falling_behind",
    cla: "looked_after",
    lookedafterchild: "looked_after",
    incare: "looked_after",
  }),
  flag("tuition", "itp_agreed", "blank = unknown"),
  flag("tuition", "mid_check", "blank = unknown"),
  flag("sessions", "in_school_day", "blank = unknown"),
  flag("sessions", "attended", "blank = unknown"),
  closed("viewpoints", "respondent", ["pupil", "parent", "teacher", "tutor"], {
    student: "pupil",
    child: "pupil",
    learner: "pupil",
    carer: "parent",
    parentcarer: "parent",
    guardian: "parent",
    school: "teacher",
    classteacher: "teacher",
  }),
  closed("viewpoints", "stage", ["pre", "post"], { before: "pre", start: "pre", baseline: "pre", after: "post", end: "post", exit: "post" }),
  {
    dataset: "viewpoints",
    column: "item",
    codes: null,
    expect: "an item code such as confidence, enjoyment, independence",
    valid: (t) => t.trim().length > 0,
  },
  {
    dataset: "viewpoints",
    column: "response",
    codes: ["1", "2", "3", "4", ...RESPONSE_LABELS],
    expect: "1 to 4, or one of: strongly disagree|disagree|agree|strongly agree",
    valid: (t) => RESPONSE_LABELS.includes(t.toLowerCase()) || (/^[+-]?\d{1,9}$/.test(t) && Number(t) >= 1 && Number(t) <= 4),
    synonyms: {
      stronglyagree: "4",
      agree: "3",
      disagree: "2",
      stronglydisagree: "1",
      agreestrongly: "4",
      disagreestrongly: "1",
      tendtoagree: "3",
      tendtodisagree: "2",
    },
  },
  {
    dataset: "allocations",
    column: "key_stage",
    codes: ["2", "3", "4"],
    expect: "2, 3 or 4",
    valid: (t) => ["2", "3", "4"].includes(KEY_STAGE(t)),
    read: (t) => {
      const m = /^(?:ks|key ?stage)\s*([234])\b/i.exec(t.trim());
      return m ? m[1] : null;
    },
  },
  closed("allocations", "subject", ["english", "maths"], SUBJECT_SYNONYMS),
];

/**
 * The coded columns of an ntp folder (programmes.md §2): the 2009 list with the columns whose
 * codes change replaced, and the new coded columns added. Mirrors the validate SQL's ti_ntp() branches.
 */
const NTP_CHANGES: readonly CodedColumn[] = [
  closed("schools", "phase", ["primary", "middle", "secondary", "special", "all-through", "ap"], {
    allthrough: "all-through",
    through: "all-through",
    infant: "primary",
    junior: "primary",
    firstschool: "primary",
    alternativeprovision: "ap",
    pru: "ap",
    pupilreferralunit: "ap",
  }),
  closed("pupils", "sen", ["N", "K", "E"], {
    none: "N",
    nosen: "N",
    nospecialeducationalneed: "N",
    nospecialeducationalneeds: "N",
    sensupport: "K",
    support: "K",
    ehcplan: "E",
    ehcp: "E",
    ehc: "E",
    educationhealthandcareplan: "E",
    statement: "E",
  }),
  flag("pupils", "fsm6", "blank means N"),
  flag("pupils", "pla", "blank means N"),
  flag("pupils", "pupil_premium", "blank = unknown"),
  closed("attainment", "assessment", ["ks1", "ks2", "ks4", "std", "ta"], {
    keystage1: "ks1",
    keystage2: "ks2",
    keystage4: "ks4",
    gcse: "ks4",
    standardised: "std",
    standardisedtest: "std",
    standardisedscore: "std",
    teacherassessment: "ta",
  }),
  {
    dataset: "attainment",
    column: "result",
    codes: null,
    expect:
      "a TA code (GDS, EXS, WTS, HNM, PKF, PK1..PK6, BLW, EM), P-scale, KS2 scaled score, GCSE grade 9..1/U/X, standardised score (98, <70) or code A|B|D|F|H|L|M|P|Q|T",
    // Any form some assessment accepts (which one applies is judged per row by the SQL).
    valid: (t) =>
      (TA_CODES as readonly string[]).includes(t.toUpperCase()) || /^([<>]?\d{1,3}(\.\d+)?|P[1-3](I|II)|P[4-8]|[ABDFHLMPQTUX])$/.test(resultText(t)),
    synonyms: { absent: "A", disapplied: "D", expected: "EXS", greaterdepth: "GDS", workingtowards: "WTS" },
  },
  closed("tuition", "subject", ["english", "maths", "science", "other"], { ...SUBJECT_SYNONYMS, sci: "science" }),
  closed("tuition", "entry_reason", NTP_ENTRY_REASONS, { pp: "disadvantaged", pupilpremium: "disadvantaged", belowexpected: "below_expected_standard" }),
  closed("tuition", "route", ROUTES, {
    tp: "tuition_partner",
    tuitionpartners: "tuition_partner",
    am: "academic_mentor",
    academicmentors: "academic_mentor",
    slt: "school_led",
    schoolledtutoring: "school_led",
    schoolled: "school_led",
  }),
  closed("tuition", "tutor_type", TUTOR_TYPES, { teacher: "qualified_teacher", qt: "qualified_teacher", ta: "teaching_assistant", tutor: "external_tutor" }),
  flag("tuition", "tutor_trained", "blank = unknown"),
  closed("tuition", "funding_source", FUNDING_SOURCES, { nationaltutoringprogramme: "ntp", pp: "pupil_premium", rp: "recovery_premium" }),
];

const NTP_CODED_COLUMNS: readonly CodedColumn[] = [
  ...CODED_COLUMNS.map((c) => NTP_CHANGES.find((n) => n.dataset === c.dataset && n.column === c.column) ?? c),
  ...NTP_CHANGES.filter((n) => !CODED_COLUMNS.some((c) => c.dataset === n.dataset && c.column === n.column)),
];

/** The coded columns of a programme profile. */
export function codedColumns(programme: Programme = DEFAULT_PROGRAMME): readonly CodedColumn[] {
  return programme === "ntp" ? NTP_CODED_COLUMNS : CODED_COLUMNS;
}

export function codedColumn(dataset: string, column: string, programme: Programme = DEFAULT_PROGRAMME): CodedColumn | undefined {
  return codedColumns(programme).find((c) => c.dataset === dataset && c.column === column);
}

/**
 * The closest accepted code to an unknown value, or null when there is no good guess: a known
 * spelling in words, the same letters ignoring case and punctuation, a code the value starts
 * with (or that starts with it), a code all of whose words the value has, then one or two typing slips (DuckDB's levenshtein, computed
 * by the caller and passed in as `distance`).
 */
export function suggestCode(col: CodedColumn, value: string, distance: (a: string, b: string) => number): string | null {
  const read = col.read?.(value);
  if (read) return read;
  const n = normalise(value);
  const synonym = col.synonyms?.[n];
  if (synonym) return synonym;
  const codes = col.codes ?? [];
  const exact = codes.find((c) => normalise(c) === n);
  if (exact) return exact;
  // Prefixes: "Core place" → core, "Falling" → falling_behind. Only codes of 3 letters or
  // more, so a one-letter code (SEN's S, gender's M) is never guessed from a first letter.
  const prefixed = unique(codes.filter((c) => normalise(c).length >= 3 && (n.startsWith(normalise(c)) || (n.length >= 4 && normalise(c).startsWith(n)))));
  if (prefixed) return prefixed;
  // Every word of a code of two words or more among the value's words:
  // "Below expected level on entry" → below_expected_on_entry, "Looked after child" → looked_after.
  const words = new Set(
    value
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean),
  );
  const covered = unique(
    codes.filter((c) => {
      const parts = c
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
      return parts.length >= 2 && parts.every((w) => words.has(w));
    }),
  );
  if (covered) return covered;
  if (n.length >= 4) {
    const scored = codes.filter((c) => normalise(c).length >= 3).map((c) => ({ c, d: distance(n, normalise(c)) }));
    const best = Math.min(...scored.map((s) => s.d));
    if (best <= Math.max(1, Math.floor(n.length / 4)) && best <= 2) return unique(scored.filter((s) => s.d === best).map((s) => s.c));
  }
  return null;
}

function unique(list: string[]): string | null {
  return list.length === 1 ? list[0] : null;
}

/** The placeholder pasted when there is no good guess: the officer replaces it. */
export function placeholder(col: CodedColumn): string {
  return `<${col.expect}>`;
}
