// The order in which the report lists subjects, breakdowns and groups: the return's own order
// (outputs.md §1), never alphabetical by internal name. The return's filter columns come in the
// order of pipelines/export/layout.ts (FILTERS, BREAKDOWNS, SUBJECT_ORDER) and each filter's values
// in the order of the pipeline's vocabulary (int_group_labels.sql: the GSS order for ethnicity).
// A browser component cannot import the pipeline's TypeScript, so the lists are repeated here;
// test/site-words.test.ts fails if they ever differ from the pipeline's.

export const SUBJECT_ORDER = ["English", "Mathematics", "Total"];

/** `total` first, then the filter columns of the return in its column order. */
export const BREAKDOWN_ORDER = [
  "total",
  "fsm_status",
  "cla_status",
  "first_language",
  "sex",
  "sen_provision",
  "ethnicity_major",
  "key_stage",
  "prior_attainment",
];

/** Each filter's values in the vocabulary's order (the overall row, Total, comes first). */
export const GROUP_ORDER = {
  total: ["Total"],
  fsm_status: ["FSM eligible", "Not known to be FSM eligible"],
  cla_status: ["Looked after", "Not looked after"],
  first_language: ["Known or believed to be English", "Known or believed to be other than English", "Unknown"],
  sex: ["Female", "Male"],
  sen_provision: ["No SEN provision", "School Action", "School Action Plus", "Statement"],
  ethnicity_major: [
    "White",
    "Mixed / Multiple ethnic groups",
    "Asian / Asian British",
    "Black / African / Caribbean / Black British",
    "Other ethnic group",
    "Unknown",
  ],
  key_stage: ["Key stage 2", "Key stage 3", "Key stage 4"],
  prior_attainment: ["Well below expected", "Below expected", "At or above expected", "Unknown"],
};

/** Viewpoint respondents in the order inputs.md lists them. */
export const RESPONDENT_ORDER = ["pupil", "parent", "teacher", "tutor"];

// Unknown values go after the known ones, in their own (text) order, so a new group is shown, not lost.
const position = (list, value) => {
  const i = list.indexOf(value);
  return i === -1 ? list.length : i;
};

function compareText(a, b) {
  const sa = String(a ?? ""),
    sb = String(b ?? "");
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Compares two published rows: subject, then breakdown, then group, each in the report's order. */
export function compareRows(a, b) {
  return (
    position(SUBJECT_ORDER, a.subject) - position(SUBJECT_ORDER, b.subject) ||
    compareText(SUBJECT_ORDER.includes(a.subject) ? "" : a.subject, SUBJECT_ORDER.includes(b.subject) ? "" : b.subject) ||
    position(BREAKDOWN_ORDER, a.breakdown) - position(BREAKDOWN_ORDER, b.breakdown) ||
    compareText(BREAKDOWN_ORDER.includes(a.breakdown) ? "" : a.breakdown, BREAKDOWN_ORDER.includes(b.breakdown) ? "" : b.breakdown) ||
    position(GROUP_ORDER[a.breakdown] ?? [], a.group_label) - position(GROUP_ORDER[b.breakdown] ?? [], b.group_label) ||
    compareText(a.group_label, b.group_label)
  );
}

/** A sorted copy of published rows in the report's order (the input is left as it is). */
export function inReportOrder(rows) {
  return [...(rows ?? [])].sort(compareRows);
}

/** Viewpoint rows: respondents in inputs.md's order, then items as the rows give them. */
export function inRespondentOrder(rows) {
  return [...(rows ?? [])].sort(
    (a, b) => position(RESPONDENT_ORDER, a.breakdown) - position(RESPONDENT_ORDER, b.breakdown) || compareText(a.breakdown, b.breakdown),
  );
}
