// The rules that turn a profile into the model: CCCD security, descriptors, values, constraints,
// services. Written as TypeScript objects through defineProfile.
import { describe, expect, it } from 'vitest';
import { BadInputError, EXIT } from '../../common/base/errors/blebench-error.js';
import { checkValue, defineProfile, type CharacteristicInput, type ResolvedCharacteristic } from '../../common/stack/gatt/index.js';
import { oneService, profileError, VENDOR } from './helpers.js';

const base = { name: 'C', uuid: VENDOR(1) };
const resolve = (c: CharacteristicInput): ResolvedCharacteristic => defineProfile(oneService([c])).services[0]!.characteristics[0]!;
const cccd = (c: ResolvedCharacteristic) => c.descriptors.find((d) => d.kind === 'cccd')!;
const issuesOf = (c: CharacteristicInput) => profileError(() => defineProfile(oneService([c]))).issues.map((i) => [i.kind, i.path]);
const at = (rest: string) => `/services/0/characteristics/0${rest}`;

describe('CCCD', () => {
  it('CCCD write security defaults to the notify security', () => {
    expect(cccd(resolve({ ...base, properties: ['notify'], security: { notify: { level: 'encrypted', minKeySize: 12 } } })).security.write).toEqual({ level: 'encrypted', minKeySize: 12 });
  });

  it('CCCD write security defaults to the indicate security', () => {
    expect(cccd(resolve({ ...base, properties: ['indicate'], security: { indicate: 'authenticated' } })).security.write.level).toBe('authenticated');
  });

  it('with notify and indicate, the CCCD takes the stricter of the two', () => {
    const c = resolve({ ...base, properties: ['notify', 'indicate'], security: { notify: 'encrypted', indicate: { level: 'authenticated', minKeySize: 10 } } });
    expect(cccd(c).security.write).toEqual({ level: 'authenticated', minKeySize: 10 });
    const d = resolve({ ...base, properties: ['notify', 'indicate'], security: { notify: { level: 'encrypted', minKeySize: 16 }, indicate: 'none' } });
    expect(cccd(d).security.write).toEqual({ level: 'encrypted', minKeySize: 16 });
  });

  it('asks for an explicit CCCD security when notify needs authorization and indicate needs encryption', () => {
    expect(issuesOf({ ...base, properties: ['notify', 'indicate'], security: { notify: 'authorized', indicate: 'encrypted' } })).toEqual([['inconsistent', at('/security')]]);
    const c = resolve({ ...base, properties: ['notify', 'indicate'], security: { notify: 'authorized', indicate: 'encrypted' }, cccd: { security: 'encrypted' } });
    expect(cccd(c).security.write.level).toBe('encrypted');
  });

  it('cccd.security overrides the default and is readable by anyone', () => {
    const c = resolve({ ...base, properties: ['notify'], security: { notify: 'none' }, cccd: { security: 'authenticated' } });
    expect(cccd(c).security).toEqual({ read: { level: 'none', minKeySize: 7 }, write: { level: 'authenticated', minKeySize: 7 } });
  });

  it('explains that a hand-declared CCCD is added automatically', () => {
    const e = profileError(() => defineProfile(oneService([{ ...base, properties: ['notify'], descriptors: [{ name: 'CCCD', uuid: '2902' }] }])));
    expect(e.issues).toMatchObject([{ kind: 'managed-descriptor', path: at('/descriptors/0/uuid') }]);
    expect(e.message).toMatch(/added automatically because this characteristic notifies or indicates/);
  });

  it('refuses cccd settings on a characteristic that neither notifies nor indicates', () => {
    expect(issuesOf({ ...base, properties: ['read'], cccd: { security: 'encrypted' } })).toEqual([['security-without-property', at('/cccd')]]);
  });
});

