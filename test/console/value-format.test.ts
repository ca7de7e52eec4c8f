// What a person types at a console prompt becomes exactly these octets, or is refused with the
// reason before anything is sent.
import { describe, expect, it } from 'vitest';
import { describeValue, parseValue, VALUE_FORMAT_IDS, type ValueFormatId } from '../../common/apps/console/value-format.js';

const ok = (text: string, f: ValueFormatId) => {
  const r = parseValue(text, f);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} as ${f} to parse: ${r.problem}`);
  return r.value.toString('hex');
};
const bad = (text: string, f: ValueFormatId) => {
  const r = parseValue(text, f);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} as ${f} to be refused, got ${r.value.toString('hex')}`);
  return r.problem;
};

describe('hex values', () => {
  it('take octets with or without spaces, colons, dashes and a 0x prefix', () => {
    expect(ok('01 02 ff', 'hex')).toBe('0102ff');
    expect(ok('0102FF', 'hex')).toBe('0102ff');
    expect(ok('0x0102ff', 'hex')).toBe('0102ff');
    expect(ok('  01:02-ff ', 'hex')).toBe('0102ff');
  });
  it('refuse an odd number of digits, naming the count', () => {
    expect(bad('abc', 'hex')).toMatch(/3 hex digits is an odd number/);
    expect(bad('0x1', 'hex')).toMatch(/odd/);
  });
  it('refuse a non-hex digit, naming it', () => expect(bad('01 0g', 'hex')).toMatch(/"g" is not a hex digit/));
  it('refuse nothing typed, but take the word empty as a zero-length value', () => {
    expect(bad('', 'hex')).toMatch(/nothing typed/);
    expect(bad('   ', 'hex')).toMatch(/nothing typed/);
    expect(ok('empty', 'hex')).toBe('');
  });
  it('refuse more than an attribute can hold (512 octets)', () => {
    expect(ok('00'.repeat(512), 'hex')).toHaveLength(1024);
    expect(bad('00'.repeat(513), 'hex')).toMatch(/513 octets is too long.*512/);
  });
});

describe('UTF-8 values', () => {
  it('are the text\'s UTF-8 octets, spaces kept', () => {
    expect(ok('hi', 'utf8')).toBe('6869');
    expect(ok(' a ', 'utf8')).toBe('206120');
    expect(ok('é€', 'utf8')).toBe('c3a9e282ac');
  });
  it('refuse nothing typed', () => expect(bad('', 'utf8')).toMatch(/nothing typed/));
});

describe('integers', () => {
  it('unsigned, each width, both byte orders', () => {
    expect(ok('255', 'uint8')).toBe('ff');
    expect(ok('0x0102', 'uint16le')).toBe('0201');
    expect(ok('258', 'uint16be')).toBe('0102');
    expect(ok('16909060', 'uint32le')).toBe('04030201');
    expect(ok('16909060', 'uint32be')).toBe('01020304');
    expect(ok('4294967295', 'uint32le')).toBe('ffffffff');
  });
  it('signed, each width, both byte orders (two\'s complement)', () => {
    expect(ok('-1', 'int8')).toBe('ff');
    expect(ok('-128', 'int8')).toBe('80');
    expect(ok('-2', 'int16le')).toBe('feff');
    expect(ok('-2', 'int16be')).toBe('fffe');
    expect(ok('-2147483648', 'int32le')).toBe('00000080');
    expect(ok('-2147483648', 'int32be')).toBe('80000000');
    expect(ok('+2150', 'int16le')).toBe('6608');
  });
  it('refuse values out of range, naming the range', () => {
    expect(bad('256', 'uint8')).toMatch(/out of range for uint8: it takes 0\.\.255/);
    expect(bad('-1', 'uint16le')).toMatch(/out of range for uint16/);
    expect(bad('128', 'int8')).toMatch(/-128\.\.127/);
    expect(bad('-32769', 'int16be')).toMatch(/out of range for int16/);
    expect(bad('4294967296', 'uint32be')).toMatch(/out of range for uint32/);
    expect(bad('2147483648', 'int32le')).toMatch(/-2147483648\.\.2147483647/);
    expect(bad('0xff', 'int8')).toMatch(/out of range/);
  });
  it('refuse what is not a whole number, and nothing typed', () => {
    expect(bad('1.5', 'uint8')).toMatch(/not a whole number/);
    expect(bad('12abc', 'uint16le')).toMatch(/not a whole number/);
    expect(bad('1e3', 'int32le')).toMatch(/not a whole number/);
    expect(bad('', 'uint8')).toMatch(/nothing typed/);
  });
});

describe('float32', () => {
  it('IEEE 754 single precision, both byte orders', () => {
    expect(ok('1', 'float32le')).toBe('0000803f');
    expect(ok('1', 'float32be')).toBe('3f800000');
    expect(ok('-2.5', 'float32le')).toBe('000020c0');
    expect(ok('1e-3', 'float32be')).toBe(Buffer.from(new Float32Array([1e-3]).buffer).reverse().toString('hex'));
  });
  it('says when float32 cannot hold the number exactly', () => {
    const r = parseValue('0.1', 'float32le');
    expect(r.ok && r.note).toMatch(/cannot hold 0\.1 exactly/);
    const exact = parseValue('0.5', 'float32le');
    expect(exact.ok && exact.note).toBeFalsy();
  });
  it('refuse what float32 cannot hold, what is not a number, and nothing typed', () => {
    expect(bad('1e39', 'float32le')).toMatch(/out of range for float32/);
    expect(bad('NaN', 'float32le')).toMatch(/not a decimal number/);
    expect(bad('Infinity', 'float32be')).toMatch(/not a decimal number/);
    expect(bad('1,5', 'float32le')).toMatch(/not a decimal number/);
    expect(bad('', 'float32le')).toMatch(/nothing typed/);
  });
});

describe('every format', () => {
  it('refuses an empty answer', () => {
    for (const f of VALUE_FORMAT_IDS) expect(parseValue('', f).ok, f).toBe(false);
  });
});

describe('values shown to people', () => {
  it('give the octets in hex, the text when printable, small numbers as numbers', () => {
    expect(describeValue(Buffer.from('hi'))).toBe('2 octets: 68 69 "hi"');
    expect(describeValue(Buffer.from([0x66, 0x08]))).toBe('2 octets: 66 08 = 2150 (uint16 LE), 2150 (int16 LE)');
    expect(describeValue(Buffer.alloc(0))).toBe('(empty, 0 octets)');
  });
});
