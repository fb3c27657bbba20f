// An ntp school's page (src/schools/ntp-school.md): the school's published NTP delivery, cost and
// tutor rows (its member of schools.zip: whole school, route and group size rows of the latest
// year) beside the LA's (ntp-overview.json), and the questions a School Improvement Partner asks
// about NTP tuition, each followed by the school's figures. Labels from the metadata.
import { scope } from "./scope.js";
import { el, formatNumber, isSymbol, pick } from "./format.js";
import { dataTable } from "./table.js";
import { indicatorTable, labelOf, unitOf } from "./indicators.js";
import { expandSchool } from "./compact-rows.js";
import { ntpWords } from "./ntp.js";

const COMPARED = [
  "total_courses",
  "total_hours",
  "ntp_pupils",
  "average_hours_per_course",
  "pct_tutees_disadvantaged",
  "pct_hours_trained_tutor",
  "cost_gbp",
  "programme_funding_gbp",
  "school_contribution_gbp",
  "cost_per_tutee_gbp",
  "cost_per_pupil_hour_gbp",
];

export function ntpSchoolPage(compact, shared, urn) {
  const school = expandSchool(compact);
  const { tables, catalogue, run, inputs, layout } = shared;
  const w = ntpWords(layout);
  const s = scope(tables, run);
  const own = (mart) => w.inOrder((school.tables[mart] ?? []).filter((r) => r.time_period === s.timePeriod));
  const name = school.name ?? `School ${urn}`;
  const merged = (rows) => Object.assign({}, ...rows);
  // Whole-school (breakdown total) rows of every subject: delivery, cost and tutors together.
  const subjects = w.valuesOf([...own("ntp_delivery"), ...own("ntp_cost")], "subject");
  const mine = (subject) => merged(["ntp_delivery", "ntp_cost", "ntp_practice"].map((m) => pick(own(m), { subject })[0] ?? {}));
  const la = (subject) => merged(["ntp_delivery", "ntp_cost", "ntp_practice"].map((m) => pick(s.rows(m), { subject })[0] ?? {}));
  const value = (row, key) => (row[key] === undefined ? "–" : formatNumber(row[key], unitOf(catalogue, key)));
  const laNote = (row, key) => (row[key] === undefined || isSymbol(row[key]) ? "" : ` (LA: ${value(row, key)})`);

  function againstLa() {
    const rows = subjects.flatMap((subject) =>
      COMPARED.filter((key) => mine(subject)[key] !== undefined).map((key) => ({
        subject,
        indicator: labelOf(catalogue, key),
        school: mine(subject)[key],
        la: la(subject)[key],
        key,
      })),
    );
    return dataTable(rows, {
      caption: `${name} and the LA: NTP delivery, tutors and cost by subject, all routes`,
      filename: `ntp_school_${urn}_${s.timePeriod}.csv`,
      search: false,
      columns: [
        { key: "subject", label: "Subject" },
        { key: "indicator", label: "Figure" },
        { key: "school", label: "This school", format: (v, r) => formatNumber(v, unitOf(catalogue, r.key)) },
        { key: "la", label: "LA", format: (v, r) => formatNumber(v, unitOf(catalogue, r.key)) },
      ],
    });
  }

  function questions() {
    const t = mine("Total"),
      l = la("Total");
    const routes = own("ntp_delivery").filter((r) => r.subject === "Total" && r.breakdown === "route");
    const sizes = own("ntp_delivery").filter((r) => r.subject === "Total" && r.breakdown === "group_size");
    const list = (rows) => rows.map((r) => `${r.group_label} ${formatNumber(r.total_courses)}`).join(", ") || "none published";
    const items = [
      {
        q: "Which pupils were chosen for tutoring, and why?",
        a: `${value(t, "pct_tutees_disadvantaged")} of the school's tutees were disadvantaged${laNote(l, "pct_tutees_disadvantaged")}; ${value(t, "ntp_pupils")} pupils had NTP tuition hours.`,
      },
      {
        q: "Did pupils get a full package of about 15 hours?",
        a: `${value(t, "average_hours_per_course")} hours per course start on average${laNote(l, "average_hours_per_course")}, over ${value(t, "total_courses")} course starts.`,
      },
      { q: "Which routes and group sizes did the school use, and why those?", a: `Course starts by route: ${list(routes)}. By group size: ${list(sizes)}.` },
      {
        q: "Who tutored, and were they trained?",
        a: `On the school-led route, ${value(t, "pct_hours_trained_tutor")} of hours were by a trained tutor or a qualified teacher${laNote(l, "pct_hours_trained_tutor")}.`,
      },
      {
        q: "How was tutoring linked to classroom teaching, and what changed for the pupils?",
        a: "Not in the published figures: ask the school for its own evidence (its tests before and after, and what teachers noticed).",
      },
      {
        q: "What did it cost the school?",
        a: `Cost ${value(t, "cost_gbp")}, of which programme funding ${value(t, "programme_funding_gbp")} (an estimate) and the school's contribution ${value(t, "school_contribution_gbp")}; ${value(t, "cost_per_pupil_hour_gbp")} per attended pupil-hour${laNote(l, "cost_per_pupil_hour_gbp")}.`,
      },
    ];
    return el(
      "ol",
      { class: "questions" },
      items.map((i) => el("li", {}, el("strong", {}, i.q), el("p", {}, i.a))),
    );
  }

  function parts() {
    const keyFormats = { breakdown: (v) => w.breakdownLabel(v), group_label: (v, r) => w.groupLabel(r) };
    const blocks = [
      ["ntp_delivery", "the Department's NTP statistics"],
      ["ntp_cost", "cost and funding"],
      ["ntp_practice", "tutees and tutors"],
    ].map(([mart, caption]) =>
      own(mart).length
        ? indicatorTable(own(mart), catalogue, {
            caption: `${name}: ${caption} by subject, route and group size`,
            filename: `${mart}_${urn}_${s.timePeriod}.csv`,
            order: w.inOrder,
            keyFormats,
          })
        : null,
    );
    return el("div", {}, blocks.filter(Boolean).length ? blocks : el("p", { class: "muted" }, "No figures for this school in the published tables."));
  }

  return { name, run, inputs, againstLa, questions, parts };
}
