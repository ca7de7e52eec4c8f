// One spelling per kind of number in text output: UUIDs, addresses, handles; and names from the one
// table of the SIG's Assigned Numbers (Appearance decoded).
import { describe, expect, it } from 'vitest';
import { formatAddress, formatAddressOctets, formatHandle, formatNamedUuid, formatUuid, uuidName } from '../../common/base/output/format.js';
import { appearanceName, assignedName } from '../../common/base/codes/assigned-numbers.js';
import { describeAssignedValue } from '../../common/stack/gatt/assigned-values.js';
import { displayUuid } from '../../common/stack/gatt/uuid.js';

describe('one spelling', () => {
  it('a UUID in any spelling prints one way: 0x2A00, 0x0000FEED-style 32-bit, dashed uppercase 128-bit', () => {
    for (const u of ['2a00', '2A00', '0x2a00', '00002a00', '00002a00-0000-1000-8000-00805f9b34fb', '00002A0000001000800000805F9B34FB']) expect(formatUuid(u)).toBe('0x2A00');
    expect(formatUuid('1234feed')).toBe('0x1234FEED');
    expect(formatUuid('1234feed-0000-1000-8000-00805f9b34fb')).toBe('0x1234FEED');
    for (const u of ['b1eb10007e574b3e9c1d2f5e0b1c7a90', 'B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90']) expect(formatUuid(u)).toBe('B1EB1000-7E57-4B3E-9C1D-2F5E0B1C7A90');
    // The stack's displayUuid is the same spelling.
    for (const u of ['2a00', '1234feed', 'b1eb10007e574b3e9c1d2f5e0b1c7a90']) expect(displayUuid(u)).toBe(formatUuid(u));
    expect(formatUuid('not a uuid')).toBe('not a uuid');
  });
  it('an address prints as AA:BB:CC:DD:EE:FF whatever the case or separator; from the wire, most significant octet first', () => {
    for (const a of ['b1:eb:01:00:00:01', 'B1-EB-01-00-00-01', 'b1eb01000001', 'B1:EB:01:00:00:01']) expect(formatAddress(a)).toBe('B1:EB:01:00:00:01');
    expect(formatAddressOctets(Buffer.from([0x01, 0x00, 0x00, 0x01, 0xeb, 0xb1]))).toBe('B1:EB:01:00:00:01');
    expect(formatAddressOctets(Buffer.from([0xff, 0x01, 0x00, 0x00, 0x01, 0xeb, 0xb1]), 1)).toBe('B1:EB:01:00:00:01');
    expect(formatAddress('(hidden)')).toBe('(hidden)');
  });
  it('a handle prints as 0x000E: four digits, uppercase, across the whole range', () => {
    expect(formatHandle(0x0e)).toBe('0x000E');
    expect(formatHandle(0x0001)).toBe('0x0001');
    expect(formatHandle(0xffff)).toBe('0xFFFF');
  });
});

describe('names from the Assigned Numbers', () => {
  it('services, characteristics, descriptors and declarations by their lists', () => {
    expect(assignedName(0x1800, 'service')).toBe('Generic Access');
    expect(assignedName(0x1801, 'service')).toBe('Generic Attribute');
    expect(assignedName(0x180f, 'service')).toBe('Battery');
    expect(assignedName(0x2a00, 'characteristic')).toBe('Device Name');
    expect(assignedName(0x2a01, 'characteristic')).toBe('Appearance');
    expect(assignedName(0x2a05, 'characteristic')).toBe('Service Changed');
    expect(assignedName(0x2902, 'descriptor')).toBe('Client Characteristic Configuration');
    expect(assignedName(0x2803, 'declaration')).toBe('Characteristic');
    // A number of one list is not looked up in another.
    expect(assignedName(0x2a00, 'service')).toBeUndefined();
    expect(assignedName(0x2902)).toBe('Client Characteristic Configuration');
    expect(uuidName('00002a05-0000-1000-8000-00805f9b34fb', 'characteristic')).toBe('Service Changed');
    expect(uuidName('b1eb10007e574b3e9c1d2f5e0b1c7a90')).toBeUndefined();
    expect(formatNamedUuid('180f', 'service')).toBe('Battery (0x180F)');
    expect(formatNamedUuid('fff0', 'service')).toBe('0xFFF0');
  });
  it('an Appearance value: category and subcategory (bits 15-6 and 5-0)', () => {
    expect(appearanceName(0x0080)).toBe('Generic Computer');
    expect(appearanceName(0x0000)).toBe('Unknown');
    expect(appearanceName(0x0083)).toBe('Laptop (Computer)');
    expect(appearanceName(0x03c1)).toBe('Keyboard (Human Interface Device)');
    expect(appearanceName(0x00bf)).toBe('Computer, subcategory 0x3F');
    expect(appearanceName(0xffc0)).toBeUndefined();
  });
  it('a read Appearance (uint16, little-endian) and Battery Level are decoded; other lengths are not', () => {
    expect(describeAssignedValue('2a01', Buffer.from([0x80, 0x00]))).toBe('Generic Computer (0x0080)');
    expect(describeAssignedValue('2a01', Buffer.from([0xc0, 0xff]))).toBe('appearance 0xFFC0');
    expect(describeAssignedValue('2a01', Buffer.from([0x80]))).toBeUndefined();
    expect(describeAssignedValue('2a19', Buffer.from([100]))).toBe('100 %');
    expect(describeAssignedValue('2a19', Buffer.from([101]))).toBeUndefined();
    expect(describeAssignedValue('2a00', Buffer.from('x'))).toBeUndefined();
  });
});
