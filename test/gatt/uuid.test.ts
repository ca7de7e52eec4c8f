// UUIDs in every form a profile author writes reduce to one canonical form. Core v5.4 Vol 3 Part B 2.5.1.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayUuid, isSigUuid, parseUuid, sameUuid, shortUuid, toCanonical, toUuid128, uuid16, uuidToAttBytes } from '../../common/stack/gatt/index.js';

describe('UUIDs', () => {
  it('reads 2A37, 0x2A37, 00002a37 and the full Base UUID form as the same 16-bit UUID', () => {
    for (const form of ['2A37', '0x2A37', '2a37', '00002a37', '00002A37-0000-1000-8000-00805F9B34FB', '00002a3700001000800000805f9b34fb']) {
      expect([form, toCanonical(form)]).toEqual([form, '2a37']);
    }
  });

  it('keeps a 32-bit SIG alias at 8 digits and a vendor UUID at 32', () => {
    expect(toCanonical('0x1234ABCD')).toBe('1234abcd');
    expect(toCanonical('1234ABCD-0000-1000-8000-00805F9B34FB')).toBe('1234abcd');
    expect(toCanonical('B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90')).toBe('b1eb10007e574b3e9c1d2f5e0b1c7a90');
  });

  it('rejects what is not a UUID', () => {
    for (const bad of ['2A3', '0x2A3G', 'b1eb1000-7e57-4b3e-9c1d', '12345', '', 'heart rate', '0x0x2A37', 'b1eb1000-7e57-4b3e-9c1d-2f5e0b1c7a9']) {
      expect([bad, parseUuid(bad)]).toEqual([bad, undefined]);
    }
    expect(() => toCanonical('2A3')).toThrow(/not a Bluetooth UUID/);
  });

  it('expands aliases with the Bluetooth Base UUID', () => {
    expect(toUuid128('2A37')).toBe('00002a37-0000-1000-8000-00805f9b34fb');
    expect(toUuid128('1234abcd')).toBe('1234abcd-0000-1000-8000-00805f9b34fb');
    expect(toUuid128('b1eb10007e574b3e9c1d2f5e0b1c7a90')).toBe('b1eb1000-7e57-4b3e-9c1d-2f5e0b1c7a90');
  });

  it('knows which UUIDs are SIG-assigned', () => {
    expect([isSigUuid('2902'), isSigUuid('0x1234abcd'), isSigUuid('b1eb1000-7e57-4b3e-9c1d-2f5e0b1c7a90')]).toEqual([true, true, false]);
    expect([shortUuid('0x2902'), shortUuid('1234abcd')]).toEqual([0x2902, undefined]);
    expect(uuid16(0x2902)).toBe('2902');
    expect(() => uuid16(0x10000)).toThrow(RangeError);
  });

  it('gives ATT its little-endian octets: 2 for a 16-bit alias, 16 otherwise', () => {
    expect(uuidToAttBytes('2A37')).toEqual(Buffer.from([0x37, 0x2a]));
    const long = uuidToAttBytes('b1eb1000-7e57-4b3e-9c1d-2f5e0b1c7a90');
    expect(long).toHaveLength(16);
    expect([long[0], long[15]]).toEqual([0x90, 0xb1]);
    expect(uuidToAttBytes('1234abcd')).toHaveLength(16);
  });

  it('displays 0x2A37 and dashed uppercase vendor UUIDs', () => {
    expect(displayUuid('2a37')).toBe('0x2A37');
    expect(displayUuid('b1eb10007e574b3e9c1d2f5e0b1c7a90')).toBe('B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90');
  });

  it('canonicalises any 128-bit UUID to a fixed point that round-trips through the dashed form', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const hex = Buffer.from(bytes).toString('hex');
        const c = toCanonical(hex.toUpperCase());
        expect(toCanonical(c)).toBe(c);
        expect(toCanonical(toUuid128(c))).toBe(c);
        expect(sameUuid(hex, toUuid128(hex))).toBe(true);
      }),
    );
  });
});
