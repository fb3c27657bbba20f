// Generator-side UPN check letters (DfE "A guide to the UPN"): characters 2-13 are
// weighted 2..13, a letter in position 13 (temporary UPN) counts as its index in the
// 23-letter alphabet below, and the sum modulo 23 indexes that alphabet. Kept apart from
// the ingest's validator on purpose, so that tests compare two independent implementations.

export const UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";

/** Check letter for the 12 characters after it (11 digits + a digit or a letter). */
export function upnCheckLetter(body: string): string {
  if (body.length !== 12) throw new Error(`UPN body must be 12 characters, got "${body}"`);
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = body[i];
    const v = ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 48 : UPN_LETTERS.indexOf(ch);
    if (v < 0) throw new Error(`"${ch}" cannot appear in a UPN`);
    sum += v * (i + 2);
  }
  return UPN_LETTERS[sum % 23];
}

/**
 * A UPN as the DfE structure has it: LA code (3), establishment (4), year of issue (2),
 * serial (3). A temporary UPN replaces the last digit by a letter; `serial` (0..999) is
 * spread over two digits and a letter so temporary numbers stay unique too.
 */
export function makeUpn(la: string, estab: string, yy: number, serial: number, temporary = false): string {
  const year = String(yy % 100).padStart(2, "0");
  const tail = temporary ? String(Math.floor(serial / 23)).padStart(2, "0") + UPN_LETTERS[serial % 23] : String(serial).padStart(3, "0");
  const body = la + estab + year + tail;
  return upnCheckLetter(body) + body;
}

/** The same UPN with a different (so wrong) check letter: a planted fault. */
export function withWrongCheckLetter(upn: string): string {
  const i = UPN_LETTERS.indexOf(upn[0]);
  return UPN_LETTERS[(i + 7) % 23] + upn.slice(1);
}
