// Types of meta-forest.js for the TypeScript that imports it (test/combined-view.test.ts); the
// browser imports the .js itself. A view is one subject of pipelines/site/combined-data.ts.
import type { CombinedView, ForestSubject } from "../../pipelines/site/combined-data.ts";

export const MARKS: { las: string; intervals: string; pooled: string; prediction: string };
export function metaForest(view: ForestSubject, options?: { width?: number; xLabel?: string; description?: string }): SVGSVGElement;
export function i2Words(i2: string): string | undefined;
export function metaReading(view: ForestSubject, options?: { unit?: string; what?: string; about?: string }): string;
export interface PanelWords {
  heading: string;
  about: string;
  what: string;
  unit: string;
  xLabel: string;
  columnLabel: string;
  chart: string;
  table: string;
  file: string;
}
export function panelWords(view: ForestSubject, year: string): PanelWords;
/** Text, with [tag, text] for an inline element (code). */
export function combinedIntro(combined: Pick<CombinedView, "programme">): (string | [string, string])[];
