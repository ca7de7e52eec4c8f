// Values a person types at a console prompt: hex, UTF-8 text, or a number of a given width,
// signedness and byte order (little-endian is the order Bluetooth uses: Core v5.4 Vol 3 Part F 3.3,
// Vol 1 Part E 2.2). Everything is checked here, before anything goes over the air; an attribute
// value is at most 512 octets (Vol 3 Part F 3.2.9).
import { MAX_ATTRIBUTE_VALUE_LENGTH } from '../../stack/gatt/resolve-value.js';

export type Endianness = 'le' | 'be';

export type ValueFormat =
  | { readonly kind: 'hex' }
  | { readonly kind: 'utf8' }
  | { readonly kind: 'int'; readonly width: 1 | 2 | 4; readonly signed: boolean; readonly endian: Endianness }
  | { readonly kind: 'float32'; readonly endian: Endianness };

export type ValueFormatId =
  | 'hex'
  | 'utf8'
  | 'uint8'
  | 'uint16le'
  | 'uint16be'
  | 'uint32le'
  | 'uint32be'
  | 'int8'
  | 'int16le'
  | 'int16be'
  | 'int32le'
  | 'int32be'
  | 'float32le'
  | 'float32be';

export const VALUE_FORMATS: Readonly<Record<ValueFormatId, { readonly format: ValueFormat; readonly label: string; readonly example: string }>> = {
  hex: { format: { kind: 'hex' }, label: 'hex octets', example: '01 02 ff, 0x0102ff or 01:02:ff' },
  utf8: { format: { kind: 'utf8' }, label: 'UTF-8 text', example: 'hello' },
  uint8: { format: { kind: 'int', width: 1, signed: false, endian: 'le' }, label: 'uint8', example: '0..255' },
  uint16le: { format: { kind: 'int', width: 2, signed: false, endian: 'le' }, label: 'uint16, little-endian', example: '0..65535' },
  uint16be: { format: { kind: 'int', width: 2, signed: false, endian: 'be' }, label: 'uint16, big-endian', example: '0..65535' },
  uint32le: { format: { kind: 'int', width: 4, signed: false, endian: 'le' }, label: 'uint32, little-endian', example: '0..4294967295' },
  uint32be: { format: { kind: 'int', width: 4, signed: false, endian: 'be' }, label: 'uint32, big-endian', example: '0..4294967295' },
  int8: { format: { kind: 'int', width: 1, signed: true, endian: 'le' }, label: 'int8', example: '-128..127' },
  int16le: { format: { kind: 'int', width: 2, signed: true, endian: 'le' }, label: 'int16, little-endian', example: '-32768..32767' },
  int16be: { format: { kind: 'int', width: 2, signed: true, endian: 'be' }, label: 'int16, big-endian', example: '-32768..32767' },
  int32le: { format: { kind: 'int', width: 4, signed: true, endian: 'le' }, label: 'int32, little-endian', example: '-2147483648..2147483647' },
  int32be: { format: { kind: 'int', width: 4, signed: true, endian: 'be' }, label: 'int32, big-endian', example: '-2147483648..2147483647' },
  float32le: { format: { kind: 'float32', endian: 'le' }, label: 'float32 (IEEE 754), little-endian', example: '21.5' },
  float32be: { format: { kind: 'float32', endian: 'be' }, label: 'float32 (IEEE 754), big-endian', example: '21.5' },
};

export const VALUE_FORMAT_IDS = Object.keys(VALUE_FORMATS) as ValueFormatId[];

export type ParsedValue = { readonly ok: true; readonly value: Buffer; readonly note?: string } | { readonly ok: false; readonly problem: string };

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
const DECIMAL_INT = /^[+-]?\d+$/;
const HEX_INT = /^0x[0-9a-f]+$/i;
const DECIMAL_FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parses what was typed in a format; every problem is said in words, and nothing invalid gets through. */
export function parseValue(text: string, format: ValueFormat | ValueFormatId): ParsedValue {
  const f = typeof format === 'string' ? VALUE_FORMATS[format].format : format;
  const parsed = parseIn(text, f);
  if (parsed.ok && parsed.value.length > MAX_ATTRIBUTE_VALUE_LENGTH) {
    return problem(`${parsed.value.length} octets is too long: an attribute value holds at most ${MAX_ATTRIBUTE_VALUE_LENGTH} (Core Vol 3 Part F 3.2.9)`);
  }
  return parsed;
}

