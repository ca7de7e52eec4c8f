// CoreBluetooth and Android words map to the same model as blebench's own form.
import { describe, expect, it } from 'vitest';
import { defineProfile, type CharacteristicInput } from '../../common/stack/gatt/index.js';
import { meaning, oneService, profileError, VENDOR } from './helpers.js';

const same = (a: CharacteristicInput, b: CharacteristicInput) => expect(meaning(defineProfile(oneService([a])))).toEqual(meaning(defineProfile(oneService([b]))));
const base = { name: 'C', uuid: VENDOR(1) };

describe('CoreBluetooth vocabulary', () => {
  it('readEncryptionRequired + writeEncryptionRequired + notifyEncryptionRequired is read, write, notify all encrypted', () => {
    same(
      { ...base, coreBluetooth: { properties: ['read', 'write', 'notifyEncryptionRequired'], permissions: ['readEncryptionRequired', 'writeEncryptionRequired'] } },
      { ...base, properties: ['read', 'write', 'notify'], security: { read: 'encrypted', write: 'encrypted', notify: 'encrypted' } },
    );
  });

  it('accepts Swift (.readable) and Objective-C (CBAttributePermissionsReadable) spellings', () => {
    same(
      { ...base, coreBluetooth: { properties: ['.read', 'CBCharacteristicPropertyWriteWithoutResponse'], permissions: ['.readable', 'CBAttributePermissionsWriteEncryptionRequired'] } },
      { ...base, properties: ['read', 'writeWithoutResponse'], security: { writeWithoutResponse: 'encrypted' } },
    );
  });

  it('indicateEncryptionRequired sets indicate and its security', () => {
    same({ ...base, coreBluetooth: { properties: ['indicateEncryptionRequired'] } }, { ...base, properties: ['indicate'], security: { indicate: 'encrypted' } });
  });

  it('lets readable and readEncryptionRequired add up to encrypted, as CoreBluetooth does', () => {
    const p = defineProfile(oneService([{ ...base, coreBluetooth: { properties: ['read'], permissions: ['readable', 'readEncryptionRequired'] } }]));
    expect(p.services[0]!.characteristics[0]!.security.read.level).toBe('encrypted');
  });

  it('tolerates .readable on a notify-only characteristic, as Apple sample code writes it', () => {
    const p = defineProfile(oneService([{ ...base, coreBluetooth: { properties: ['notify'], permissions: ['readable'] } }]));
    expect(p.services[0]!.characteristics[0]!.propertiesByte).toBe(0x10);
  });

  it('refuses readEncryptionRequired on a characteristic that cannot be read', () => {
    const e = profileError(() => defineProfile(oneService([{ ...base, coreBluetooth: { properties: ['notify'], permissions: ['readEncryptionRequired'] } }])));
    expect(e.issues).toMatchObject([{ kind: 'security-without-property', path: '/services/0/characteristics/0/coreBluetooth/permissions/0' }]);
  });

  it('names both paths when security.read says none and readEncryptionRequired says encrypted', () => {
    const e = profileError(() =>
      defineProfile(oneService([{ ...base, properties: ['read'], security: { read: 'none' }, coreBluetooth: { permissions: ['readEncryptionRequired'] } }])),
    );
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ kind: 'vocabulary-conflict', path: '/services/0/characteristics/0/coreBluetooth/permissions/0', related: ['/services/0/characteristics/0/security/read'] });
    expect(e.message).toContain('/services/0/characteristics/0/security/read');
    expect(e.message).toContain('/services/0/characteristics/0/coreBluetooth/permissions/0');
  });

  it('accepts the native and CoreBluetooth forms saying the same thing', () => {
    const p = defineProfile(oneService([{ ...base, properties: ['read'], security: { read: { level: 'encrypted', minKeySize: 16 } }, coreBluetooth: { permissions: ['readEncryptionRequired'] } }]));
    expect(p.services[0]!.characteristics[0]!.security.read).toEqual({ level: 'encrypted', minKeySize: 16 });
  });

  it('suggests the right word for a misspelling, and the right list for a permission put among properties', () => {
    const e = profileError(() => defineProfile(oneService([{ ...base, coreBluetooth: { properties: ['read', 'readEncryptionRequired'], permissions: ['writable'] } }])));
    expect(e.issues.map((i) => [i.kind, i.path])).toEqual([
      ['unknown-vocabulary', '/services/0/characteristics/0/coreBluetooth/properties/1'],
      ['unknown-vocabulary', '/services/0/characteristics/0/coreBluetooth/permissions/0'],
    ]);
    expect(e.issues[0]!.message).toMatch(/CBAttributePermissions name: list it under coreBluetooth\.permissions/);
    expect(e.issues[1]!.message).toMatch(/did you mean "writeable"/);
  });
});

