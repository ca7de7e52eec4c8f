// Errors are values with a code; the code's entry in common/base/errors/error-codes.ts gives the meaning in
// words (errorCodeEntry), what to do and the exit code the CLI uses. An error may carry a hint more precise than the
// entry's "what to do" (the exact command for this machine, the file to fix).
import { ERROR_CODES, EXIT, type ErrorCode, type ExitCode } from './error-codes.js';

export { EXIT, type ErrorCode, type ExitCode };

export abstract class BlebenchError extends Error {
  abstract readonly code: ErrorCode;
  /** What the user should do next, in one or two sentences, when this error knows better than its code's entry. */
  readonly hint?: string;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.hint) this.hint = options.hint;
  }

  /** The exit code of this error's code (common/base/errors/error-codes.ts). */
  get exitCode(): ExitCode {
    return ERROR_CODES[this.code].exit;
  }

  /** What to do next: the error's own hint, or its code's. */
  get whatToDo(): string {
    return this.hint ?? ERROR_CODES[this.code].whatToDo;
  }
}

/** Bad flags or a bad input file: exit 2. `where` names the file and the path inside it. */
export class BadInputError extends BlebenchError {
  constructor(
    readonly code: BadInputCode,
    message: string,
    readonly where?: { file?: string; path?: string },
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
  }
}

/** The codes whose exit is 2 (bad input). */
export type BadInputCode = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['exit'] extends typeof EXIT.BAD_INPUT ? C : never }[ErrorCode];

export function isBlebenchError(e: unknown): e is BlebenchError {
  return e instanceof BlebenchError;
}