function parseIn(text: string, f: ValueFormat): ParsedValue {
  switch (f.kind) {
    case 'hex':
      return parseHex(text);
    case 'utf8':
      return text.length === 0 ? problem('nothing typed: type the text to send') : { ok: true, value: Buffer.from(text, 'utf8') };
    case 'int':
      return parseInteger(text.trim(), f.width, f.signed, f.endian);
    case 'float32':
      return parseFloat32(text.trim(), f.endian);
  }
}

/** Octets as hex: "01 02", "0x0102", "01:02", "01-02"; the word `empty` is a zero-length value. */
function parseHex(text: string): ParsedValue {
  const t = text.trim();
  if (t.toLowerCase() === 'empty') return { ok: true, value: Buffer.alloc(0), note: 'a zero-length value' };
  const digits = t.replace(/^0x/i, '').replace(/[\s:_-]/g, '');
  if (digits.length === 0) return problem('nothing typed: type hex octets such as 01 02 ff (or the word empty for a zero-length value)');
  const bad = /[^0-9a-f]/i.exec(digits);
  if (bad) return problem(`"${bad[0]}" is not a hex digit: use 0-9 and a-f, two per octet (spaces or colons between octets are fine)`);
  if (digits.length % 2) return problem(`${digits.length} hex digits is an odd number: each octet takes two (write 0f, not f)`);
  return { ok: true, value: Buffer.from(digits, 'hex') };
}

function parseInteger(text: string, width: 1 | 2 | 4, signed: boolean, endian: Endianness): ParsedValue {
  const name = `${signed ? 'int' : 'uint'}${width * 8}`;
  if (text.length === 0) return problem(`nothing typed: type a whole number for ${name}`);
  let n: bigint;
  if (DECIMAL_INT.test(text)) n = BigInt(text);
  else if (HEX_INT.test(text)) n = BigInt(text);
  else return problem(`"${text}" is not a whole number: type decimal digits (an optional sign), or 0x and hex digits`);
  const bits = BigInt(width * 8);
  const [lo, hi] = signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
  if (n < lo || n > hi) return problem(`${text} is out of range for ${name}: it takes ${lo}..${hi}`);
  const value = Buffer.alloc(width);
  const v = Number(n);
  if (width === 1) signed ? value.writeInt8(v) : value.writeUInt8(v);
  else if (width === 2) (signed ? (endian === 'le' ? value.writeInt16LE : value.writeInt16BE) : endian === 'le' ? value.writeUInt16LE : value.writeUInt16BE).call(value, v);
  else (signed ? (endian === 'le' ? value.writeInt32LE : value.writeInt32BE) : endian === 'le' ? value.writeUInt32LE : value.writeUInt32BE).call(value, v);
  return { ok: true, value };
}

function parseFloat32(text: string, endian: Endianness): ParsedValue {
  if (text.length === 0) return problem('nothing typed: type a number such as 21.5 or -1e3');
  if (!DECIMAL_FLOAT.test(text)) return problem(`"${text}" is not a decimal number: write it like 21.5, -0.25 or 1e-3`);
  const x = Number(text);
  if (!Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX) return problem(`${text} is out of range for float32: its magnitude must be at most ${FLOAT32_MAX}`);
  const value = Buffer.alloc(4);
  if (endian === 'le') value.writeFloatLE(x);
  else value.writeFloatBE(x);
  const stored = Math.fround(x);
  return stored === x ? { ok: true, value } : { ok: true, value, note: `float32 cannot hold ${text} exactly; it sends ${stored}` };
}

function problem(text: string): ParsedValue {
  return { ok: false, problem: text };
}

/** Printable ASCII: what is shown as text beside the hex. */
const PRINTABLE = /^[\x20-\x7e]+$/;

/** A value for people: its octets in hex, the text when printable, and small numbers as numbers. */
export function describeValue(value: Buffer): string {
  if (value.length === 0) return '(empty, 0 octets)';
  const hex = value.toString('hex').replace(/(..)(?!$)/g, '$1 ');
  const parts = [`${value.length} octet${value.length === 1 ? '' : 's'}: ${hex}`];
  const text = value.toString('utf8');
  if (PRINTABLE.test(text)) parts.push(`"${text}"`);
  else if (value.length === 1) parts.push(`= ${value.readUInt8(0)}`);
  else if (value.length === 2) parts.push(`= ${value.readUInt16LE(0)} (uint16 LE), ${value.readInt16LE(0)} (int16 LE)`);
  else if (value.length === 4) parts.push(`= ${value.readUInt32LE(0)} (uint32 LE)`);
  return parts.join(' ');
}
