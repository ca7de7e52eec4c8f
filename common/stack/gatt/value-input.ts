// Attribute values written in a profile: hex, UTF-8 text, a byte list, or a number with a width
// and byte order (little-endian by default, the order Bluetooth uses: Core v5.4 Vol 3 Part F 3.3,
// Vol 1 Part E 2.2).
import type { ValueInput } from './profile-input.js';

export type ValueResult = { ok: true; value: Buffer } | { ok: false; problem: string };

const KINDS = ['hex', 'utf8', 'bytes', 'number'] as const;

export function encodeValue(input: ValueInput): ValueResult {
  const given = KINDS.filter((k) => input[k] !== undefined);
  if (given.length !== 1) {
    return problem(
      given.length === 0
        ? 'a value needs one of "hex", "utf8", "bytes" or "number"'
        : `a value takes one of "hex", "utf8", "bytes" or "number", not ${given.map((g) => `"${g}"`).join(' and ')}`,
    );
  }
  const numberOnly = (['width', 'endianness', 'signed'] as const).filter((k) => input[k] !== undefined);
  if (given[0] !== 'number' && numberOnly.length) return problem(`"${numberOnly[0]}" only applies to "number" values`);
  switch (given[0]) {
    case 'hex':
      return hexValue(input.hex!);
    case 'utf8':
      return { ok: true, value: Buffer.from(input.utf8!, 'utf8') };
    case 'bytes':
      return { ok: true, value: Buffer.from(input.bytes!) };
    default:
      return numberValue(input.number!, input.width ?? 1, input.endianness ?? 'little', input.signed ?? false);
  }
}

function hexValue(text: string): ValueResult {
  const digits = text.replace(/^0x/i, '').replace(/[\s:_-]/g, '');
  if (!/^[0-9a-f]*$/i.test(digits)) return problem(`"${text}" is not hex: use digits 0-9 and a-f (spaces or colons between octets are fine)`);
  if (digits.length % 2) return problem(`"${text}" has an odd number of hex digits; each octet takes two`);
  return { ok: true, value: Buffer.from(digits, 'hex') };
}

function numberValue(n: number, width: number, endianness: 'little' | 'big', signed: boolean): ValueResult {
  if (!Number.isInteger(n)) return problem(`${n} is not a whole number; write fractional values as scaled integers (see presentationFormat.exponent)`);
  const bits = BigInt(width * 8);
  const big = BigInt(n);
  const [lo, hi] = signed ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
  if (big < lo || big > hi) {
    return problem(`${n} does not fit in ${width} octet${width > 1 ? 's' : ''} ${signed ? 'signed' : 'unsigned'} (${lo}..${hi}); raise "width"`);
  }
  const value = Buffer.alloc(width);
  const unsignedValue = big < 0n ? (1n << bits) + big : big;
  for (let i = 0; i < width; i++) {
    const octet = Number((unsignedValue >> BigInt(8 * i)) & 0xffn);
    value[endianness === 'little' ? i : width - 1 - i] = octet;
  }
  return { ok: true, value };
}

function problem(text: string): ValueResult {
  return { ok: false, problem: text };
}
