// The words platform developers already use, mapped to blebench's model:
// CoreBluetooth's CBCharacteristicProperties / CBAttributePermissions and Android's
// BluetoothGattCharacteristic PROPERTY_* / PERMISSION_*. Each word becomes property bits and
// security claims; resolve-characteristic.ts merges them with the native form and reports conflicts.
import type { PropertyName } from './characteristic-properties.js';
import { didYouMean } from '../../base/input/did-you-mean.js';
import type { CharacteristicInput } from './profile-input.js';
import { IssueList, pointer } from './profile-issues.js';
import type { GattOperation, SecurityLevel } from './security-levels.js';

export type Vocabulary = 'coreBluetooth' | 'android';

/** A security level one word asks for, on the first of `ops` the characteristic has (all of them for writes and subscriptions). */
export interface SecurityClaim {
  readonly ops: readonly GattOperation[];
  readonly level: SecurityLevel;
  readonly path: string;
  readonly source: Vocabulary | 'native';
}

export interface VocabularyClaims {
  readonly properties: Array<{ name: PropertyName; path: string }>;
  readonly security: SecurityClaim[];
  signedWrite?: { mitm: boolean; path: string };
}

type Meaning = { property?: PropertyName; ops?: readonly GattOperation[]; level?: SecurityLevel; signed?: 'unauthenticated' | 'authenticated' };

const WRITES = ['write', 'writeWithoutResponse'] as const;
const SUBSCRIPTIONS = ['notify', 'indicate'] as const;

/** CBCharacteristicProperties. */
const CB_PROPERTIES: Record<string, Meaning> = {
  broadcast: { property: 'broadcast' },
  read: { property: 'read' },
  writeWithoutResponse: { property: 'writeWithoutResponse' },
  write: { property: 'write' },
  notify: { property: 'notify' },
  indicate: { property: 'indicate' },
  authenticatedSignedWrites: { property: 'authenticatedSignedWrites' },
  extendedProperties: { property: 'extendedProperties' },
  notifyEncryptionRequired: { property: 'notify', ops: ['notify'], level: 'encrypted' },
  indicateEncryptionRequired: { property: 'indicate', ops: ['indicate'], level: 'encrypted' },
};

/** CBAttributePermissions. */
const CB_PERMISSIONS: Record<string, Meaning> = {
  readable: { ops: ['read'], level: 'none' },
  writeable: { ops: WRITES, level: 'none' },
  readEncryptionRequired: { ops: ['read'], level: 'encrypted' },
  writeEncryptionRequired: { ops: WRITES, level: 'encrypted' },
};

/** BluetoothGattCharacteristic.PROPERTY_*. */
const ANDROID_PROPERTIES: Record<string, Meaning> = {
  PROPERTY_BROADCAST: { property: 'broadcast' },
  PROPERTY_READ: { property: 'read' },
  PROPERTY_WRITE_NO_RESPONSE: { property: 'writeWithoutResponse' },
  PROPERTY_WRITE: { property: 'write' },
  PROPERTY_NOTIFY: { property: 'notify' },
  PROPERTY_INDICATE: { property: 'indicate' },
  PROPERTY_SIGNED_WRITE: { property: 'authenticatedSignedWrites' },
  PROPERTY_EXTENDED_PROPS: { property: 'extendedProperties' },
};

/** BluetoothGattCharacteristic.PERMISSION_*. */
const ANDROID_PERMISSIONS: Record<string, Meaning> = {
  PERMISSION_READ: { ops: ['read'], level: 'none' },
  PERMISSION_READ_ENCRYPTED: { ops: ['read'], level: 'encrypted' },
  PERMISSION_READ_ENCRYPTED_MITM: { ops: ['read'], level: 'authenticated' },
  PERMISSION_WRITE: { ops: WRITES, level: 'none' },
  PERMISSION_WRITE_ENCRYPTED: { ops: WRITES, level: 'encrypted' },
  PERMISSION_WRITE_ENCRYPTED_MITM: { ops: WRITES, level: 'authenticated' },
  PERMISSION_WRITE_SIGNED: { signed: 'unauthenticated' },
  PERMISSION_WRITE_SIGNED_MITM: { signed: 'authenticated' },
};