describe('Android vocabulary', () => {
  it('PERMISSION_*_ENCRYPTED_MITM is authenticated, and the CCCD write permission is the notify security', () => {
    same(
      {
        ...base,
        android: {
          properties: ['PROPERTY_READ', 'PROPERTY_WRITE', 'PROPERTY_WRITE_NO_RESPONSE', 'PROPERTY_NOTIFY'],
          permissions: ['PERMISSION_READ_ENCRYPTED_MITM', 'PERMISSION_WRITE_ENCRYPTED'],
          cccdPermissions: ['PERMISSION_READ', 'PERMISSION_WRITE_ENCRYPTED_MITM'],
        },
      },
      {
        ...base,
        properties: ['read', 'write', 'writeWithoutResponse', 'notify'],
        security: { read: 'authenticated', write: 'encrypted', writeWithoutResponse: 'encrypted', notify: 'authenticated' },
      },
    );
  });

  it('accepts the BluetoothGattCharacteristic. prefix', () => {
    same(
      { ...base, android: { properties: ['BluetoothGattCharacteristic.PROPERTY_READ'], permissions: ['BluetoothGattCharacteristic.PERMISSION_READ_ENCRYPTED'] } },
      { ...base, properties: ['read'], security: { read: 'encrypted' } },
    );
  });

  it('maps PERMISSION_WRITE_SIGNED_MITM to signed writes needing a MITM key', () => {
    same(
      { ...base, android: { properties: ['PROPERTY_SIGNED_WRITE', 'PROPERTY_WRITE'], permissions: ['PERMISSION_WRITE', 'PERMISSION_WRITE_SIGNED_MITM'] } },
      { ...base, properties: ['authenticatedSignedWrites', 'write'], signedWrite: 'authenticated' },
    );
    const p = defineProfile(oneService([{ ...base, android: { properties: ['PROPERTY_SIGNED_WRITE'], permissions: ['PERMISSION_WRITE_SIGNED'] } }]));
    expect(p.services[0]!.characteristics[0]).toMatchObject({ propertiesByte: 0x40, signedWrite: { mitm: false } });
  });

  it('refuses signed-write permission without the signed-write property', () => {
    const e = profileError(() => defineProfile(oneService([{ ...base, android: { properties: ['PROPERTY_WRITE'], permissions: ['PERMISSION_WRITE_SIGNED'] } }])));
    expect(e.issues).toMatchObject([{ kind: 'security-without-property', path: '/services/0/characteristics/0/android/permissions/0' }]);
  });

  it('names both paths when Android and CoreBluetooth disagree', () => {
    const e = profileError(() =>
      defineProfile(oneService([{ ...base, properties: ['read'], coreBluetooth: { permissions: ['readEncryptionRequired'] }, android: { permissions: ['PERMISSION_READ_ENCRYPTED_MITM'] } }])),
    );
    expect(e.issues).toMatchObject([
      { kind: 'vocabulary-conflict', path: '/services/0/characteristics/0/android/permissions/0', related: ['/services/0/characteristics/0/coreBluetooth/permissions/0'] },
    ]);
  });
});
