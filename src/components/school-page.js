// A school's page (src/schools/school.md): every block it shows, built here once. Framework inlines
// a page's own code into its HTML, so with ~500 school pages the page's 16 KB of code was 8 MB of
// the demo LA's site; kept in this module, the browser fetches (and caches) it once for all of them.
import { scope } from "./scope.js";
import { el, formatNumber, pick, withCi } from "./format.js";
import { dataTable, figure, symbolLegend } from "./table.js";
import { forestPlot, prePost, usedVsFunded } from "./charts.js";
import { indicatorTable, labelOf, unitOf } from "./indicators.js";
import { itemLabel, respondentLabel } from "./labels.js";
import { funnelPosition, verdictSentence, verdictSummary } from "./verdict.js";
import { schoolFunnel } from "./funnel.js";
import { questionList, schoolQuestions } from "./questions.js";
import { expandSchool } from "./compact-rows.js";

const SUBJECTS = ["English", "Mathematics"];
const SUBJECT = { English: "English", Mathematics: "Maths" };
const POSITION_WORDS = {
  above: "Above the LA's tutees",
  below: "Below the LA's tutees",
  within: "Within the funnel's limits",
  "too-few": "Too few tutees to say",
};
const DELIVERY = [
  "places",
  "places_funded",
  "pct_funded_places_used",
  "courses",
  "mean_hours",
  "pct_full_places",
  "attendance_rate",
  "pct_sessions_60min",
  "pct_itp_agreed",
  "pct_mid_check",
  "pct_targets_met",
  "tutors",
];
const TITLE = {
  attainment: "Attainment and progress",
  delivery: "Delivery",
  value: "Value for money",
  viewpoints: "Viewpoints",
  school_progress: "Comparison with the LA's tutees",
  targeting: "Targeting",
};
const VIEWPOINT_KEYS = {
  keyLabels: { breakdown: "Who answered", group_label: "Statement" },
  keyFormats: { breakdown: (v) => respondentLabel(v), group_label: (v) => itemLabel(v) },
};

/**
 * The page's blocks for one school. `compact` is the school's file (src/data/schools.zip.ts),
 * `shared` the LA's file every school page reads (src/data/school-la.json.ts), `resize` Framework's
 * (charts are drawn at the width they are given).
 */
