// The methodology page's footnote list (src/components/footnotes.js): every x cell of
// published_footnotes is accounted for under its reason, with the labels of its figures.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain-JS site component, without type declarations
import { groupFootnotes } from "../src/components/footnotes.js";

interface Group {
  reason: string;
  cells: number;
  places: { topic: string; place: string; figures: string[] }[];
}

const CATALOGUE = [
  { indicator: "b", label: "Impact (points)", grouping: "Impact" },
  { indicator: "se", label: "Impact: standard error", grouping: "Impact" },
  { indicator: "att", label: "Exact matching: effect", grouping: "Impact (exact matching)" },
];
const cell = (indicator: string, reason: string, subject: string, breakdown: string, group_label: string, la_code = "919") => ({
  published_table: "published_impact",
  time_period: "200910",
  la_code,
  urn: null,
  subject,
  breakdown,
  group_label,
  indicator,
  reason,
});

describe("methodology footnotes as a list", () => {
  it("groups x cells by reason, most cells first, with each place's figures by label (topic not repeated)", () => {
    const rows = [
      cell("b", "fewer than 10 tutees in the model", "English", "fsm_status", "FSM eligible"),
      cell("se", "fewer than 10 tutees in the model", "English", "fsm_status", "FSM eligible"),
      cell("b", "fewer than 10 tutees in the model", "Mathematics", "total", "Total", "National"),
      cell("att", "no tutee has an exact match", "English", "sex", "Male"),
    ];
    const groups = groupFootnotes(rows, CATALOGUE) as Group[];
    expect(groups.map((g) => [g.reason, g.cells])).toEqual([
      ["fewer than 10 tutees in the model", 3],
      ["no tutee has an exact match", 1],
    ]);
    expect(groups[0]!.places).toEqual([
      { topic: "Impact", place: "English, Free school meals: FSM eligible", figures: ["Impact (points)", "standard error"] },
      { topic: "Impact", place: "Mathematics (National), all pupils", figures: ["Impact (points)"] },
    ]);
    expect(groups[1]!.places).toEqual([{ topic: "Impact (exact matching)", place: "English, Sex: Male", figures: ["Exact matching: effect"] }]);
    // every row is counted once
    expect(groups.reduce((s, g) => s + g.cells, 0)).toBe(rows.length);
  });

  it("names the year when the footnotes span several, and falls back to the code for an unknown indicator", () => {
    const rows = [cell("b", "r", "English", "total", "Total"), { ...cell("gap_x", "r", "English", "total", "Total"), time_period: "201011" }];
    const [g] = groupFootnotes(rows, CATALOGUE) as Group[];
    expect(g!.places.map((p) => `${p.topic} · ${p.place}: ${p.figures.join("; ")}`)).toEqual([
      "Impact · 2009/10, English, all pupils: Impact (points)",
      "Other figures · 2010/11, English, all pupils: gap x",
    ]);
  });
});
