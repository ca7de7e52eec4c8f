// Outcomes in words: values as hex and, where printable, text; errors as code and name.
import type { CellOutcome } from './matrix-types.js';

/** Printable ASCII, the range shown as text. */
const PRINTABLE = /^[\x20-\x7e]+$/;

export function valueOutcome(value: Buffer): CellOutcome {
  const text = value.toString('latin1');
  return PRINTABLE.test(text) ? { kind: 'value', hex: value.toString('hex'), text } : { kind: 'value', hex: value.toString('hex') };
}

/** Short form for tables: `"open" (6f70656e)`, `ATT 0x05 Insufficient Authentication`. */
export function outcomeText(o: CellOutcome, maxHex = 16): string {
  const hex = (h: string) => (h.length > maxHex ? `${h.slice(0, maxHex)}…` : h || '(empty)');
  switch (o.kind) {
    case 'value':
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
