// Colour and marks only on a terminal; NO_COLOR (any non-empty value, no-color.org) and --no-color
// turn colour off; the width from the terminal, else $COLUMNS, else 100; text fitted by cutting and
// wrapping never exceeds it.
import { describe, expect, it } from 'vitest';
import { cutVisible, DEFAULT_WIDTH, MIN_WIDTH, paint, styleFor, visibleWidth } from '../../common/base/output/style.js';
import { column, cut, wrap } from '../../common/base/output/fit.js';

const tty = { isTTY: true, columns: 132 };
const pipe = {};

describe('styleFor', () => {
  it('a terminal gets colour, marks and its own width', () => {
    expect(styleFor(tty, {}, {})).toEqual({ color: true, symbols: true, width: 132 });
  });
  it('a pipe or a file gets neither colour nor marks, and 100 columns unless $COLUMNS says otherwise', () => {
    expect(styleFor(pipe, {}, {})).toEqual({ color: false, symbols: false, width: DEFAULT_WIDTH });
    expect(styleFor({ isTTY: false, columns: 50 }, {}, { COLUMNS: '160' })).toEqual({ color: false, symbols: false, width: 160 });
    // FORCE-like variables do not exist here: NO_COLOR empty does not turn colour on in a pipe.
    expect(styleFor(pipe, {}, { NO_COLOR: '' }).color).toBe(false);
  });
  it('NO_COLOR with any non-empty value turns colour off on a terminal, the marks stay; empty NO_COLOR does not', () => {
    for (const v of ['1', '0', 'true', 'no']) expect(styleFor(tty, {}, { NO_COLOR: v })).toEqual({ color: false, symbols: true, width: 132 });
    expect(styleFor(tty, {}, { NO_COLOR: '' }).color).toBe(true);
  });
  it('--no-color turns colour off on a terminal; TERM=dumb is no terminal', () => {
    expect(styleFor(tty, { noColor: true }, {}).color).toBe(false);
    expect(styleFor(tty, {}, { TERM: 'dumb' })).toEqual({ color: false, symbols: false, width: DEFAULT_WIDTH });
  });
  it('a terminal that does not say its width, or a nonsense $COLUMNS, gives 100; never below the least a table needs', () => {
    expect(styleFor({ isTTY: true }, {}, {}).width).toBe(DEFAULT_WIDTH);
    for (const c of ['0', '-3', 'wide', '12.5']) expect(styleFor(pipe, {}, { COLUMNS: c }).width).toBe(DEFAULT_WIDTH);
    expect(styleFor({ isTTY: true, columns: 10 }, {}, {}).width).toBe(MIN_WIDTH);
  });
});

describe('paint and widths', () => {
  const on = { color: true, symbols: true, width: 80 };
  const off = { color: false, symbols: false, width: 80 };
  it('paints only with colour; colour takes no columns', () => {
    expect(paint(off, 'green', 'ok')).toBe('ok');
    expect(paint(on, 'green', 'ok')).toBe('\u001b[32mok\u001b[39m');
    expect(visibleWidth(paint(on, 'red', 'four'))).toBe(4);
  });
  it('cuts a coloured line by what shows, and closes its colour', () => {
    const line = `${paint(on, 'red', 'abcdef')}ghij`;
    const c = cutVisible(line, 5);
    expect(visibleWidth(c)).toBe(5);
    expect(c).toBe('\u001b[31mabcd…\u001b[0m');
    expect(cutVisible(line, 10)).toBe(line);
  });
});

describe('fit', () => {
  it('cut and column give exactly the width asked', () => {
    expect(cut('abcdef', 4)).toBe('abc…');
    expect(cut('abc', 4)).toBe('abc');
    expect(column('ab', 4)).toBe('ab  ');
    expect(column('abcdef', 4)).toBe('abc…');
  });
  it('wrap breaks at spaces, indents the rest, cuts a word longer than a line, never exceeds the width', () => {
    expect(wrap('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
    expect(wrap('  lead kept', 40)).toEqual(['  lead kept']);
    const long = wrap(`x ${'a'.repeat(25)} y`, 10, '  ');
    expect(long.every((l) => l.length <= 10)).toBe(true);
    expect(long.join('').replace(/ /g, '')).toBe(`x${'a'.repeat(25)}y`);
    for (let w = 12; w <= 60; w += 7) {
      const text = 'the link must be paired (authenticated) before this attribute can be used; the link was not encrypted';
      expect(wrap(text, w, '    ').every((l) => l.length <= w)).toBe(true);
    }
  });
});
