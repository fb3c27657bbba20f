// Which exit code (core/exit-codes.ts) an error ends the command with. By the error's name,
// not instanceof, so that deciding it never loads the modules that define the classes
// (`--help` must not load DuckDB); a class that leaves `name` as "Error" is known by its own name.
import { EXIT, type ExitCode } from "./exit-codes.ts";

const BY_NAME: Record<string, ExitCode> = {
  UsageError: EXIT.usage,
  InputError: EXIT.inputRefused, // a file cannot be used at all (ingest, also HeaderProblemError)
  InputRefusedError: EXIT.inputRefused, // the input as a whole: empty dataset, too much quarantined
  CombineError: EXIT.inputRefused, // combine: a return file given to it is refused
  SettingsError: EXIT.settingsRefused,
  ReleaseRefusedError: EXIT.releaseRefused,
  ReturnCheckError: EXIT.releaseRefused, // the screener refused a return file before it was written
};

/** The exit code for an error thrown out of a command; anything not listed is a fault of the tool (70). */
export function exitCodeFor(error: unknown): ExitCode {
  if (!(error instanceof Error)) return EXIT.internalError;
  const name = error.name && error.name !== "Error" ? error.name : error.constructor?.name;
  return BY_NAME[name] ?? EXIT.internalError;
}
