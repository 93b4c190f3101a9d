// One error type for every unreadable audio file, so callers can tell "this file is bad" (skip it,
// report it) from programming errors (let them surface).

export class AudioFormatError extends Error {
  /** The file (or stream label) that could not be read. */
  readonly path: string;
  /** What was wrong, without the path: e.g. "truncated data chunk". */
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'AudioFormatError';
    this.path = path;
    this.reason = reason;
  }
}
