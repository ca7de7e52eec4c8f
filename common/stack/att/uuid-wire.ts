// Attribute types on ATT: 16-bit or 128-bit, little-endian. Core v5.4 Vol 3 Part F 3.2.1; a 16-bit
// UUID stands for its 128-bit form on the Bluetooth Base UUID (Vol 3 Part B 2.5.1).
import { parseUuid, uuidToAttBytes, type CanonicalUuid } from '../gatt/uuid.js';

/** The two UUID lengths ATT carries, in octets. Vol 3 Part F 3.2.1. */
export const ATT_UUID16_LENGTH = 2;
export const ATT_UUID128_LENGTH = 16;

/** Whether `n` octets can be an attribute type on ATT. */
export const isAttUuidLength = (n: number): boolean => n === ATT_UUID16_LENGTH || n === ATT_UUID128_LENGTH;

/** The wire octets of a UUID given as text ("2a00", "0x2A00", 128-bit with or without dashes); 32-bit aliases go as 128 bits. */
export function attUuidToWire(text: string): Buffer {
  return uuidToAttBytes(text);
}

/** The 2 wire octets of a 16-bit UUID. */
export function attUuid16(value: number): Buffer {
  const b = Buffer.alloc(ATT_UUID16_LENGTH);
  b.writeUInt16LE(value);
  return b;
}

/** The canonical text (common/stack/gatt/uuid.ts) of 2 or 16 wire octets; undefined for any other length. */
export function attUuidFromWire(wire: Buffer): CanonicalUuid | undefined {
  if (!isAttUuidLength(wire.length)) return undefined;
  return parseUuid(Buffer.from(wire).reverse().toString('hex'));
}

/** Same attribute type, whatever the lengths: 16-bit 0x2A00 equals its 128-bit Base UUID form. */
export function sameAttUuid(a: Buffer, b: Buffer): boolean {
  if (a.length === b.length) return a.equals(b);
  const ta = attUuidFromWire(a);
  return ta !== undefined && ta === attUuidFromWire(b);
}