describe('descriptors and property bits', () => {
  it('adds 0x2900 with both bits when reliable write and writable auxiliaries apply, and sets 0x80', () => {
    const c = resolve({ ...base, properties: ['read', 'write'], reliableWrite: true, writableAuxiliaries: true, userDescription: 'x' });
    expect(c.propertiesByte).toBe(0x8a);
    expect(c.descriptors.map((d) => d.uuid)).toEqual(['2900', '2901']);
    expect(c.descriptors[0]!.value).toEqual(Buffer.from([0x03, 0x00]));
  });

  it('never adds 0x2900 without reliable write or writable auxiliaries, and refuses extendedProperties listed alone', () => {
    expect(resolve({ ...base, properties: ['read', 'write'] }).descriptors).toEqual([]);
    expect(issuesOf({ ...base, properties: ['read', 'extendedProperties'] })).toEqual([['inconsistent', at('/properties/1')]]);
  });

  it('orders descriptors 0x2900, 0x2901, 0x2902, 0x2904, then custom ones as written', () => {
    const c = resolve({
      ...base,
      properties: ['write', 'notify'],
      reliableWrite: true,
      descriptors: [{ name: 'Z', uuid: VENDOR(0xd1) }, { name: 'Valid Range', uuid: '2906' }],
      presentationFormat: { format: 'utf8s' },
      userDescription: 'hello',
    });
    expect(c.descriptors.map((d) => d.uuid)).toEqual(['2900', '2901', '2902', '2904', 'b1eb00d17e574b3e9c1d2f5e0b1c7a90', '2906']);
  });

  it('sets every property bit from its name', () => {
    const c = resolve({ ...base, properties: ['broadcast', 'read', 'writeWithoutResponse', 'write', 'notify', 'indicate', 'authenticatedSignedWrites'], reliableWrite: true });
    expect(c.propertiesByte).toBe(0xff);
  });

  it('reads Presentation Format names from the Assigned Numbers, with the old aliases', () => {
    expect(resolve({ ...base, properties: ['read'], presentationFormat: { format: 'SFLOAT', unit: 0x2728 } }).presentationFormat).toMatchObject({ format: 0x16, formatName: 'medfloat16', unit: 0x2728 });
    expect(issuesOf({ ...base, properties: ['read'], presentationFormat: { format: 'uint9' } })).toEqual([['not-allowed-value', at('/presentationFormat/format')]]);
  });

  it('gives custom descriptors their own permissions and security', () => {
    const c = resolve({ ...base, properties: ['read'], descriptors: [{ name: 'Secret', uuid: VENDOR(0xd2), writable: true, security: { write: 'encrypted' }, value: { utf8: 'x' } }] });
    expect(c.descriptors[0]).toMatchObject({ kind: 'custom', name: 'Secret', readable: true, writable: true, value: Buffer.from('x') });
    expect(c.descriptors[0]!.security.write.level).toBe('encrypted');
    expect(issuesOf({ ...base, properties: ['read'], descriptors: [{ name: 'D', uuid: VENDOR(0xd2), security: { write: 'encrypted' } }] })).toEqual([
      ['security-without-property', at('/descriptors/0/security/write')],
    ]);
  });
});

describe('security settings', () => {
  it('applies the profile-wide minimum key size to encrypted operations only', () => {
    const p = defineProfile({ ...oneService([{ ...base, properties: ['read', 'write'], security: { read: 'encrypted' } }]), minKeySize: 16 });
    expect(p.services[0]!.characteristics[0]!.security).toMatchObject({ read: { level: 'encrypted', minKeySize: 16 }, write: { level: 'none', minKeySize: 7 } });
  });

  it('accepts the override as a number, hex or an ATT error name', () => {
    for (const errorOverride of [15, '0x0F', 'INSUFFICIENT_ENCRYPTION']) {
      expect(resolve({ ...base, properties: ['read'], security: { read: { level: 'encrypted', errorOverride } } }).security.read.errorOverride).toBe(0x0f);
    }
    expect(issuesOf({ ...base, properties: ['read'], security: { read: { level: 'encrypted', errorOverride: 'INSUFFICIENT_ENCRYPTON' } } })).toEqual([
      ['not-allowed-value', at('/security/read/errorOverride')],
    ]);
  });

  it('refuses a minimum key size or an override where nothing is encrypted or refused', () => {
    expect(issuesOf({ ...base, properties: ['read'], security: { read: { level: 'none', minKeySize: 16, errorOverride: 5 } } })).toEqual([
      ['inconsistent', at('/security/read/minKeySize')],
      ['inconsistent', at('/security/read/errorOverride')],
    ]);
  });

  it('refuses notify security on a characteristic without the notify property', () => {
    expect(issuesOf({ ...base, properties: ['read'], security: { notify: 'encrypted' } })).toEqual([['security-without-property', at('/security/notify')]]);
  });
});

