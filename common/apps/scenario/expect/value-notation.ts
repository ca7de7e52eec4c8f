// A value in the notation its scenario wrote it in (UTF-8 text, an integer of a width and byte order,
// a byte list), with the hex beside it: a failed expectation reads "the number 300 (2C 01); got 44
// (2C 00)", not two hex strings the reader has to decode. Integers as value-input.ts writes them
// (little-endian by default, Core v5.4 Vol 3 Part F 3.3).
import type { ValueNotation } from '../scenario.js';
import { hexWords } from './words.js';

/** The octets in the notation, or undefined when they cannot be read that way (bad UTF-8, another width). */
export function inNotation(b: Buffer, n: ValueNotation): string | undefined {
  switch (n.kind) {
    case 'hex':
      return hexWords(b);
    case 'bytes':
      return `[${[...b].join(', ')}]`;
    case 'utf8': {
      const text = b.toString('utf8');
      // Not valid UTF-8: the decoder replaced something; the octets are not this text.
      return Buffer.from(text, 'utf8').equals(b) ? JSON.stringify(text) : undefined;
    }
    case 'number':
      return b.length === n.width ? integerOf(b, n).toString() : undefined;
  }
}

function integerOf(b: Buffer, n: Extract<ValueNotation, { kind: 'number' }>): bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[n.endianness === 'little' ? b.length - 1 - i : i]!);
  const bits = BigInt(b.length * 8);
  return n.signed && v >= 1n << (bits - 1n) ? v - (1n << bits) : v;
}

/** The words for the notation: "the text", "the number" (with its width), "the bytes", "the value". */
export function notationNoun(n: ValueNotation): string {
  switch (n.kind) {
    case 'hex':
      return 'the value';
    case 'bytes':
      return 'the bytes';
    case 'utf8':
      return 'the text';
    case 'number':
      return `the ${n.signed ? 'signed' : 'unsigned'} ${n.width * 8}-bit ${n.endianness}-endian number`;
  }
}

/** `"abc" (61 62 63)`; hex alone for a hex notation; `(2 octets, not a 1-octet number) 01 02` when it does not fit. */
export function showInNotation(b: Buffer, n: ValueNotation): string {
  if (n.kind === 'hex') return hexWords(b);
  const shown = inNotation(b, n);
  if (shown !== undefined) return `${shown} (${hexWords(b)})`;
  const why = n.kind === 'number' ? `not a ${n.width}-octet number` : 'not UTF-8 text';
  return `${hexWords(b)} (${b.length} octet${b.length === 1 ? '' : 's'}, ${why})`;
}
