// The command line's exit codes, one place for every command and for the README and --help.
// Scripts that wrap the tool (a scheduled LA job, CI) branch on these, so they never change
// meaning: add a new code rather than reuse one.
export const EXIT = {
  /** Everything asked for was done (for run: a release was published). */
  ok: 0,
  /** The input was refused: a file or its rows cannot be used (named in the message). Nothing was published. */
  inputRefused: 1,
  /** The command line was wrong (unknown command or option, missing argument). */
  usage: 2,
  /** settings.json was refused (named key and reason). Nothing was published. */
  settingsRefused: 3,
  /** The release was refused by its own checks (screener or disclosure audit). Nothing was published. */
  releaseRefused: 4,
  /** A fault in the tool itself, not in the input: report it with DEBUG=1 output. */
  internalError: 70,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM before it finished. Nothing was published. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Thrown when a run's release fails its own checks before publishing (the EES screener, the
 * disclosure audit). The message names file, row and column of each breach.
 */
export class ReleaseRefusedError extends Error {
  override name = "ReleaseRefusedError";
}

/** Thrown when the input as a whole is refused (a required dataset loads nothing, too many rows quarantined). */
export class InputRefusedError extends Error {
  override name = "InputRefusedError";
  constructor(
    message: string,
    /** One line per refused file: "<file>: <why>". */
    readonly reasons: string[] = [],
  ) {
    super(message);
  }
}
