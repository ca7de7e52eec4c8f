// What a central discovers is exactly what the profile resolves to: the declaration's property bits
// (bleno never sets broadcast, signed-write or extended-properties), 0x2900 only where extended
// properties apply (bleno never adds it), one CCCD on every notify/indicate characteristic, the
// descriptors in the profile's order, with their values. Core v5.4 Vol 3 Part G 3.3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { DESCRIPTOR_UUID, allCharacteristics, extendedPropertiesValue, loadProfile, propertyList } from '../../common/stack/gatt/index.js';
import { withTimeout } from '../../common/base/util/wait.js';
import { att, connect, startBench, type Bench, type Connected } from '../helpers/peripheral-bench.js';

const profile = loadProfile('default');
let bench: Bench;
let link: Connected;

beforeAll(async () => {
  bench = await startBench(profile);
  link = await connect(bench, profile.advertising.serviceUuids[0]!);
});
afterAll(async () => bench?.close());

const chars = allCharacteristics(profile);
type NobleCharacteristic = Connected['services']['characteristics'][number];
const nobleChar = (uuid: string) => link.services.characteristics.find((c) => c.uuid === uuid) as NobleCharacteristic;

describe('descriptors and declarations of the default profile, as noble discovers them', () => {
  it.each(chars.map((c) => ({ c, name: c.name })))('GATT/SR/GAD/BV-04-C: $name: the declaration carries every property bit of the profile', ({ c }) => {
    expect(nobleChar(c.uuid).properties).toEqual(propertyList(c.propertiesByte));
  });

  it.each(chars.map((c) => ({ c, name: c.name })))('GATT/SR/GAD/BV-06-C, GATT/SR/GAR/BV-06-C: $name: exactly the expected descriptors, in order, with their values', async ({ c }) => {
    const found = await withTimeout(nobleChar(c.uuid).discoverDescriptorsAsync(), { what: `descriptors of ${c.name}`, timeoutMs: 5000 });
    expect(found.map((d) => d.uuid)).toEqual(c.descriptors.map((d) => d.uuid));
    const handles = bench.server.handles(c.name).descriptors;
    for (const [i, d] of c.descriptors.entries()) {
      const rsp = await link.probe.request(att.read(handles[i]!.handle));
      expect(rsp[0], `${d.name} is readable`).toBe(ATT_OP.READ_RSP);
      expect(rsp.subarray(1), `${d.name} value`).toEqual(d.value);
    }
  });

  it('0x2900 appears exactly on the characteristics with extended properties, with their bits', () => {
    const with2900 = chars.filter((c) => c.descriptors.some((d) => d.uuid === DESCRIPTOR_UUID.EXTENDED_PROPERTIES));
    expect(with2900.map((c) => c.name).sort()).toEqual(['Named Setting', 'Reliable Write']);
    for (const c of with2900) {
      expect(c.descriptors[0]!.value.readUInt16LE(0)).toBe(extendedPropertiesValue(c.extendedProperties));
      expect(nobleChar(c.uuid).properties).toContain('extendedProperties');
    }
  });

  it('every notify/indicate characteristic has one CCCD, and no other has any', () => {
    for (const c of chars) {
      const cccds = c.descriptors.filter((d) => d.uuid === DESCRIPTOR_UUID.CCCD).length;
      expect(cccds, c.name).toBe(c.properties.notify || c.properties.indicate ? 1 : 0);
    }
  });

  it('the Device Name is the advertised name, not the host name bleno would serve', async () => {
    const rsp = await link.probe.request(att.readByType(1, 0xffff, 0x2a00));
    expect(rsp[0]).toBe(ATT_OP.READ_BY_TYPE_RSP);
    expect(rsp.subarray(4).toString()).toBe(profile.advertising.localName);
  });
});
