// Ctrl-C (SIGINT) and SIGTERM: stop at once, remove this run's scratch files, say in one line
// what became of the outputs, exit 130. A run's outputs only become visible in its final
// renames, so stopping anywhere before them leaves the last good outputs as they were. Those
// renames are synchronous, and a signal handler only runs between two turns of the event loop,
// so a signal never lands between two of them.
import { EXIT } from "./exit-codes.ts";

export interface Interruptible {
  /** Stops work in progress straight away (e.g. interrupts the running DuckDB query). */
  abort?: () => void;
  /** Removes this work's scratch files. Synchronous: the process exits right after. */
  cleanup: () => void;
}

const active = new Set<Interruptible>();
let message = "nothing was published.";

/**
 * Makes Ctrl-C and SIGTERM end the command with one line ("stopped by Ctrl-C; <what>") and
 * exit 130. `what` says what became of the outputs, e.g. "nothing was written.".
 */
export function stopOnSignals(what: string): void {
  message = what;
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

/** Says what a signal from now on would leave (e.g. once a run has published its outputs). */
export function setStopMessage(what: string): void {
  message = what;
}

/** Registers work to abort and clean up if a signal arrives; call the returned function when it is over. */
export function guard(work: Interruptible): () => void {
  active.add(work);
  return () => void active.delete(work);
}

function stop(signal: NodeJS.Signals): never {
  for (const work of active) {
    try {
      work.abort?.();
    } catch {
      // already finished or closed: nothing to stop
    }
  }
  for (const work of active) {
    try {
      work.cleanup();
    } catch {
      // best effort: the next run removes what a stopped run left (run.ts removeLeftovers)
    }
  }
  // On a terminal, first clear the progress bar the signal interrupted.
  const clear = process.stderr.isTTY ? "\r\x1b[2K" : "";
  process.stderr.write(`${clear}tuition-impact: stopped by ${signal === "SIGINT" ? "Ctrl-C" : signal}; ${message}\n`);
  process.exit(EXIT.interrupted);
}
