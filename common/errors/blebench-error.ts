// Errors are values with a code, a plain-words message and the exit code the CLI should use.
// Exit codes (design.md): 1 an expectation failed, 2 bad arguments or input, 3 transport unavailable.

export const EXIT = {
  OK: 0,
  EXPECTATION_FAILED: 1,
  BAD_INPUT: 2,
  TRANSPORT_UNAVAILABLE: 3,
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export abstract class BlebenchError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  /** What the user should do next, in one or two sentences. */
  readonly hint?: string;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.hint) this.hint = options.hint;
  }
}

/** Bad flags or a bad input file: exit 2. `where` names the file and the path inside it. */
export class BadInputError extends BlebenchError {
  readonly exitCode = EXIT.BAD_INPUT;
  constructor(
    readonly code: string,
    message: string,
    readonly where?: { file?: string; path?: string },
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
  }
}

export function isBlebenchError(e: unknown): e is BlebenchError {
  return e instanceof BlebenchError;
}
