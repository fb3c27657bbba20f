// The officer's list of an ntp run's programme-rule breaches (programmes.md §2): every loaded
// tuition row that breaks a rule of the National Tutoring Programme, with the rule and why, so
// the LA can take each up with its school. The rows load and count (mart_ntp_data_quality
// counts them); the list names pupils, so it goes to private/ only, like the 2009 lists.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Db, literal } from "../core/db.ts";

const NEUTRALISE = (col: string) =>
  `case when regexp_matches(${col}, '^[=+\\-@\\t\\r]') and not regexp_full_match(${col}, '-?[0-9]+(\\.[0-9]+)?') then '''' || ${col} else ${col} end`;

/** Writes programme_breaches.csv into `dir`; returns the file names written. */
export async function writeNtpPrivateOutputs(db: Db, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const file = "programme_breaches.csv";
  await db.run(`copy (
    select t.academic_year, s.la_code, t.urn, ${NEUTRALISE("s.school_name")} as school_name, t.tuition_id, t.upn, t.subject, t.route,
      b.file, b.line, b."column", ${NEUTRALISE("b.value")} as value, b.rule, ${NEUTRALISE("b.message")} as message
    from programme_breaches b
    join stg_tuition t on t._file = b.file and t._line = b.line
    left join (select distinct on (urn) urn, la_code, school_name from stg_schools order by urn) s on s.urn = t.urn
    order by t.academic_year, s.la_code, t.urn, b.file, b.line, b.rule
  ) to ${literal(join(dir, file))} (header, delimiter ',')`);
  return [file];
}
