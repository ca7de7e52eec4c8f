// What both consoles (--interactive) need from the command line: a terminal on both ends, and
// SIGINT/SIGTERM as an abort signal (Ctrl-C outside a prompt; inside one, the prompt itself sees it).
import { BadInputError } from '../common/base/errors/blebench-error.js';

/** --interactive without a terminal is bad input (exit 2): there is nobody to answer the prompts. */
export function requireTerminal(command: string, stdin: { isTTY?: boolean } = process.stdin, stdout: { isTTY?: boolean } = process.stdout): void {
  const missing = [stdin.isTTY ? undefined : 'stdin', stdout.isTTY ? undefined : 'stdout'].filter(Boolean);
  if (missing.length === 0) return;
  throw new BadInputError('NOT_A_TERMINAL', `--interactive needs a terminal, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not one`, { path: '--interactive' }, {
    hint:
      command === 'central'
        ? 'run it in a terminal; for scripts and CI use `blebench central --target NAME|ADDRESS|UUID` (the matrix) or `blebench run`'
        : 'run it in a terminal; for scripts and CI use `blebench peripheral` without --interactive, or `blebench run`',
  });
}

/**
 * Aborted at the first SIGINT or SIGTERM. The handlers stay until the process ends (not removed at the
 * first signal, as untilSignal's are): while a prompt is open inquirer loads signal-exit, whose handler,
 * when it finds itself the only one, sends the signal again to kill the process. A Ctrl-C between two
 * prompts whose SIGINT the event loop handled after the next prompt opened ended the console that way:
 * exit 130 from the shell, but no link closed and no key store write waited for. A second signal while
 * the console closes changes nothing: closing is bounded (the disconnection's timeout, the key stores' 5 s).
 */
export function interruptSignal(): AbortSignal {
  const ctl = new AbortController();
  const onSignal = (s: NodeJS.Signals) => ctl.abort(s);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ctl.signal;
}
