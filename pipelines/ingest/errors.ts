// A file that cannot be used at all stops the run: the message names the file and says
// what is wrong and what to do, so the LA officer can fix it without reading code.
export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "InputError";
  }
}
