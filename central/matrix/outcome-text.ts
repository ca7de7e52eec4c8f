// Outcomes in words: values as hex and, where printable, text (or what the SIG says a value means:
// an Appearance as "Generic Computer (0x0080)"); errors as code and name. A short form for narrow columns.
import { describeAssignedValue } from '../../common/stack/gatt/assigned-values.js';
import type { CellOutcome } from './matrix-types.js';

/** Printable ASCII, the range shown as text. */
const PRINTABLE = /^[\x20-\x7e]+$/;

/** A value read from characteristic `uuid` (when given, a SIG characteristic's value is decoded). */
export function valueOutcome(value: Buffer, uuid?: string): CellOutcome {
  const text = value.toString('latin1');
  const meaning = uuid !== undefined ? describeAssignedValue(uuid, value) : undefined;
  return { kind: 'value', hex: value.toString('hex'), ...(PRINTABLE.test(text) ? { text } : {}), ...(meaning !== undefined ? { meaning } : {}) };
}

/** Long form for tables: `"open" (6f70656e)`, `Generic Computer (0x0080) (8000)`, `ATT 0x05 Insufficient Authentication`. */
export function outcomeText(o: CellOutcome, maxHex = 16): string {
  const hex = (h: string) => (h.length > maxHex ? `${h.slice(0, maxHex)}…` : h || '(empty)');
  switch (o.kind) {
    case 'value':
      if (o.meaning !== undefined) return `${o.meaning} (${hex(o.hex)})`;
      return o.text !== undefined ? `"${o.text.length > maxHex ? o.text.slice(0, maxHex) + '…' : o.text}" (${hex(o.hex)})` : hex(o.hex);
    case 'written':
      return `written (${hex(o.hex)})`;
    case 'sent':
      return `sent (${hex(o.hex)}), no answer`;
    case 'subscribed':
      return 'subscribed';
    case 'error':
      return o.error.label;
  }
}

/** Shorter words for the error names of a narrow column: the code stays whole. */
const SHORT_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bInsufficient\b/g, 'Insuff.'],
  [/\bAuthentication\b/g, 'Authn'],
  [/\bAuthorization\b/g, 'Authz'],
  [/\bEncryption\b/g, 'Enc.'],
];

/** The outcome in fewer words, longest first: the caller takes the first that fits its column. */
function forms(o: CellOutcome): string[] {
  const long = outcomeText(o);
  switch (o.kind) {
    case 'value':
      return [long, ...(o.meaning !== undefined ? [o.meaning, o.meaning.replace(/ \(0x[0-9A-F]+\)$/, '')] : o.text !== undefined ? [`"${o.text}"`] : [o.hex || '(empty)'])];
    case 'written':
      return [long, 'written'];
    case 'sent':
      return [long, 'sent, no answer', 'sent'];
    case 'error': {
      const shorter: string[] = [];
      let t = long;
      for (const [word, short] of SHORT_WORDS) shorter.push((t = t.replace(word, short)));
      return [long, ...shorter];
    }
    default:
      return [long];
  }
}

/** The same in at most `width` columns where a shorter form exists (the caller cuts what is still too long). */
export function shortOutcomeText(o: CellOutcome, width: number): string {
  const all = forms(o);
  return all.find((f) => [...f].length <= width) ?? all.at(-1)!;
}

/** Columns of the shortest form: what a column needs at least to show the outcome whole. */
export function shortestOutcomeWidth(o: CellOutcome): number {
  return Math.min(...forms(o).map((f) => [...f].length));
}
