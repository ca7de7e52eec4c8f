// Bluetooth UUIDs: parsing, one canonical form, expansion with the Bluetooth Base UUID.
// Core v5.4 Vol 3 Part B 2.5.1 (UUID, Base UUID 00000000-0000-1000-8000-00805F9B34FB,
// 16- and 32-bit aliases); Vol 3 Part F 3.2.1 (attribute types are 16- or 128-bit on ATT).
import { formatUuid } from '../../base/output/format.js';

/**
 * A UUID in blebench's canonical form, the form noble and bleno use too: lowercase hex, no dashes;
 * a UUID built on the Bluetooth Base UUID is shortened to its 16-bit (4 digits) or 32-bit
 * (8 digits) alias; any other UUID is 32 digits.
 */
export type CanonicalUuid = string;

/** The Bluetooth Base UUID after its first 32 bits. Vol 3 Part B 2.5.1. */
const BASE_TAIL = '00001000800000805f9b34fb';

const SHORT = /^(?:0x)?([0-9a-f]{4}|[0-9a-f]{8})$/i;
const LONG_DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_PLAIN = /^[0-9a-f]{32}$/i;

/** The canonical form of a UUID, or undefined when the text is not a UUID. */
export function parseUuid(text: string): CanonicalUuid | undefined {
  const t = text.trim();
  const short = SHORT.exec(t);
  if (short) return fromHex32(short[1]!.toLowerCase().padStart(8, '0'));
  if (LONG_DASHED.test(t) || LONG_PLAIN.test(t)) {
    const plain = t.replace(/-/g, '').toLowerCase();
    return plain.endsWith(BASE_TAIL) ? fromHex32(plain.slice(0, 8)) : plain;
  }
  return undefined;
}

function fromHex32(hex8: string): CanonicalUuid {
  return hex8.startsWith('0000') ? hex8.slice(4) : hex8;
}

/** Why a text is not a UUID, in the words a profile author needs; undefined when it is one. */
export function uuidProblem(text: string): string | undefined {
  if (parseUuid(text) !== undefined) return undefined;
  return (
    `"${text}" is not a Bluetooth UUID: write a 16-bit one as 2A37 or 0x2A37, a 32-bit one as 8 hex digits, ` +
    'or a 128-bit one as 8-4-4-4-12 hex digits with dashes (or 32 hex digits)'
  );
}

/** Canonical form; throws on text that is not a UUID (use parseUuid to test). */
export function toCanonical(text: string): CanonicalUuid {
  const uuid = parseUuid(text);
  if (uuid === undefined) throw new TypeError(uuidProblem(text));
  return uuid;
}

/** The canonical UUID of a 16-bit SIG number: uuid16(0x2902) is "2902". */
export function uuid16(value: number): CanonicalUuid {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`${value} is not a 16-bit UUID`);
  return value.toString(16).padStart(4, '0');
}

/** The 16-bit value of a UUID built on the Base UUID with a 16-bit alias, else undefined. */
export function shortUuid(text: string): number | undefined {
  const uuid = parseUuid(text);
  return uuid !== undefined && uuid.length === 4 ? parseInt(uuid, 16) : undefined;
}

/** True when the UUID is built on the Bluetooth Base UUID (a SIG-assigned 16- or 32-bit alias). */
export function isSigUuid(text: string): boolean {
  const uuid = parseUuid(text);
  return uuid !== undefined && uuid.length <= 8;
}

/** The full 128-bit form with dashes: 0000XXXX-0000-1000-8000-00805f9b34fb for SIG aliases. Vol 3 Part B 2.5.1. */
export function toUuid128(text: string): string {
  const uuid = toCanonical(text);
  const plain = uuid.length === 32 ? uuid : uuid.padStart(8, '0') + BASE_TAIL;
  return `${plain.slice(0, 8)}-${plain.slice(8, 12)}-${plain.slice(12, 16)}-${plain.slice(16, 20)}-${plain.slice(20)}`;
}

/** Same UUID, whatever the forms. */
export function sameUuid(a: string, b: string): boolean {
  const ca = parseUuid(a);
  return ca !== undefined && ca === parseUuid(b);
}

/**
 * The octets ATT carries, little-endian: 2 for a 16-bit alias, 16 otherwise (a 32-bit alias is
 * sent as 128 bits on ATT). Vol 3 Part F 3.2.1.
 */
export function uuidToAttBytes(text: string): Buffer {
  const uuid = toCanonical(text);
  if (uuid.length === 4) return Buffer.from(uuid, 'hex').reverse();
  return Buffer.from(toUuid128(uuid).replace(/-/g, ''), 'hex').reverse();
}

/** How people read it: 0x2A37 for 16-bit aliases, 0x0000FEED-style for 32-bit, dashed uppercase otherwise (the one spelling, common/base/output/format.ts). */
export function displayUuid(text: string): string {
  return formatUuid(toCanonical(text));
}