describe('values and constraints', () => {
  const value = (v: CharacteristicInput['value']) => resolve({ ...base, properties: ['read'], value: v }).value;

  it('encodes hex, UTF-8, byte lists and numbers (little-endian unless told)', () => {
    expect(value({ hex: '0A:0b 0C' })).toEqual(Buffer.from([0x0a, 0x0b, 0x0c]));
    expect(value({ utf8: 'é' })).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(value({ bytes: [1, 255] })).toEqual(Buffer.from([1, 255]));
    expect(value({ number: 0x1234, width: 2 })).toEqual(Buffer.from([0x34, 0x12]));
    expect(value({ number: 0x1234, width: 2, endianness: 'big' })).toEqual(Buffer.from([0x12, 0x34]));
    expect(value({ number: -2, width: 3, signed: true })).toEqual(Buffer.from([0xfe, 0xff, 0xff]));
    expect(value({ number: 2 ** 40 + 1, width: 8 })).toEqual(Buffer.from([1, 0, 0, 0, 0, 1, 0, 0]));
  });

  it('refuses values that do not say what they are or do not fit', () => {
    expect(issuesOf({ ...base, properties: ['read'], value: { hex: 'abc' } })).toEqual([['bad-value', at('/value')]]);
    expect(issuesOf({ ...base, properties: ['read'], value: { number: 256 } })).toEqual([['bad-value', at('/value')]]);
    expect(issuesOf({ ...base, properties: ['read'], value: { hex: '00', utf8: 'a' } })).toEqual([['bad-value', at('/value')]]);
    expect(issuesOf({ ...base, properties: ['read'], value: { utf8: 'a', width: 2 } })).toEqual([['bad-value', at('/value')]]);
  });

  it('checks the initial value against fixedLength, maxLength and allowed values', () => {
    expect(issuesOf({ ...base, properties: ['read'], value: { number: 1 }, constraints: { fixedLength: 2 } })).toEqual([['value-constraint', at('/value')]]);
    expect(issuesOf({ ...base, properties: ['read'], value: { utf8: 'abc' }, constraints: { maxLength: 2 } })).toEqual([['value-constraint', at('/value')]]);
    expect(issuesOf({ ...base, properties: ['read'], value: { number: 3 }, constraints: { allowedValues: [{ number: 1 }, { number: 2 }] } })).toEqual([['value-constraint', at('/value')]]);
    expect(issuesOf({ ...base, properties: ['read'], constraints: { fixedLength: 4, maxLength: 2 } })).toEqual([['value-constraint', at('/constraints/fixedLength')]]);
    expect(issuesOf({ ...base, properties: ['read'], value: { utf8: 'x'.repeat(513) } })).toEqual([['value-constraint', at('/value')]]);
  });

  it('starts a fixed-length value at zeros when none is given', () => {
    expect(resolve({ ...base, properties: ['read'], constraints: { fixedLength: 3 } }).value).toEqual(Buffer.alloc(3));
  });

  it('answers writes that break the constraints with 0x0D and 0x13', () => {
    const c = resolve({ ...base, properties: ['write'], constraints: { fixedLength: 1, allowedValues: [{ number: 1 }] } });
    expect(checkValue(c.constraints, Buffer.from([1]))).toEqual({ ok: true });
    expect(checkValue(c.constraints, Buffer.from([1, 2]))).toMatchObject({ ok: false, attError: 0x0d });
    expect(checkValue(c.constraints, Buffer.from([2]))).toMatchObject({ ok: false, attError: 0x13 });
    expect(checkValue(resolve({ ...base, properties: ['write'] }).constraints, Buffer.alloc(513))).toMatchObject({ ok: false, attError: 0x0d });
  });
});

