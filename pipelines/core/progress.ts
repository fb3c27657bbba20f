// Progress for long stages: a live bar on a terminal, one line per stage in logs (CI, pipes).
export type ProgressFn = (message: string, done?: number, total?: number) => void;

export interface Reporter {
  stage<T>(name: string, work: (progress: ProgressFn) => Promise<T>): Promise<T>;
  timings: { stage: string; seconds: number }[];
}

export function makeReporter(stream: NodeJS.WriteStream = process.stderr, quiet = false): Reporter {
  const timings: { stage: string; seconds: number }[] = [];
  const live = stream.isTTY && !quiet;
  return {
    timings,
    async stage(name, work) {
      const started = performance.now();
      let last = 0;
      const progress: ProgressFn = (message, done, total) => {
        if (!live) return;
        const now = performance.now();
        if (now - last < 100 && done !== total) return; // redraw at most 10 times a second
        last = now;
        const bar = total ? renderBar(done ?? 0, total) : "";
        stream.write(`\r\x1b[2K${name.padEnd(10)} ${bar} ${message}`.slice(0, stream.columns ?? 120));
      };
      // A terminal shows the stage at once (then a bar, if the stage reports progress); a log gets one line.
      if (live) stream.write(`\r\x1b[2K${name.padEnd(10)} ...`);
      else if (!quiet) stream.write(`${name}...\n`);
      const result = await work(progress);
      const seconds = (performance.now() - started) / 1000;
      timings.push({ stage: name, seconds });
      if (live) stream.write(`\r\x1b[2K${name.padEnd(10)} done in ${seconds.toFixed(1)} s\n`);
      else if (!quiet) stream.write(`${name} done in ${seconds.toFixed(1)} s\n`);
      return result;
    },
  };
}

function renderBar(done: number, total: number, width = 24): string {
  const share = Math.max(0, Math.min(1, done / total));
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
}

/** Renders rows of objects as a fixed-width text table for the end-of-run summary. */
export function textTable(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return "";
  const cols = Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => String(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => (typeof rows[0][cols[i]] === "number" ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ");
  return [line(cols), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