export function schoolPage(compact, shared, urn, resize) {
  const school = expandSchool(compact);
  const { tables, catalogue, run, inputs } = shared;
  const s = scope(tables, run);
  const own = (mart) => (school.tables[mart] ?? []).filter((r) => r.time_period === s.timePeriod);
  const name = school.name ?? `School ${urn}`;
  const subjects = SUBJECTS;
  // Whole-cohort rows by subject: the school's own, and the LA's it is compared with.
  const bySubject = (rows) => Object.fromEntries(subjects.map((subject) => [subject, pick(rows, { subject })[0]]));
  const mine = bySubject(own("school_progress"));
  const myAttainment = bySubject(own("attainment"));
  const myDelivery = bySubject(own("delivery"));
  const laAttainment = bySubject(s.rows("attainment").filter((r) => r.urn == null));
  const laDelivery = bySubject(s.rows("delivery").filter((r) => r.urn == null));
  const allSchools = s.rows("school_progress").filter((r) => r.urn != null);
  const csv = (what) => `school_${urn}_${what}.csv`;

  function verdict() {
    return el("div", {}, [
      el("p", { class: "verdict-summary" }, el("strong", {}, verdictSummary(mine))),
      el(
        "ul",
        { class: "verdict" },
        subjects.map((subject) => el("li", {}, verdictSentence(mine[subject], { subject, who: name }))),
      ),
    ]);
  }

  function funnels() {
    return el(
      "div",
      { class: "grid grid-cols-2 school-funnels" },
      subjects.map((subject) => {
        const rows = allSchools.filter((r) => r.subject === subject);
        const me = mine[subject];
        const plotted = funnelPosition(me).position !== "too-few";
        return el(
          "div",
          { class: "card" },
          el("h3", {}, SUBJECT[subject]),
          figure(
            resize((width) => schoolFunnel(rows, me, { width, subject })),
            {
              description: `${SUBJECT[subject]}: every school's adjusted progress against its number of tutees, with 95% (dashed) and 99.8% (solid) limits around the LA's tutees' mean; this school ${plotted ? "is the larger, labelled dot, with its 95% confidence interval" : "is not plotted (too few tutees to publish its figures)"}.`,
              rows: me ? [me] : [],
              columns: [
                { key: "subject", label: "Subject" },
                { key: "adj_tutees", label: "Tutees in the model" },
                { key: "adjusted_progress", label: "Adjusted progress (points)" },
                { key: "adjusted_ci_low", label: "Lower 95% CI" },
                { key: "adjusted_ci_high", label: "Upper 95% CI" },
                { key: "funnel_centre", label: "LA's tutees' mean (points)" },
                { key: "funnel_95_low", label: "Funnel 95% lower limit" },
                { key: "funnel_95_high", label: "Funnel 95% upper limit" },
              ],
              filename: csv(`funnel_${subject.toLowerCase()}`),
            },
          ),
        );
      }),
    );
  }

  function againstLa() {
    // Two intervals per subject: the school's adjusted progress with its 95% CI, and the LA's tutees'
    // mean with the range the funnel allows a school of this many tutees (its 95% limits).
    const against = subjects.flatMap((subject) => {
      const r = mine[subject] ?? {};
      return [
        { subject, who: "This school's tutees (95% CI)", est: r.adjusted_progress, lo: r.adjusted_ci_low, hi: r.adjusted_ci_high },
        { subject, who: "LA's tutees (range for this many tutees)", est: r.funnel_centre, lo: r.funnel_95_low, hi: r.funnel_95_high },
      ];
    });
    const progressRows = subjects.map((subject) => {
      const r = mine[subject] ?? {};
      return {
        subject: SUBJECT[subject],
        n_tutees: r.adj_tutees ?? "–",
        school: r.adj_mean_progress ?? "–",
        la: laAttainment[subject]?.mean_progress_t ?? "–",
        adjusted: withCi(r.adjusted_progress ?? "–", r.adjusted_ci_low, r.adjusted_ci_high),
        centre: r.funnel_centre ?? "–",
        position: POSITION_WORDS[funnelPosition(mine[subject]).position],
      };
    });
    return el("div", {}, [
      figure(
        resize((width) =>
          forestPlot(against, {
            width,
            estimate: "est",
            low: "lo",
            high: "hi",
            label: (d) => d.who,
            facet: (d) => SUBJECT[d.subject],
            xLabel: "Adjusted progress (points)",
            zeroLabel: "0 = as similar untutored pupils",
            description: `${name}'s tutees' adjusted progress against the LA's tutees`,
          }),
        ),
        {
          description:
            "Adjusted progress of this school's tutees (95% CI) beside the LA's tutees' mean and the funnel's 95% range for a school with this many tutees, by subject.",
          rows: progressRows,
          columns: [
            { key: "subject", label: "Subject" },
            { key: "n_tutees", label: "Tutees in the model" },
            { key: "school", label: "School's tutees: mean progress (points)" },
            { key: "la", label: "LA's tutees: mean progress (points)" },
            { key: "adjusted", label: "Adjusted progress (95% CI)" },
            { key: "centre", label: "LA's tutees: mean adjusted progress" },
            { key: "position", label: "Against the LA's tutees" },
          ],
          filename: csv("progress"),
        },
      ),
      dataTable(progressRows, {
        caption: "Progress of this school's tutees against the LA's tutees (points)",
        search: false,
        filename: csv("progress"),
        columns: [
          { key: "subject", label: "Subject" },
          { key: "n_tutees", label: "Tutees in the model" },
          { key: "school", label: "School's tutees: mean progress" },
          { key: "la", label: "LA's tutees: mean progress" },
          { key: "adjusted", label: "Adjusted progress (95% CI)" },
          { key: "position", label: "Against the LA's tutees" },
        ],
      }),
    ]);
  }

  function questions() {
    const list = schoolQuestions({
      subjects,
      attainment: myAttainment,
      delivery: myDelivery,
      progress: mine,
      viewpoints: own("viewpoints"),
      laAttainment,
      laDelivery,
    });
    // One line on any symbol the answers show (c suppressed, x not available, z not applicable).
    const shownSymbols =
      list
        .flatMap((q) => q.figures)
        .join(" ")
        .match(/\((c|x|z)\)/g)
        ?.map((m) => m[1]) ?? [];
    const legend = symbolLegend([...shownSymbols, ...subjects.map((subject) => mine[subject]?.adjusted_progress)]);
    return el("div", {}, legend ? [questionList(list), legend] : [questionList(list)]);
  }

  function delivery() {
    const rows = DELIVERY.filter((k) => subjects.some((subject) => myDelivery[subject]?.[k] != null)).map((k) => ({
      figure: labelOf(catalogue, k),
      unit: unitOf(catalogue, k),
      ...Object.fromEntries(
        subjects.flatMap((subject) => [
          [`${subject}_school`, myDelivery[subject]?.[k] ?? "–"],
          [`${subject}_la`, laDelivery[subject]?.[k] ?? "–"],
        ]),
      ),
    }));
    const places = subjects
      .map((subject) => myDelivery[subject])
      .filter(Boolean)
      .map((r) => ({ ...r, subject: SUBJECT[r.subject] }));
    const blocks = [];
    if (places.length)
      blocks.push(
        figure(
          resize((width) => usedVsFunded(places, { width, description: `Places used and places funded at ${name}` })),
          {
            description: "Places used against places funded (the school's allocation), by subject.",
            rows: places,
            columns: [
              { key: "subject", label: "Subject" },
              { key: "places", label: labelOf(catalogue, "places") },
              { key: "places_funded", label: labelOf(catalogue, "places_funded") },
              { key: "pct_funded_places_used", label: labelOf(catalogue, "pct_funded_places_used"), unit: "%" },
            ],
            filename: csv("places"),
          },
        ),
      );
    blocks.push(
      rows.length
        ? dataTable(rows, {
            caption: "Delivery at this school beside the LA, by subject",
            search: false,
            filename: csv("delivery"),
            columns: [
              { key: "figure", label: "Figure" },
              ...subjects.flatMap((subject) => [
                { key: `${subject}_school`, label: `${SUBJECT[subject]}: this school`, format: (v, r) => formatNumber(v, r.unit) },
                { key: `${subject}_la`, label: `${SUBJECT[subject]}: LA`, format: (v, r) => formatNumber(v, r.unit) },
              ]),
            ],
          })
        : el("p", {}, "No delivery figures are published for this school."),
    );
    return el("div", {}, blocks);
  }

  function viewpoints() {
    const views = own("viewpoints");
    if (!views.length) return el("p", {}, "No viewpoint questionnaires are published for this school.");
    return el(
      "div",
      { class: "grid grid-cols-2 school-viewpoints" },
      subjects
        .filter((subject) => views.some((r) => r.subject === subject))
        .map((subject) => {
          const rows = views.filter((r) => r.subject === subject);
          return el(
            "div",
            { class: "card" },
            el("h3", {}, SUBJECT[subject]),
            figure(
              resize((width) => prePost(rows, { width, description: `${SUBJECT[subject]}: mean answers before and after tuition at ${name}` })),
              {
                description: `${SUBJECT[subject]}: mean answer to each statement before (grey dot) and after (arrow head) tuition, by who answered (1 = strongly disagree, 4 = strongly agree).`,
                rows,
                columns: [
                  { key: "breakdown", label: "Who answered", format: (v) => respondentLabel(v) },
                  { key: "group_label", label: "Statement", format: (v) => itemLabel(v) },
                  { key: "n_pre", label: labelOf(catalogue, "n_pre") },
                  { key: "mean_pre", label: labelOf(catalogue, "mean_pre") },
                  { key: "n_post", label: labelOf(catalogue, "n_post") },
                  { key: "mean_post", label: labelOf(catalogue, "mean_post") },
                ],
                filename: csv(`viewpoints_${subject.toLowerCase()}`),
              },
            ),
          );
        }),
    );
  }

  function everyFigure() {
    // The A4 pack's printer lays the page out for print from the start (pipelines/site/pdf.ts):
    // these long tables are hidden in print, so they are not built then.
    if (matchMedia("print").matches) return el("div", {});
    const marts = Object.keys(school.tables).filter((m) => own(m).length);
    return marts.length
      ? el(
          "div",
          {},
          marts.map((m) =>
            el(
              "div",
              {},
              el("h3", {}, TITLE[m] ?? m.replaceAll("_", " ")),
              indicatorTable(own(m), catalogue, {
                caption: `${TITLE[m] ?? m.replaceAll("_", " ")}: every published figure for this school`,
                filename: csv(m),
                ...(m === "viewpoints" ? VIEWPOINT_KEYS : {}),
              }),
            ),
          ),
        )
      : el("p", {}, "No figures are published for this school (figures for very few pupils are suppressed).");
  }

  return { name, run, inputs, verdict, funnels, againstLa, questions, delivery, viewpoints, everyFigure };
}
