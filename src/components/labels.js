// Words for the codes a page would otherwise show: viewpoint questionnaire items and respondent
// types. The LA's questionnaire gives items as codes (inputs.md, viewpoints: `confidence`,
// `uses_strategies` ...) and the return's metadata has no label for each item, so the documented
// items get the statement they stand for, and any other code is written out in words
// (underscores as spaces, first letter capitalised) rather than shown as a code.

export const ITEM_LABEL = {
  confidence: "Confidence in the subject",
  enjoyment: "Enjoyment of the subject",
  independence: "Works independently",
  uses_strategies: "Uses strategies to solve problems",
  asks_for_help: "Asks for help when stuck",
};

export const RESPONDENT_LABEL = {
  pupil: "Pupils",
  parent: "Parents",
  teacher: "Teachers",
  tutor: "Tutors",
};

/** A code in words: "uses_strategies" → "Uses strategies". */
export function words(code) {
  const s = String(code ?? "")
    .replaceAll("_", " ")
    .replace(/\s+/g, " ")
    .trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "–";
}

export function itemLabel(code) {
  return ITEM_LABEL[code] ?? words(code);
}

export function respondentLabel(code) {
  return RESPONDENT_LABEL[code] ?? words(code);
}