describe('services', () => {
  it('resolves secondary and included services by name or UUID', () => {
    const p = defineProfile({
      name: 'p',
      services: [
        { name: 'Main', uuid: VENDOR(0xa0), includes: ['Helper', '180F'], characteristics: [{ ...base, properties: ['read'] }] },
        { name: 'Helper', uuid: VENDOR(0xa1), type: 'secondary' },
        { name: 'Battery', uuid: '180F', characteristics: [{ name: 'Battery Level', uuid: '2A19', properties: ['read'] }] },
      ],
    });
    expect(p.services.map((s) => [s.name, s.primary, s.includes])).toEqual([
      ['Main', true, ['Helper', 'Battery']],
      ['Helper', false, []],
      ['Battery', true, []],
    ]);
  });

  it('refuses includes of unknown services, of itself, and in a loop', () => {
    const e = profileError(() =>
      defineProfile({
        name: 'p',
        services: [
          { name: 'A', uuid: VENDOR(0xa0), includes: ['B', 'Nope', 'A'] },
          { name: 'B', uuid: VENDOR(0xa1), includes: ['A'] },
        ],
      }),
    );
    expect(e.issues.map((i) => [i.kind, i.path])).toEqual([
      ['inconsistent', '/services/0/includes/1'],
      ['inconsistent', '/services/0/includes/2'],
      ['inconsistent', '/services/0/includes'],
    ]);
  });

  it('refuses duplicate characteristic names anywhere in the profile, naming both places', () => {
    const e = profileError(() =>
      defineProfile({
        name: 'p',
        services: [
          { name: 'A', uuid: VENDOR(0xa0), characteristics: [{ name: 'Level', uuid: VENDOR(1), properties: ['read'] }] },
          { name: 'B', uuid: VENDOR(0xa1), characteristics: [{ name: 'Level', uuid: VENDOR(2), properties: ['read'] }] },
        ],
      }),
    );
    expect(e.issues).toMatchObject([{ kind: 'duplicate-name', path: '/services/1/characteristics/0/name', related: ['/services/0/characteristics/0/name'] }]);
  });

  it('defaults the advertisement to the profile name and first primary service, and checks it fits in 31 octets', () => {
    const p = defineProfile(oneService([{ ...base, properties: ['read'] }]));
    expect(p.advertising).toEqual({ localName: 'test', serviceUuids: ['b1ebf0007e574b3e9c1d2f5e0b1c7a90'] });
    const e = profileError(() => defineProfile({ ...oneService([{ ...base, properties: ['read'] }]), advertising: { serviceUuids: [VENDOR(1), VENDOR(2)] } }));
    expect(e.issues).toMatchObject([{ kind: 'value-constraint', path: '/advertising/serviceUuids' }]);
    const long = profileError(() => defineProfile({ ...oneService([{ ...base, properties: ['read'] }]), name: 'a name far too long for a scan response' }));
    expect(long.issues).toMatchObject([{ kind: 'value-constraint', path: '/name' }]);
  });

  it('reports a TypeScript object as bad input (exit 2) named after the profile', () => {
    const e = profileError(() => defineProfile(oneService([{ ...base, uuid: 'nope', properties: ['read'] }])));
    expect(e).toBeInstanceOf(BadInputError);
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    expect(e.message).toMatch(/^defineProfile\("test"\) at \/services\/0\/characteristics\/0\/uuid: "nope" is not a Bluetooth UUID/);
    expect(e.where).toEqual({ file: 'defineProfile("test")', path: '/services/0/characteristics/0/uuid' });
  });
});
