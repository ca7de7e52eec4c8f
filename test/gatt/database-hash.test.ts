// The Database Hash (Core v5.4 Vol 3 Part G 7.3.1) against the spec's own example database and hash
// (the GAP, GATT, Glucose and Battery example of Vol 3 Part G 7.3.1's sample data: hash
// F1CA2D48ECF58BAC8A8830BBB9FBA990), and against a database small enough to work by hand.
import { describe, expect, it } from 'vitest';
import { aesCmac } from '../../common/stack/smp/aes.js';
import { databaseHash, databaseHashMessage, databaseHashValue, type HashedAttribute } from '../../common/stack/gatt/database-hash.js';

const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
const attr = (handle: number, type: number, value: string): HashedAttribute => ({ handle, type: u16(type), value: Buffer.from(value.replace(/\s/g, ''), 'hex') });

/** The spec's example: GAP (1-5), GATT (6-13) with Service Changed, CCCD, Client Supported Features, Database Hash, Glucose (14-19) including Battery (20-22). */
const SPEC_EXAMPLE: HashedAttribute[] = [
  attr(0x0001, 0x2800, '0018'),
  attr(0x0002, 0x2803, '0a 0300 002a'),
  attr(0x0003, 0x2a00, '426c65'), // Device Name value: not hashed
  attr(0x0004, 0x2803, '02 0500 012a'),
  attr(0x0005, 0x2a01, '0000'),
  attr(0x0006, 0x2800, '0118'),
  attr(0x0007, 0x2803, '20 0800 052a'),
  attr(0x0008, 0x2a05, ''),
  attr(0x0009, 0x2902, '0000'), // CCCD: handle and type only
  attr(0x000a, 0x2803, '0a 0b00 292b'),
  attr(0x000b, 0x2b29, '00'),
  attr(0x000c, 0x2803, '02 0d00 2a2b'),
  attr(0x000d, 0x2b2a, '00000000000000000000000000000000'),
  attr(0x000e, 0x2800, '0818'),
  attr(0x000f, 0x2802, '1400 1600 0f18'),
  attr(0x0010, 0x2803, 'a2 1100 182a'),
  attr(0x0011, 0x2a18, '01020304'),
  attr(0x0012, 0x2902, '0000'),
  attr(0x0013, 0x2900, '0000'),
  attr(0x0014, 0x2801, '0f18'),
  attr(0x0015, 0x2803, '02 1600 192a'),
  attr(0x0016, 0x2a19, '64'),
];

describe('Database Hash (Core v5.4 Vol 3 Part G 7.3.1)', () => {
  it("the spec's example database hashes to F1CA2D48ECF58BAC8A8830BBB9FBA990", () => {
    expect(databaseHash(SPEC_EXAMPLE).toString('hex').toUpperCase()).toBe('F1CA2D48ECF58BAC8A8830BBB9FBA990');
  });

  it('is served least significant octet first (the characteristic value), the CMAC reversed', () => {
    expect(databaseHashValue(SPEC_EXAMPLE).toString('hex').toUpperCase()).toBe('90A9FBB9BB30888AAC8BF5EC482DCAF1');
  });

  it('leaves out characteristic values and custom descriptors, keeps CCCD handle and type without value, and takes attributes in handle order', () => {
    const small = [attr(0x0003, 0x2902, 'ffff'), attr(0x0002, 0x2a00, 'abcd'), attr(0x0001, 0x2800, '0018'), attr(0x0004, 0x2999, '01')];
    // By hand: 0100 0028 0018 | 0300 0229
    const m = Buffer.from('010000280018' + '03000229', 'hex');
    expect(databaseHashMessage(small).toString('hex')).toBe(m.toString('hex'));
    expect(databaseHash(small)).toEqual(aesCmac(Buffer.alloc(16), m));
  });

  it('moving a characteristic by one handle changes the hash; changing a characteristic value does not', () => {
    const base = databaseHash(SPEC_EXAMPLE);
    const moved = SPEC_EXAMPLE.map((a) => (a.handle === 0x0015 ? { ...a, value: Buffer.from('02 1700 192a'.replace(/\s/g, ''), 'hex') } : a));
    expect(databaseHash(moved)).not.toEqual(base);
    const newValue = SPEC_EXAMPLE.map((a) => (a.handle === 0x0016 ? { ...a, value: Buffer.from('05', 'hex') } : a));
    expect(databaseHash(newValue)).toEqual(base);
  });

  it('an empty database is the CMAC of the empty message', () => {
    expect(databaseHash([])).toEqual(aesCmac(Buffer.alloc(16), Buffer.alloc(0)));
  });
});
