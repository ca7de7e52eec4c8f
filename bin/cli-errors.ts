// One place where errors become what a person sees: a message, what to do, an exit code, no stack
// trace (unless BLEBENCH_DEBUG=1). Every error blebench throws on purpose is a BlebenchError, whose code
// gives its exit code and what to do (common/base/errors/error-codes.ts); anything else is a bug.
import { CommanderError } from 'commander';
import { BadInputError, EXIT, isBlebenchError, type ExitCode } from '../common/base/errors/blebench-error.js';
import { escapeForTerminal } from '../common/base/output/escape.js';

export function reportError(err: unknown, raw: (s: string) => void = (s) => process.stderr.write(s)): ExitCode {
  // Messages quote files and peers (names, values, file text): escaped before they reach a terminal.
  const write = (s: string) => raw(escapeForTerminal(s));
  if (err instanceof CommanderError) {
    // commander already printed its own message (unknown option, missing argument...)
    return err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
  }
  if (isBlebenchError(err)) {
    // The place, unless the message already starts from it (profile and scenario errors do).
    const at = err instanceof BadInputError ? err.where : undefined;
    const where = at?.file && !err.message.includes(at.file) ? ` (${at.file}${at.path ? ` at ${at.path}` : ''})` : '';
    write(`blebench: ${err.message}${where}\n`);
    write(`  what to do: ${err.whatToDo}\n`);
    debugStack(err, write);
    return err.exitCode;
  }
  const e = err as Error;
  write(`blebench: internal error: ${e?.message ?? String(err)}\n  this is a bug in blebench; run again with BLEBENCH_DEBUG=1 for details\n`);
  debugStack(err, write);
  return EXIT.EXPECTATION_FAILED;
}

function debugStack(err: unknown, write: (s: string) => void): void {
  if (process.env.BLEBENCH_DEBUG === '1' && err instanceof Error && err.stack) write(err.stack + '\n');
}
