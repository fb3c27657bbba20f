// Unique Pupil Numbers, by the Department's published check-letter algorithm ("Unique
// Pupil Numbers (UPN): a guide for schools and local authorities", DfE):
//   a UPN is 13 characters: a check letter, 11 digits (LA code, establishment, year,
//   serial), and a 13th character that is a digit, or a letter in a temporary UPN;
//   characters 2..13 are weighted by their position (2..13), letters taking their value
//   in the table A=0 B=1 ... Z=22 (no I, O or S); the sum mod 23 indexes the same table
//   to give the check letter.
// The same algorithm runs in SQL for bulk validation (sql/macros.sql, ti_upn_check_letter);
// test/upn.test.ts holds the two to agreement.
//
// Case: inputs.md says values are trimmed and codes matched case-insensitively, and no
// UPN letter is ambiguous in lower case, so a lower-case UPN is upper-cased and accepted
// (the loaded value is always upper case). The quarantine is for rows we cannot use.
export const UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

const SHAPE = /^[A-HJ-NPQRT-Z]\d{11}[0-9A-HJ-NPQRT-Z]$/;

export type UpnStatus = "ok" | "temporary" | "bad_upn" | "bad_upn_check_letter";

/** The check letter for the 12 characters after it, or null if any is not a digit or table letter. */
export function upnCheckLetter(rest: string): string | null {
  if (rest.length !== 12) return null;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = rest[i];
    const value = ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 48 : UPN_LETTERS.indexOf(ch);
    if (value < 0) return null;
    sum += value * (i + 2);
  }
  return UPN_LETTERS[sum % 23];
}

export function checkUpn(raw: string): { upn: string; status: UpnStatus } {
  const upn = raw.trim().toUpperCase();
  if (!SHAPE.test(upn)) return { upn, status: "bad_upn" };
  if (upnCheckLetter(upn.slice(1)) !== upn[0]) return { upn, status: "bad_upn_check_letter" };
  return { upn, status: /[A-Z]$/.test(upn) ? "temporary" : "ok" };
}

/** Builds a valid UPN from its last 12 characters (for synthetic data and tests). */
export function withCheckLetter(rest: string): string {
  const letter = upnCheckLetter(rest);
  if (!letter) throw new Error(`"${rest}" is not 12 UPN characters`);
  return letter + rest;
}