/**
 * BluetoothGattDescriptor.PERMISSION_* on the CCCD. Android has no notify permission: its
 * developers protect a subscription with the CCCD's write permission, so blebench reads that as
 * the notify/indicate security. The CCCD is always readable (Core v5.4 Vol 3 Part G 3.3.3.3).
 */
const ANDROID_CCCD_PERMISSIONS: Record<string, Meaning> = {
  PERMISSION_READ: {},
  PERMISSION_READ_ENCRYPTED: {},
  PERMISSION_READ_ENCRYPTED_MITM: {},
  PERMISSION_WRITE: { ops: SUBSCRIPTIONS, level: 'none' },
  PERMISSION_WRITE_ENCRYPTED: { ops: SUBSCRIPTIONS, level: 'encrypted' },
  PERMISSION_WRITE_ENCRYPTED_MITM: { ops: SUBSCRIPTIONS, level: 'authenticated' },
};

/** ".notifyEncryptionRequired", "CBAttributePermissionsReadable", "readable" → the table's key. */
function coreBluetoothKey(word: string): string {
  const bare = word.trim().replace(/^\./, '').replace(/^CB(CharacteristicProperty|AttributePermissions)/, '');
  return bare.charAt(0).toLowerCase() + bare.slice(1);
}

/** "BluetoothGattCharacteristic.PERMISSION_READ" → "PERMISSION_READ". */
function androidKey(word: string): string {
  return word.trim().replace(/^(android\.bluetooth\.)?BluetoothGatt(Characteristic|Descriptor)\./, '');
}

export function readVocabularies(input: CharacteristicInput, at: string, issues: IssueList): VocabularyClaims {
  const claims: VocabularyClaims = { properties: [], security: [] };
  const lists: Array<[Vocabulary, string, string[] | undefined, Record<string, Meaning>, (w: string) => string, Record<string, Meaning>, string]> = [
    ['coreBluetooth', 'properties', input.coreBluetooth?.properties, CB_PROPERTIES, coreBluetoothKey, CB_PERMISSIONS, 'a CBAttributePermissions name: list it under coreBluetooth.permissions'],
    ['coreBluetooth', 'permissions', input.coreBluetooth?.permissions, CB_PERMISSIONS, coreBluetoothKey, CB_PROPERTIES, 'a CBCharacteristicProperties name: list it under coreBluetooth.properties'],
    ['android', 'properties', input.android?.properties, ANDROID_PROPERTIES, androidKey, ANDROID_PERMISSIONS, 'a permission: list it under android.permissions'],
    ['android', 'permissions', input.android?.permissions, ANDROID_PERMISSIONS, androidKey, ANDROID_PROPERTIES, 'a property: list it under android.properties'],
    ['android', 'cccdPermissions', input.android?.cccdPermissions, ANDROID_CCCD_PERMISSIONS, androidKey, ANDROID_PROPERTIES, 'a characteristic property, not a descriptor permission'],
  ];
  for (const [vocabulary, list, words, table, key, otherTable, otherHint] of lists) {
    (words ?? []).forEach((word, i) => {
      const path = at + pointer(vocabulary, list, i);
      const meaning = table[key(word)];
      if (!meaning) {
        const elsewhere = otherTable[key(word)] ? `; "${word}" is ${otherHint}` : didYouMean(key(word), Object.keys(table));
        issues.add('unknown-vocabulary', path, `"${word}" is not a ${vocabularyName(vocabulary)} ${listName(list)} name${elsewhere}`);
        return;
      }
      if (meaning.property) claims.properties.push({ name: meaning.property, path });
      if (meaning.level && meaning.ops) claims.security.push({ ops: meaning.ops, level: meaning.level, path, source: vocabulary });
      if (meaning.signed) claims.signedWrite = { mitm: meaning.signed === 'authenticated', path };
    });
  }
  return claims;
}

function vocabularyName(v: Vocabulary): string {
  return v === 'coreBluetooth' ? 'CoreBluetooth' : 'Android';
}

function listName(list: string): string {
  return list === 'cccdPermissions' ? 'descriptor permission' : list === 'properties' ? 'property' : 'permission';
}
