// Types of meta-forest.js for the TypeScript that imports it (test/combined-view.test.ts); the
// browser imports the .js itself. A view is one subject of pipelines/site/combined-data.ts.
import type { ForestSubject } from "../../pipelines/site/combined-data.ts";

export const MARKS: { las: string; intervals: string; pooled: string; prediction: string };
export function metaForest(view: ForestSubject, options?: { width?: number; xLabel?: string; description?: string }): SVGSVGElement;
export function i2Words(i2: string): string | undefined;
export function metaReading(view: ForestSubject, options?: { unit?: string }): string;
