// Text fitted to a width: cut with an ellipsis, padded to a column, wrapped at spaces with an indent.
// Widths count code points (blebench's own words are ASCII; a peer's text is escaped first).

/** At most `n` columns: cut, the last one an ellipsis. */
export function cut(text: string, n: number): string {
  const chars = [...text];
  if (chars.length <= n) return text;
  return n <= 0 ? '' : chars.slice(0, n - 1).join('') + '…';
}

/** Exactly `n` columns: cut or padded with spaces. */
export function column(text: string, n: number): string {
  const c = cut(text, n);
  return c + ' '.repeat(Math.max(0, n - [...c].length));
}

/**
 * One line as many lines of at most `width` columns, broken at spaces; the lines after the first
 * start with `indent`. A word longer than a line is cut into pieces of one line.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lead = /^ */.exec(text)![0];
  const words = text.slice(lead.length).split(/ +/);
  const out: string[] = [];
  let line = lead;
  let room = width;
  const startLen = () => (out.length ? indent.length : lead.length);
  for (const word of words) {
    let w = word;
    const sep = [...line].length > startLen() ? ' ' : '';
    if ([...line].length + sep.length + [...w].length <= room) {
      line += sep + w;
      continue;
    }
    if ([...line].length > startLen()) {
      out.push(line);
      line = indent;
    }
    while (w !== '' && [...line].length + [...w].length > room) {
      const take = Math.max(1, room - [...line].length);
      const chars = [...w];
      out.push(line + chars.slice(0, take).join(''));
      line = indent;
      w = chars.slice(take).join('');
    }
    line += w;
  }
  out.push(line);
  return out;
}
