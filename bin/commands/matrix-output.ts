// How `blebench central` ends a matrix walk, whether over HCI or the OS stack: the matrix printed
// (table or --json), exit 1 when a cell differs from the profile, a central error printed with its own
// exit code, and what the walk opened closed in every case.
import { EXIT, type ExitCode } from '../../common/base/errors/blebench-error.js';
import { isCentralError } from '../../central/errors.js';
import type { CellBase, MatrixResult } from '../../central/matrix/matrix-types.js';
import { renderMatrixJson } from '../../central/matrix/render-json.js';
import { renderMatrixTable } from '../../central/matrix/render-table.js';
import { escapeForTerminal, escapeJsonForTerminal } from '../../common/base/output/escape.js';
import { plainStyle, type TextStyle } from '../../common/base/output/style.js';
import { stdoutStyle } from '../options.js';

export interface MatrixOutput {
  json?: boolean | undefined;
  verbose?: boolean | undefined;
  /** Colour, marks and width of the table (plain, 100 columns, when a test gives its own `out`). */
  style: TextStyle;
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Where output goes unless a test gives its own. */
export function matrixOutput(
  o: { json?: boolean | undefined; verbose?: boolean | undefined; color?: boolean | undefined },
  deps: { out?: (s: string) => void; err?: (s: string) => void; style?: TextStyle },
): MatrixOutput {
  const style = deps.style ?? (deps.out ? plainStyle() : stdoutStyle(o));
  return { json: o.json, verbose: o.verbose, style, out: deps.out ?? ((s) => process.stdout.write(s)), err: deps.err ?? ((s) => process.stderr.write(s)) };
}

export async function printMatrix(io: MatrixOutput, walk: () => Promise<MatrixResult<CellBase>>, cleanup: () => Promise<void>): Promise<ExitCode> {
  try {
    const result = await walk();
    // Names, values and reasons come from the peer: escaped before they reach a terminal.
    // The table escapes each text itself before painting it (the colours are blebench's own).
    io.out(io.json ? escapeJsonForTerminal(renderMatrixJson(result)) : renderMatrixTable(result, { style: io.style, verbose: io.verbose }));
    return result.differences.length ? EXIT.EXPECTATION_FAILED : EXIT.OK;
  } catch (e) {
    if (!isCentralError(e)) throw e;
    io.err(escapeForTerminal(`blebench: ${e.message}\n`));
    return e.exitCode;
  } finally {
    await cleanup();
  }
}
