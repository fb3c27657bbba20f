// The questions a SIP asks a school about its tuition, drawn from the DCSF guidance for School
// Improvement Partners and schools (one-to-one tuition, 2009: who is eligible, the five steps
// from choosing pupils to the end-of-tuition review, the mid-tuition progress check of the
// provision-mapping advice), each followed by this school's published figures for it, per
// subject, with the LA's beside them where the site has them. Figures are as published: a
// suppressed or unavailable figure is shown with its symbol, never worked round.
import { el, formatNumber, isSymbol, num } from "./format.js";
import { changeReading, placesReading } from "./readings.js";

const SUBJECT_WORD = { English: "English", Mathematics: "Maths" };
const SYMBOL_WORD = { c: "suppressed", x: "not available", z: "not applicable" };

/** "8 of 11 tutees (72.7%)", or "72.7% of tutees", or "a suppressed number (c) of tutees". */
export function share(count, base, pct, noun) {
  if (![count, base, pct].some(isSymbol)) return `${formatNumber(count)} of ${formatNumber(base)} ${noun} (${formatNumber(pct, "%")})`;
  if (!isSymbol(pct)) return `${formatNumber(pct, "%")} of ${noun}`;
  return `a ${SYMBOL_WORD[pct] ?? "unpublished"} number (${pct ?? "–"}) of ${noun}`;
}

/** " (LA: 88.0%)" where the LA's figure is a number; nothing otherwise. */
function laFigure(value, unit = "", who = "LA") {
  return num(value) === undefined ? "" : ` (${who}: ${formatNumber(value, unit)})`;
}

function value(v, unit = "") {
  return isSymbol(v) ? `${v ?? "–"} (${SYMBOL_WORD[v] ?? "not published"})` : formatNumber(v, unit);
}

/**
 * The questions with this school's figures. data: {subjects, attainment, delivery, progress,
 * viewpoints} where each (but viewpoints) maps subject → the school's whole-cohort row, plus
 * laAttainment and laDelivery (subject → the LA's row); viewpoints: the school's viewpoint rows.
 * Returns [{question, guidance, figures: [string]}].
 */
export function schoolQuestions({ subjects, attainment = {}, delivery = {}, progress = {}, viewpoints = [], laAttainment = {}, laDelivery = {} }) {
  const per = (fn) => subjects.map((s) => `${SUBJECT_WORD[s] ?? s}: ${fn(s)}`);
  const none = "no figures are published for this school";
  return [
    {
      question: "Who was chosen for tuition, and why them?",
      guidance:
        "Tuition is for pupils who are ‘stuck’ or ‘slow moving’: those who entered the key stage below age-related expectations, those falling behind, and looked-after children who would benefit; selection must not leave out pupils thought harder to reach.",
      figures: [
        ...per((s) => {
          const a = attainment[s];
          if (!a) return none;
          return `${share(a.below_are_baseline_t, a.are_baseline_t, a.pct_below_are_baseline_t, "tutees")} were below age-related expectations at the start${laFigure(laAttainment[s]?.pct_below_are_baseline_t, "%", "LA's tutees")}, against ${value(a.pct_below_are_baseline_c, "%")} of the school's untutored pupils.`;
        }),
        ...subjects.map((s) => (delivery[s] ? placesReading({ ...delivery[s], subject: SUBJECT_WORD[s] ?? s }) : `${SUBJECT_WORD[s] ?? s}: ${none}.`)),
      ],
    },
    {
      question: "How was tuition linked to the pupil's classroom teaching?",
      guidance:
        "The class teacher sets the targets and agrees an Individual Tuition Plan (ITP) with the tutor before tuition begins, and the two keep in touch so that what is learnt is taken forward in class.",
      figures: per((s) => {
        const d = delivery[s];
        if (!d) return `${none}.`;
        return `an ITP was agreed for ${value(d.pct_itp_agreed, "%")} of courses${laFigure(laDelivery[s]?.pct_itp_agreed, "%")}; ${value(d.targets_set)} tuition targets were set for ${value(d.courses)} courses.`;
      }),
    },
    {
      question: "Did each pupil get the ten hours, in sessions of an hour or so?",
      guidance: "The model is ten hours of one-to-one tuition per pupil, with a suggested minimum of one hour per session, by a qualified tutor.",
      figures: per((s) => {
        const d = delivery[s];
        if (!d) return `${none}.`;
        return `${value(d.mean_hours)} hours per place on average${laFigure(laDelivery[s]?.mean_hours)}; ${share(d.full_places, d.places, d.pct_full_places, "places")} had the full ten hours; ${value(d.pct_sessions_60min, "%")} of sessions attended lasted an hour or more; ${value(d.attendance_rate, "%")} of sessions were attended${laFigure(laDelivery[s]?.attendance_rate, "%")}.`;
      }),
    },
    {
      question: "What did the mid-tuition check show, and what was done about it?",
      guidance: "Schools found a mid-tuition progress check useful; targets are reviewed during tuition and adjusted to the pupil's needs.",
      figures: per((s) => {
        const d = delivery[s];
        if (!d) return `${none}.`;
        return `${value(d.pct_mid_check, "%")} of courses had a mid-tuition progress check${laFigure(laDelivery[s]?.pct_mid_check, "%")}; ${share(d.targets_met, d.targets_set, d.pct_targets_met, "tuition targets")} were met${laFigure(laDelivery[s]?.pct_targets_met, "%")}.`;
      }),
    },
    {
      question: "What changed for the pupils, and how are the gains kept up in class?",
      guidance:
        "At the end, teacher and tutor review progress against the targets, set new ones to secure the gains, and the leadership team uses the results to choose pupils next time.",
      figures: per((s) => {
        const a = attainment[s],
          p = progress[s];
        const adjusted = !p
          ? "no adjusted progress is published"
          : isSymbol(p.adjusted_progress)
            ? `adjusted progress ${value(p.adjusted_progress)}`
            : `tutees made ${formatNumber(String(p.adjusted_progress).replace(/^-/, ""))} points ${num(p.adjusted_progress) >= 0 ? "more" : "less"} progress than similar untutored pupils (95% CI ${formatNumber(p.adjusted_ci_low)} to ${formatNumber(p.adjusted_ci_high)})`;
        const are = a
          ? `; ${share(a.at_are_outcome_t, a.are_outcome_t, a.pct_at_are_outcome_t, "tutees")} were at or above age-related expectations at the end`
          : "";
        const pupil = viewpoints.find((r) => r.subject === s && r.breakdown === "pupil" && r.group_label === "confidence");
        const confidence = pupil ? `; pupils' confidence in the subject: ${changeReading(pupil).replace(/\.$/, "")}` : "";
        return `${adjusted}${are}${confidence}.`;
      }),
    },
  ];
}

/** The questions as a numbered list: each question, the guidance behind it, then the school's figures. */
export function questionList(questions) {
  return el(
    "ol",
    { class: "sip-questions" },
    questions.map((q) =>
      el(
        "li",
        {},
        el("p", { class: "sip-question" }, el("strong", {}, q.question)),
        el("p", { class: "sip-guidance muted" }, q.guidance),
        el(
          "ul",
          { class: "sip-figures" },
          q.figures.map((f) => el("li", {}, f)),
        ),
      ),
    ),
  );
}
