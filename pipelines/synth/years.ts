// Later academic years for the synthetic LA (issue 19, trends): `synth --years N` makes N
// consecutive years, 2009/10 then 2010/11 ..., with the same schools and the same pupils moving
// up a year. The generator's score process is built around 2009/10, so a later year k is that
// process run again (its own random stream) with every date k years on, written through
// LaterYearWriters, which turns each generated pupil into the pupil who really is in that NC year
// in year k: the one of the same school and serial who was k NC years below in 2009/10 (the
// same UPN, so a pupil's history runs on across the years, as in an LA's real files). A pupil
// with no such predecessor (a new entrant) gets the UPN their cohort and serial give. Rows dated
// before 1 September of year k are dropped: that history is already in the files, written by the
// earlier years. The pupil's characteristics are the generated ones of that year (FSM, SEN and
// the like do change from year to year; sex and ethnicity here may too, a simplification).
import type { CsvWriter } from "./csv-writer.js";
import { makeUpn } from "./upn-make.js";
import type { School } from "./geography.js";
import type { Writers } from "./pupils.js";

/** The first academic year the generator makes. */
export const FIRST_YEAR = 2009;

/** `2009/10` for k = 0, `2010/11` for k = 1, ... */
export function academicYearLabel(k: number): string {
  const y = FIRST_YEAR + k;
  return `${y}/${String((y + 1) % 100).padStart(2, "0")}`;
}

/** An ISO date moved on by k calendar years (29 February, should one occur, becomes the 28th). */
export function shiftDate(iso: string, k: number): string {
  if (k === 0 || iso === "") return iso;
  const y = Number(iso.slice(0, 4)) + k;
  let md = iso.slice(4);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (md === "-02-29" && !leap) md = "-02-28";
  return `${y}${md}`;
}

/**
 * The UPNs of 2009/10 that the fresh-UPN rule cannot rebuild (temporary ones, whose letter the
 * generator drew at random), keyed by school, cohort (2009 − NC year) and serial.
 */
export class UpnRegister {
  private readonly temporary = new Map<string, string>();

  /** Reads 2009/10 pupils as they are written (wrap the pupils writer of year 0). */
  wrap(pupils: CsvWriter, schools: Map<string, School>): CsvWriter {
    const serials = new Map<string, number>();
    const register = this.temporary;
    return proxy(pupils, (line) => {
      const [upn, , urn, nc] = line.split(",");
      const y = nc === "R" ? 0 : Number(nc);
      const key = `${urn}|${y}`;
      const serial = serials.get(key) ?? 0;
      serials.set(key, serial + 1);
      const school = schools.get(urn);
      // A 2009/10 UPN the cohort rule would not give back (temporary) is kept to be reused.
      if (school && upn !== makeUpn(school.la, school.laestab.slice(3), FIRST_YEAR - y, serial)) register.set(`${urn}|${FIRST_YEAR - y}|${serial}`, upn);
      return line;
    });
  }

  /** The UPN of the pupil of this school, cohort and serial. */
  upn(school: School, cohort: number, serial: number): string {
    return this.temporary.get(`${school.urn}|${cohort}|${serial}`) ?? makeUpn(school.la, school.laestab.slice(3), cohort, serial);
  }
}

/** Writers for year k ≥ 1: every row the 2009/10 process writes, rewritten as a row of year k. */
export function laterYearWriters(w: Writers, k: number, schools: Map<string, School>, register: UpnRegister): Writers {
  const year = academicYearLabel(k);
  const from = `${FIRST_YEAR + k}-09-01`;
  // Generated UPN → the UPN of the pupil in year k (per school: generated UPNs repeat across passes only).
  const upns = new Map<string, string>();
  const serials = new Map<string, number>();
  let lastUrn = "";
  const pupils = proxy(w.pupils, (line) => {
    const f = line.split(",");
    const [generated, , urn, nc] = f;
    if (urn !== lastUrn) {
      upns.clear();
      serials.clear();
      lastUrn = urn;
    }
    const y = nc === "R" ? 0 : Number(nc);
    const serial = serials.get(nc) ?? 0;
    serials.set(nc, serial + 1);
    const upn = register.upn(schools.get(urn)!, FIRST_YEAR + k - y, serial);
    upns.set(generated, upn);
    f[0] = upn;
    f[1] = year;
    return f.join(",");
  });
  const upnOf = (generated: string) => {
    const upn = upns.get(generated);
    if (upn === undefined) throw new Error(`synth --years: a row for ${generated} came before its census row`);
    return upn;
  };
  const attainment = proxy(w.attainment, (line) => {
    const f = line.split(",");
    const date = shiftDate(f[3], k);
    if (date < from) return null; // history before year k: already written by an earlier year
    f[0] = upnOf(f[0]);
    f[3] = date;
    return f.join(",");
  });
  const tuition = proxy(w.tuition, (line) => {
    const f = line.split(",");
    f[1] = upnOf(f[1]);
    f[3] = year;
    f[6] = shiftDate(f[6], k);
    f[7] = shiftDate(f[7], k);
    return f.join(",");
  });
  const sessions = proxy(w.sessions, (line) => {
    const f = line.split(",");
    f[1] = shiftDate(f[1], k);
    return f.join(",");
  });
  return { pupils, attainment, tuition, sessions, viewpoints: w.viewpoints };
}

/**
 * A writer that passes each row through `rewrite` (null drops it). Only the columns above are
 * rewritten, and none of these files' rows holds free text, so splitting on commas is safe.
 */
function proxy(target: CsvWriter, rewrite: (line: string) => string | null): CsvWriter {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === "push") {
        return (line: string) => {
          const out = rewrite(line);
          return out === null ? t.line : t.push(out);
        };
      }
      const v = Reflect.get(t, prop, receiver);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}
