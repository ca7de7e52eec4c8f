// The CLI's main() called in this process with stdout and stderr captured: a few milliseconds a case
// instead of a node start-up, so a corpus of hundreds stays fast. One call at a time. Every call checks
// that nothing it printed is an "internal error" (an error outside blebench's error family).
import { expect } from 'vitest';
import { reportError } from '../../../bin/cli-errors.js';
import { main } from '../../../bin/main.js';
import { withTimeout } from '../../../common/base/util/wait.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** No case may take longer: bad input is refused before any transport is opened. */
const CASE_LIMIT_MS = 10_000;

export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let code: number | null;
  try {
    code = await withTimeout(main(['node', 'blebench', ...args]), { what: `blebench ${args.join(' ')}`, timeoutMs: CASE_LIMIT_MS });
  } catch (e) {
    // main() never throws: anything escaping it is itself a finding
    stderr += `\n[escaped main(): ${(e as Error).stack ?? String(e)}]`;
    code = null;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  // Every case of the corpus, whatever else it checks: no error outside the family.
  expect(internalErrorIn(stdout + stderr), `blebench ${args.join(' ')}\n${stderr}`).toBeUndefined();
  return { code, stdout, stderr };
}

/**
 * The line the CLI prints for an error outside blebench's error family (bin/cli-errors.ts: "internal
 * error … a bug in blebench"), or undefined. Every output of the bad-input corpus and the fault suites
 * is checked with it: each error they meet must be a BlebenchError with its code and what to do.
 */
export function internalErrorIn(output: string): string | undefined {
  return /^.*internal error.*$/m.exec(output)?.[0];
}

/** What the CLI prints for `err` (its words and exit code), as main() would print it. */
export function cliWordsFor(err: unknown): { exit: number; words: string } {
  let words = '';
  const exit = reportError(err, (s) => (words += s));
  return { exit, words };
}

/** What a stack trace on stderr looks like: `at` frames, node internals, an uncaught `Error:` line. */
export function stackTraceIn(stderr: string): string | undefined {
  const m = stderr.match(/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m) ?? stderr.match(/node:internal/) ?? stderr.match(/^(\w*Error|Error): /m);
  return m?.[0];
}
