// How a text report looks where it lands: colour and the ✓/✗ marks only on a terminal, never in a
// pipe, a file or JSON; colour off with NO_COLOR (any non-empty value, no-color.org) or --no-color;
// lines fitted to the terminal's width (its columns, else $COLUMNS, else 100). The printers take a
// TextStyle and never look at the process themselves, so a test can ask for any width and either look.

/** Where no terminal says how wide it is (a pipe, a file, CI's log). */
export const DEFAULT_WIDTH = 100;
/** Narrower than this no table is laid out; lines wrap at this instead. */
export const MIN_WIDTH = 40;

export interface TextStyle {
  /** ANSI colours (SGR). */
  readonly color: boolean;
  /** ✓ ✗ marks (a terminal); plain words elsewhere. */
  readonly symbols: boolean;
  /** The longest line allowed, in columns. */
  readonly width: number;
}

/** What the printers need to know of a stream. */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A plain style: no colour, no marks, this width (files, pipes, tests). */
export const plainStyle = (width = DEFAULT_WIDTH): TextStyle => ({ color: false, symbols: false, width: Math.max(MIN_WIDTH, width) });

/**
 * The style for text written to `stream`: colour and marks when it is a terminal (TERM not "dumb"),
 * colour off when `noColor` (--no-color) or NO_COLOR is set and not empty; the width from the
 * terminal, else a positive $COLUMNS, else DEFAULT_WIDTH.
 */
export function styleFor(stream: OutputStream, opts: { noColor?: boolean | undefined } = {}, env: NodeJS.ProcessEnv = process.env): TextStyle {
  const tty = stream.isTTY === true && env.TERM !== 'dumb';
  const columns = Number(env.COLUMNS);
  const width = tty && stream.columns ? stream.columns : Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_WIDTH;
  const colorOff = opts.noColor === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  return { color: tty && !colorOff, symbols: tty, width: Math.max(MIN_WIDTH, width) };
}

/** SGR codes. ECMA-48 8.3.117: 32 green, 31 red, 33 yellow, 1 bold, 2 faint; 39/22 reset each. */
const SGR = { green: ['32', '39'], red: ['31', '39'], yellow: ['33', '39'], bold: ['1', '22'], dim: ['2', '22'] } as const;
export type Paint = keyof typeof SGR;

/** The text in that colour when the style has colour; unchanged otherwise. */
export function paint(style: TextStyle, how: Paint, text: string): string {
  if (!style.color || text === '') return text;
  const [on, off] = SGR[how];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** The marks: ✓ and ✗ on a terminal, words elsewhere. */
export function marks(style: TextStyle): { ok: string; bad: string } {
  return style.symbols ? { ok: '✓', bad: '✗' } : { ok: 'ok', bad: 'DIFF' };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Columns a line takes on screen: colours take none; every other code point one. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** A line cut to `width` columns, its colours kept (and closed) where the cut falls. */
export function cutVisible(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  let out = '';
  let seen = 0;
  for (const part of line.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith('\u001b[')) {
      out += part;
      continue;
    }
    const chars = [...part];
    const take = Math.min(chars.length, width - 1 - seen);
    out += chars.slice(0, Math.max(0, take)).join('');
    seen += Math.max(0, take);
    if (take < chars.length) break;
  }
  return `${out}…${out.includes('\u001b[') ? '\u001b[0m' : ''}`;
}
