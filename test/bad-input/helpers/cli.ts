// The CLI's main() called in this process with stdout and stderr captured: a few milliseconds a case
// instead of a node start-up, so a corpus of hundreds stays fast. One call at a time.
import { main } from '../../../bin/main.js';
import { withTimeout } from '../../../common/util/wait.js';

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
  return { code, stdout, stderr };
}

/** What a stack trace on stderr looks like: `at` frames, node internals, an uncaught `Error:` line. */
export function stackTraceIn(stderr: string): string | undefined {
  const m = stderr.match(/^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m) ?? stderr.match(/node:internal/) ?? stderr.match(/^(\w*Error|Error): /m);
  return m?.[0];
}
