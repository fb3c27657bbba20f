// TUITION_JOIN_CHECK=<file>: a run that lists its joins by nested loop. DuckDB joins by hash when
// a join's condition has an equality between its two sides; a condition it cannot split (one on
// one side alone inside a LEFT JOIN's ON, an OR) makes it compare every pair of rows instead, which
// no test notices on small data and which took 9.3 s of a 400-school ntp LA's run (81b2707), and
// would take hours of a national one. With the variable set, Db profiles every statement (DuckDB's
// JSON profile) and appends to <file> a line per such join whose two inputs both have at least
// MIN_ROWS rows; test/join-plans.test.ts runs the pipelines with it and expects none. A join of
// many rows with a handful (the models, the measures, a setting) is by design and is not listed.
// Each database closed adds a line "# <path>: <n> of <m> statements profiled" (a statement that runs
// no query, DDL or an insert of values, leaves no profile), so that a run whose check did not take
// cannot pass for one that found nothing.
import { readFileSync } from "node:fs";

/** Both inputs at least this many rows: the deliberate nested loops pair a table with at most a few dozen rows. */
export const MIN_ROWS = 100;

const NESTED_LOOPS = new Set(["NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN"]);

interface ProfileNode {
  operator_name?: string;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

export interface NestedLoop {
  operator: string;
  /** Rows of the left and right inputs. */
  rows: [number, number];
  condition: string;
}

/** The nested-loop joins of one statement's JSON profile whose inputs both have MIN_ROWS rows or more. */
export function nestedLoops(profile: ProfileNode): NestedLoop[] {
  const found: NestedLoop[] = [];
  const walk = (node: ProfileNode) => {
    const [left, right] = node.children ?? [];
    if (NESTED_LOOPS.has(node.operator_name ?? "") && left && right) {
      const rows: [number, number] = [left.operator_cardinality ?? 0, right.operator_cardinality ?? 0];
      const info = node.extra_info ?? {};
      if (Math.min(...rows) >= MIN_ROWS) found.push({ operator: node.operator_name!, rows, condition: String(info.Condition ?? info.Conditions ?? "") });
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile);
  return found;
}

/** The nested loops of the profile DuckDB wrote to `path` for the statement just run; null if it wrote none. */
export function nestedLoopsIn(path: string): NestedLoop[] | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  return nestedLoops(JSON.parse(text) as ProfileNode);
}
