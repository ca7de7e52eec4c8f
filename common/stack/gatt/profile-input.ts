// A profile as its author writes it (JSON, YAML or a TypeScript object). profile-schema.ts is
// the same shape as JSON Schema; resolve-profile.ts turns it into the ResolvedProfile both roles use.
import type { GattOperation, SecurityLevel } from './security-levels.js';

/** A level name, or a level with a minimum key size and an ATT error code to answer instead of the spec's. */
export type SecurityInput =
  | SecurityLevel
  | {
      level: SecurityLevel;
      /** 7..16 octets; only for encrypted and authenticated. */
      minKeySize?: number;
      /** 1..255, as a number, "0x0F", or an ATT error name like "INSUFFICIENT_ENCRYPTION". */
      errorOverride?: number | string;
    };

/** Exactly one of hex, utf8, bytes or number. Numbers are little-endian unless told otherwise (Bluetooth's order). */
export interface ValueInput {
  hex?: string;
  utf8?: string;
  bytes?: number[];
  number?: number;
  width?: 1 | 2 | 3 | 4 | 6 | 8;
  endianness?: 'little' | 'big';
  signed?: boolean;
}

/** The characteristic properties a profile may list; extendedProperties is derived (reliableWrite, writableAuxiliaries). */
export type NativePropertyName =
  | 'broadcast'
  | 'read'
  | 'writeWithoutResponse'
  | 'write'
  | 'notify'
  | 'indicate'
  | 'authenticatedSignedWrites'
  | 'extendedProperties';

export interface PresentationFormatInput {
  /** Assigned Numbers format name: uint8, sint16, utf8s, medfloat16, ... */
  format: string;
  exponent?: number;
  /** Unit UUID (16-bit), e.g. "0x27AD" (percentage) or 0x2727. */
  unit?: string | number;
  namespace?: number;
  description?: number;
}

export interface CustomDescriptorInput {
  name: string;
  uuid: string;
  value?: ValueInput;
  readable?: boolean;
  writable?: boolean;
  security?: { read?: SecurityInput; write?: SecurityInput };
}

export interface CharacteristicInput {
  name: string;
  uuid: string;
  /** What it is for; documentation only. */
  about?: string;
  properties?: NativePropertyName[];
  /** Prepare/Execute Write allowed as a reliable write; adds 0x2900 bit 0. */
  reliableWrite?: boolean;
  /** The User Description is writable; adds 0x2900 bit 1. */
  writableAuxiliaries?: boolean;
  security?: Partial<Record<GattOperation, SecurityInput>>;
  /** Signed writes need a CSRK from this kind of pairing (LE security mode 2, Vol 3 Part C 10.2.2). */
  signedWrite?: 'unauthenticated' | 'authenticated';
  /** CoreBluetooth words: CBCharacteristicProperties and CBAttributePermissions names. */
  coreBluetooth?: { properties?: string[]; permissions?: string[] };
  /** Android words: BluetoothGattCharacteristic PROPERTY_* and PERMISSION_* names; cccdPermissions: the CCCD's BluetoothGattDescriptor PERMISSION_*. */
  android?: { properties?: string[]; permissions?: string[]; cccdPermissions?: string[] };
  /** 0x2901. */
  userDescription?: string;
  /** 0x2904. */
  presentationFormat?: PresentationFormatInput;
  /** 0x2902 is added automatically for notify/indicate; this sets its write security. */
  cccd?: { security?: SecurityInput };
  descriptors?: CustomDescriptorInput[];
  value?: ValueInput;
  constraints?: { maxLength?: number; fixedLength?: number; allowedValues?: ValueInput[] };
}

export interface ServiceInput {
  name: string;
  uuid: string;
  about?: string;
  type?: 'primary' | 'secondary';
  /** Names (or UUIDs) of other services in this profile that this one includes. */
  includes?: string[];
  characteristics?: CharacteristicInput[];
}

export interface ProfileInput {
  $schema?: string;
  name: string;
  about?: string;
  advertising?: { localName?: string; serviceUuids?: string[] };
  /** Default minimum key size for every encrypted or authenticated operation (7..16). */
  minKeySize?: number;
  /** Where and when the profile was recorded from a device (`blebench central --save-profile`); documentation only. */
  recorded?: RecordedInput;
  services: ServiceInput[];
}

/** A recorded profile's provenance, and what the matrix could not tell (each guess in words). */
export interface RecordedInput {
  /** ISO 8601 time of the recording. */
  at: string;
  /** The program and version that recorded it, e.g. "blebench 0.1.0 central". */
  by: string;
  from?: { address?: string; addressType?: string; name?: string; serviceUuids?: string[] };
  /** The --transport the device was reached over. */
  transport?: string;
  /** The machine that recorded it. */
  host?: string;
  /** The matrix's pairing policy. */
  policy?: string;
  /** Each pairing the matrix made, in words. */
  pairings?: string[];
  guesses?: string[];
}
