// The Database Hash: AES-CMAC with a key of zero over the attributes that define the database's
// structure, in handle order. Core v5.4 Vol 3 Part G 7.3.1: service, include and characteristic
// declarations and Characteristic Extended Properties give handle, type and value; Characteristic
// User Description, CCCD, Server Characteristic Configuration, Presentation and Aggregate Format give
// handle and type; every other attribute (values, custom descriptors) is left out. Handles and 16-bit
// types are 2 octets little-endian, values as the server would return them (Vol 3 Part F 3.3.1).
import { GATT_DECLARATION, GATT_DESCRIPTOR } from '../../base/codes/gatt.js';
import { aesCmac } from '../smp/aes.js';

/** One attribute as the hash sees it: its handle, its type as ATT carries it (2 or 16 octets), its value. */
export interface HashedAttribute {
  readonly handle: number;
  readonly type: Buffer;
  readonly value: Buffer;
}

/** Attribute types whose handle, type and value are hashed. Vol 3 Part G 7.3.1. */
const WITH_VALUE: ReadonlySet<number> = new Set([GATT_DECLARATION.PRIMARY_SERVICE, GATT_DECLARATION.SECONDARY_SERVICE, GATT_DECLARATION.INCLUDE, GATT_DECLARATION.CHARACTERISTIC, GATT_DESCRIPTOR.EXTENDED_PROPERTIES]);
/** Attribute types whose handle and type only are hashed . Vol 3 Part G 7.3.1. */
const WITHOUT_VALUE: ReadonlySet<number> = new Set([GATT_DESCRIPTOR.USER_DESCRIPTION, GATT_DESCRIPTOR.CCCD, GATT_DESCRIPTOR.SERVER_CONFIGURATION, GATT_DESCRIPTOR.PRESENTATION_FORMAT, GATT_DESCRIPTOR.AGGREGATE_FORMAT]);
const HASH_KEY = Buffer.alloc(16);
const UUID16_LENGTH = 2;

/** The message m the hash is computed over (its parts in handle order). */
export function databaseHashMessage(attributes: Iterable<HashedAttribute>): Buffer {
  const parts: Buffer[] = [];
  for (const a of [...attributes].sort((x, y) => x.handle - y.handle)) {
    // Every hashed type is a 16-bit one; a 128-bit type is never among them.
    if (a.type.length !== UUID16_LENGTH) continue;
    const type = a.type.readUInt16LE(0);
    const withValue = WITH_VALUE.has(type);
    if (!withValue && !WITHOUT_VALUE.has(type)) continue;
    const head = Buffer.alloc(4);
    head.writeUInt16LE(a.handle, 0);
    head.writeUInt16LE(type, 2);
    parts.push(head);
    if (withValue) parts.push(a.value);
  }
  return Buffer.concat(parts);
}

/** AES-CMAC(0, m) as the function gives it (most significant octet first, the spec's notation). Vol 3 Part G 7.3.1. */
export function databaseHash(attributes: Iterable<HashedAttribute>): Buffer {
  return aesCmac(HASH_KEY, databaseHashMessage(attributes));
}

/**
 * The Database Hash characteristic's value: the hash's 16 octets least significant first, as a
 * multi-octet characteristic value goes over ATT (Vol 3 Part F 3.3.1; Zephyr serves it so, and PTS
 * expects it so).
 */
export function databaseHashValue(attributes: Iterable<HashedAttribute>): Buffer {
  return Buffer.from(databaseHash(attributes)).reverse();
}
