// Time checks: "Precheck time" (R/precheck_time_period_num.R, precheck_time_id_valid.R,
// precheck_time_id_mix.R) and "Check time" (R/check_time_period.R, R/check_time_period_six.R).
// The R checks work on distinct values; the findings here name the rows holding them.
import { FOUR_DIGIT_IDS, SIX_DIGIT_IDS, TIME_ID_GROUPS } from "./reference.ts";
import { fail, pass, quoted, rowFindings, type CheckResult, type DataTable } from "./table.ts";

const PERIOD = /^\d{4}(\d{2})?$/;

/** Ports precheck_time_period_num(): every time_period is a 4 or 6 digit number. */
export function precheckTimePeriodNum(data: DataTable): CheckResult {
  const bad = data.distinct("time_period").filter((v) => !PERIOD.test(v));
  if (bad.length === 0) return pass("time_period_num", "The time_period column only contains numeric values.");
  const isBad = data.test((v) => !PERIOD.test(v));
  return fail(
    "time_period_num",
    `The following invalid time_period value${bad.length > 1 ? "s were" : " was"} found in the data file: ${quoted(bad)}, time_period must always be either a 4 or 6 digit number.`,
    rowFindings(data, "time_period", isBad, (v) => `time_period '${v}' must be YYYY or YYYYzz (e.g. 200910).`),
  );
}

const ALL_IDS = new Set(TIME_ID_GROUPS.flat());

/** Ports precheck_time_id_valid(): every time_identifier is one EES accepts. */
export function precheckTimeIdValid(data: DataTable): CheckResult {
  const bad = data.distinct("time_identifier").filter((v) => !ALL_IDS.has(v));
  if (bad.length === 0) return pass("time_id_valid", "The time_identifier values are all valid.");
  const message =
    bad.length === 1 && bad[0] === ""
      ? "At least one of the time_identifier values is blank or missing."
      : `The following invalid time_identifier${bad.length > 1 ? "s were" : " was"} found: ${quoted([...bad].sort())}.`;
  return fail(
    "time_id_valid",
    message,
    rowFindings(
      data,
      "time_identifier",
      data.test((v) => !ALL_IDS.has(v)),
      (v) => `time_identifier '${v}' is not an EES time identifier (e.g. Academic year).`,
    ),
  );
}

/**
 * Ports precheck_time_id_mix(): every time_identifier belongs to the group of the first one in
 * the file (terms together, months together, …; each kind of year alone).
 */
export function precheckTimeIdMix(data: DataTable): CheckResult {
  const ids = data.distinct("time_identifier");
  const base = ids[0];
  const group = TIME_ID_GROUPS.find((g) => g.includes(base)) ?? [];
  if (!ids.every((v) => group.includes(v))) {
    return fail(
      "time_id_mix",
      `The datafile is mixing incompatible time identifiers. Allowable values with '${base}' present, are: ${quoted(group)}.`,
      rowFindings(
        data,
        "time_identifier",
        data.test((v) => !group.includes(v)),
        (v) => `time_identifier '${v}' cannot be mixed with '${base}'.`,
      ),
    );
  }
  return pass("time_id_mix", ids.length === 1 ? "There is only one time_identifier value in the data." : "The time_identifier values are mixed appropriately.");
}

/** Ports check_time_period(): period lengths fit the first time_identifier (4 digits for years/months/weeks, 6 for the rest). */
export function checkTimePeriod(data: DataTable): CheckResult {
  const base = data.distinct("time_identifier")[0] ?? "";
  const width = FOUR_DIGIT_IDS.has(base) ? 4 : SIX_DIGIT_IDS.has(base) ? 6 : undefined;
  const bad = data.test((v) => width !== undefined && [...v].length !== width);
  if (width !== undefined && data.distinctIds("time_period").some(bad)) {
    return fail(
      "time_period",
      `The time_period length for '${base}' must always be a ${width === 4 ? "four" : "six"} digit number.`,
      rowFindings(data, "time_period", bad, (v) => `time_period '${v}' has the wrong number of digits for '${base}'.`),
    );
  }
  return pass("time_period", "The time_period length matches the time_identifier values in the data file.");
}

/** Ports check_time_period_six(): a six digit period names two consecutive years (199900 too). */
export function checkTimePeriodSix(data: DataTable): CheckResult {
  const six = data.distinct("time_period").filter((v) => v.length === 6);
  if (six.length === 0) return pass("time_period_six", "There are no six digit time_period values in the file.");
  const consecutive = (v: string) => {
    const a = Number(v.slice(2, 4));
    const b = Number(v.slice(4, 6));
    return (a === 99 && b === 0) || a + 1 === b;
  };
  if (six.every(consecutive)) return pass("time_period_six", "The six digit time_period values refer to consecutive years.");
  return fail(
    "time_period_six",
    "When the time period is six digits, the years must be consecutive such as 201920.",
    rowFindings(
      data,
      "time_period",
      data.test((v) => v.length === 6 && !consecutive(v)),
      (v) => `time_period '${v}' is not two consecutive years (e.g. 200910).`,
    ),
  );
}
