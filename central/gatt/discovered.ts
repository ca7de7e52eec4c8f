// What discovery found on one connection: services, characteristics, descriptors, with handles.
// Core v5.4 Vol 3 Part G 3.1 (service), 3.3 (characteristic declaration), 3.3.3 (descriptors).
import { propertyList, type PropertyName } from '../../common/stack/gatt/characteristic-properties.js';
import { parseUuid, type CanonicalUuid } from '../../common/stack/gatt/uuid.js';

export interface DiscoveredDescriptor {
  readonly uuid: CanonicalUuid;
  readonly handle: number;
}

export interface DiscoveredCharacteristic {
  readonly uuid: CanonicalUuid;
  readonly serviceUuid: CanonicalUuid;
  readonly declarationHandle: number;
  readonly valueHandle: number;
  /** Last handle of the characteristic (its descriptors end here). */
  readonly endHandle: number;
  /** The Characteristic Properties octet. Vol 3 Part G 3.3.1.1. */
  readonly properties: number;
  readonly propertyNames: readonly PropertyName[];
  readonly descriptors: readonly DiscoveredDescriptor[];
}

export interface DiscoveredService {
  readonly uuid: CanonicalUuid;
  readonly startHandle: number;
  readonly endHandle: number;
  readonly characteristics: readonly DiscoveredCharacteristic[];
}

/** UUID from the little-endian octets ATT carries (2 or 16), in blebench's canonical form. */
export function uuidFromLe(le: Buffer): CanonicalUuid {
  const hex = Buffer.from(le).reverse().toString('hex');
  return parseUuid(hex) ?? hex;
}

export function hasProperty(c: DiscoveredCharacteristic, name: PropertyName): boolean {
  return c.propertyNames.includes(name);
}

export const propertyNamesOf = (byte: number): PropertyName[] => propertyList(byte);
