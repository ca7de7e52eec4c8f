// The shipped profiles load, and the default one resolves to exactly the attributes the design lists.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  allCharacteristics,
  defineProfile,
  DESCRIPTOR_UUID,
  findCharacteristic,
  listProfiles,
  loadProfile,
  PROFILE_SCHEMA,
  propertyList,
  toCanonical,
  type ResolvedCharacteristic,
} from '../../common/stack/gatt/index.js';

const profilesDir = path.resolve(import.meta.dirname, '../../fixtures/profiles');
const char = (name: string): ResolvedCharacteristic => {
  const c = findCharacteristic(loadProfile('default'), name);
  if (!c) throw new Error(`no characteristic ${name}`);
  return c;
};
const descriptorUuids = (c: ResolvedCharacteristic) => c.descriptors.map((d) => d.uuid);

describe('shipped profiles', () => {
  it('lists default, heart-rate and mitm-lock as built-in names', () => {
    expect(listProfiles()).toEqual(expect.arrayContaining(['default', 'heart-rate', 'mitm-lock']));
    expect(listProfiles()).not.toContain('profile');
  });

  it.each(['default', 'heart-rate', 'mitm-lock'])('%s loads by bare name and by path to the same model', (name) => {
    const byName = loadProfile(name);
    const byPath = loadProfile(path.join(profilesDir, `${name}.json`));
    expect(byName.services.length).toBeGreaterThan(0);
    expect({ ...byPath, source: '' }).toEqual({ ...byName, source: '' });
  });

  it('names the file relative to the working directory', () => {
    expect(loadProfile('default', { cwd: path.resolve(profilesDir, '../..') }).source).toBe('fixtures/profiles/default.json');
  });

  it('a YAML profile means the same as its JSON, and a bare name finds it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-profiles-'));
    const json = JSON.parse(readFileSync(path.join(profilesDir, 'heart-rate.json'), 'utf8'));
    writeFileSync(path.join(dir, 'hr.yaml'), stringify(json));
    const fromYaml = loadProfile('hr', { profilesDir: dir });
    expect(fromYaml.source.endsWith('hr.yaml')).toBe(true);
    expect({ ...fromYaml, source: '' }).toEqual({ ...loadProfile('heart-rate'), source: '' });
  });

  it("the README's example is a valid profile", () => {
    const readme = readFileSync(path.join(profilesDir, 'README.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)![1]!);
    const p = defineProfile(example);
    expect(p.services[0]!.characteristics[0]!.descriptors.map((d) => d.uuid)).toEqual(['2901', '2902', '2904']);
  });

  it('profile.schema.json, which editors read, is the schema the loader uses', () => {
    const onDisk = JSON.parse(readFileSync(path.join(profilesDir, 'profile.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(PROFILE_SCHEMA)));
  });
});

describe('the default profile', () => {
  const profile = loadProfile('default');
  const all = allCharacteristics(profile);

  it('advertises its local name and its service', () => {
    expect(profile.advertising).toEqual({ localName: 'blebench', serviceUuids: ['b1eb10007e574b3e9c1d2f5e0b1c7a90'] });
  });

  it('has property bytes as Vol 3 Part G 3.3.1.1 encodes them', () => {
    const bytes = Object.fromEntries(all.map((c) => [c.name, c.propertiesByte]));
    expect(bytes).toEqual({
      'Open Read': 0x02,
      'Encrypted Read': 0x02,
      'Encrypted Write': 0x08,
      'Encrypted Write Command': 0x04,
      'Encrypted Notify': 0x10,
      'Authenticated Read': 0x02,
      'Strong Key Read': 0x02,
      'Authorized Read': 0x02,
      Indicate: 0x22,
      'Long Value': 0x0a,
      'Reliable Write': 0x8a,
      'Named Setting': 0x8a,
      Temperature: 0x12,
      'Encrypted Everything': 0x1a,
      'Encrypted Read Answering 0x0F': 0x02,
    });
  });

  it('has 0x2900 exactly on the characteristics with reliable write or writable auxiliaries, with those bits', () => {
    const withExt = all.filter((c) => c.descriptors.some((d) => d.uuid === DESCRIPTOR_UUID.EXTENDED_PROPERTIES));
    expect(withExt.map((c) => c.name)).toEqual(['Reliable Write', 'Named Setting']);
    expect(char('Reliable Write').descriptors[0]!.value).toEqual(Buffer.from([0x01, 0x00]));
    expect(char('Named Setting').descriptors[0]!.value).toEqual(Buffer.from([0x02, 0x00]));
    for (const c of all) expect((c.propertiesByte & 0x80) !== 0).toBe(withExt.includes(c));
  });

  it('has a CCCD on every notify or indicate characteristic and on no other', () => {
    for (const c of all) {
      const subscribes = c.properties.notify || c.properties.indicate;
      expect(descriptorUuids(c).filter((u) => u === DESCRIPTOR_UUID.CCCD)).toHaveLength(subscribes ? 1 : 0);
    }
    expect(all.filter((c) => c.properties.notify || c.properties.indicate).map((c) => c.name)).toEqual([
      'Encrypted Notify',
      'Indicate',
      'Temperature',
      'Encrypted Everything',
    ]);
  });

  it('serves each characteristic exactly these descriptors, in this order', () => {
    const expected: Record<string, string[]> = {
      'Encrypted Notify': ['2902'],
      Indicate: ['2902'],
      'Reliable Write': ['2900'],
      'Named Setting': ['2900', '2901'],
      Temperature: ['2901', '2902', '2904', '2906'],
      'Encrypted Everything': ['2902'],
    };
    for (const c of all) expect([c.name, descriptorUuids(c)]).toEqual([c.name, expected[c.name] ?? []]);
  });

  it('encodes the Presentation Format as 7 octets: sint16, exponent -2, degree Celsius, SIG namespace', () => {
    const pf = char('Temperature').descriptors.find((d) => d.kind === 'presentationFormat')!;
    expect(pf.value).toEqual(Buffer.from([0x0e, 0xfe, 0x2f, 0x27, 0x01, 0x00, 0x00]));
    expect(char('Temperature').value).toEqual(Buffer.from([0x66, 0x08]));
  });

  it('makes the User Description writable only under writable auxiliaries', () => {
    expect(char('Named Setting').descriptors.find((d) => d.kind === 'userDescription')!.writable).toBe(true);
    expect(char('Temperature').descriptors.find((d) => d.kind === 'userDescription')!.writable).toBe(false);
  });

  it('protects the Encrypted Notify CCCD write with encryption, and leaves its read open', () => {
    const cccd = char('Encrypted Notify').descriptors.find((d) => d.kind === 'cccd')!;
    expect(cccd.security.write.level).toBe('encrypted');
    expect(cccd.security.read.level).toBe('none');
    expect(cccd.value).toEqual(Buffer.from([0, 0]));
  });

  it('reads the CoreBluetooth case as read, write and notify each needing encryption', () => {
    const c = char('Encrypted Everything');
    expect(propertyList(c.propertiesByte)).toEqual(['read', 'write', 'notify']);
    expect([c.security.read.level, c.security.write.level, c.security.notify.level]).toEqual(['encrypted', 'encrypted', 'encrypted']);
    expect(c.descriptors.find((d) => d.kind === 'cccd')!.security.write.level).toBe('encrypted');
  });

  it('holds a long value over 100 octets, more than one default ATT_MTU', () => {
    expect(char('Long Value').value.length).toBeGreaterThan(100);
  });

  it('keeps the per-operation details: minimum key size, authorization, the 0x0F override', () => {
    expect(char('Strong Key Read').security.read).toEqual({ level: 'encrypted', minKeySize: 16 });
    expect(char('Authenticated Read').security.read).toEqual({ level: 'authenticated', minKeySize: 7 });
    expect(char('Authorized Read').security.read.level).toBe('authorized');
    expect(char('Encrypted Read Answering 0x0F').security.read).toEqual({ level: 'encrypted', minKeySize: 7, errorOverride: 0x0f });
    expect(char('Open Read').security.read).toEqual({ level: 'none', minKeySize: 7 });
  });
});

describe('the heart-rate profile', () => {
  const profile = loadProfile('heart-rate');

  it('has the SIG services and characteristics under their 16-bit UUIDs', () => {
    expect(profile.services.map((s) => s.uuid)).toEqual(['180d', '180f', '180a']);
    expect(profile.services[0]!.characteristics.map((c) => c.uuid)).toEqual(['2a37', '2a38', '2a39']);
    expect(findCharacteristic(profile, toCanonical('0x2A37'))!.name).toBe('Heart Rate Measurement');
  });

  it('notifies the measurement openly but needs encryption to write the control point', () => {
    const hrm = findCharacteristic(profile, 'Heart Rate Measurement')!;
    expect(hrm.propertiesByte).toBe(0x10);
    expect(hrm.descriptors.map((d) => [d.uuid, d.security.write.level])).toEqual([['2902', 'none']]);
    const cp = findCharacteristic(profile, 'Heart Rate Control Point')!;
    expect(cp.propertiesByte).toBe(0x08);
    expect(cp.security.write.level).toBe('encrypted');
    expect(cp.constraints).toEqual({ maxLength: 1, fixedLength: 1, allowedValues: [Buffer.from([1])] });
  });

  it('gives Battery Level a percentage Presentation Format', () => {
    const level = findCharacteristic(profile, 'Battery Level')!;
    expect(level.descriptors.map((d) => d.uuid)).toEqual(['2902', '2904']);
    expect(level.presentationFormat).toMatchObject({ formatName: 'uint8', unit: 0x27ad, namespace: 1 });
  });
});

describe('the MITM lock profile', () => {
  const profile = loadProfile('mitm-lock');

  it('needs an authenticated pairing with a 16-octet key for every value, the CCCD write included', () => {
    for (const c of allCharacteristics(profile)) {
      const ops = (['read', 'write', 'notify'] as const).filter((op) => c.properties[op]);
      expect(ops.length).toBeGreaterThan(0);
      for (const op of ops) expect([c.name, op, c.security[op]]).toEqual([c.name, op, { level: 'authenticated', minKeySize: 16 }]);
      for (const d of c.descriptors.filter((x) => x.kind === 'cccd')) expect(d.security.write).toEqual({ level: 'authenticated', minKeySize: 16 });
    }
  });
});
