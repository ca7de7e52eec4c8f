// The resolved model both roles use: final property bits, the descriptors in the order they are
// served, and the security every (characteristic, operation) requires.
import type { CharacteristicProperties, ExtendedProperties } from './characteristic-properties.js';
import type { DescriptorKind } from './descriptor-types.js';
import type { PresentationFormat } from './presentation-format.js';
import type { GattOperation, SecurityRequirement } from './security-levels.js';
import { parseUuid, type CanonicalUuid } from './uuid.js';

export interface ValueConstraints {
  /** At most 512 octets. Core v5.4 Vol 3 Part F 3.2.9. */
  readonly maxLength: number;
  readonly fixedLength?: number;
  readonly allowedValues?: readonly Buffer[];
}

export interface ResolvedDescriptor {
  readonly kind: DescriptorKind;
  readonly name: string;
  readonly uuid: CanonicalUuid;
  /** The value served first (for the CCCD: 0x0000, nobody subscribed). */
  readonly value: Buffer;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly security: { readonly read: SecurityRequirement; readonly write: SecurityRequirement };
  /** JSON Pointer of what produced it in the profile. */
  readonly path: string;
}

export interface ResolvedCharacteristic {
  readonly name: string;
  readonly uuid: CanonicalUuid;
  readonly about?: string;
  readonly serviceName: string;
  readonly serviceUuid: CanonicalUuid;
  readonly properties: CharacteristicProperties;
  /** The 8-bit Characteristic Properties field. Core v5.4 Vol 3 Part G 3.3.1.1. */
  readonly propertiesByte: number;
  readonly extendedProperties: ExtendedProperties;
  /** Per operation; operations the properties do not allow are `none` and unused. */
  readonly security: Readonly<Record<GattOperation, SecurityRequirement>>;
  /** Present when authenticatedSignedWrites is set: whether the signing key must come from a MITM pairing. */
  readonly signedWrite?: { readonly mitm: boolean };
  readonly userDescription?: string;
  readonly presentationFormat?: PresentationFormat;
  /** In the order they are served: 0x2900, 0x2901, 0x2902, 0x2904, custom. */
  readonly descriptors: readonly ResolvedDescriptor[];
  readonly value: Buffer;
  readonly constraints: ValueConstraints;
  readonly path: string;
}

export interface ResolvedService {
  readonly name: string;
  readonly uuid: CanonicalUuid;
  readonly about?: string;
  readonly primary: boolean;
  /** Names of the included services, in the order given. */
  readonly includes: readonly string[];
  readonly characteristics: readonly ResolvedCharacteristic[];
  readonly path: string;
}

export interface ResolvedProfile {
  readonly name: string;
  readonly about?: string;
  /** Where it came from: a file path, or what defineProfile was told. */
  readonly source: string;
  readonly advertising: { readonly localName: string; readonly serviceUuids: readonly CanonicalUuid[] };
  readonly services: readonly ResolvedService[];
}

export function allCharacteristics(profile: ResolvedProfile): ResolvedCharacteristic[] {
  return profile.services.flatMap((s) => s.characteristics);
}

/** By name, or by UUID when exactly one characteristic has it. */
export function findCharacteristic(profile: ResolvedProfile, nameOrUuid: string): ResolvedCharacteristic | undefined {
  const all = allCharacteristics(profile);
  const byName = all.find((c) => c.name === nameOrUuid);
  if (byName) return byName;
  const uuid = parseUuid(nameOrUuid);
  const byUuid = uuid === undefined ? [] : all.filter((c) => c.uuid === uuid);
  return byUuid.length === 1 ? byUuid[0] : undefined;
}

export function findDescriptor(characteristic: ResolvedCharacteristic, kindOrUuid: DescriptorKind | string): ResolvedDescriptor | undefined {
  const uuid = parseUuid(kindOrUuid);
  return characteristic.descriptors.find((d) => d.kind === kindOrUuid || (uuid !== undefined && d.uuid === uuid) || d.name === kindOrUuid);
}
