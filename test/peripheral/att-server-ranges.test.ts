// The peripheral's own ATT server, walked by noble over the virtual radio with raw ATT PDUs: Read By
// Type (Read Using Characteristic UUID, Vol 3 Part G 4.8.2) over every kind of range, before and
// after pairing, against common/stack/gatt's expectedOutcome; the edges of every range; one prepare queue
// across attributes (Vol 3 Part F 3.4.6). Core v5.4 Vol 3 Part F 3.4.4.1-3.4.4.2.
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_DEFAULT_LE_MTU, ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { GATT_CHARACTERISTIC, GATT_DECLARATION } from '../../common/base/codes/gatt.js';
import { decodeAtt, type AttPdu } from '../../common/stack/att/index.js';
import { defineProfile, expectedOutcome, loadProfile, toUuid128, type LinkSecurityState, type ResolvedProfile } from '../../common/stack/gatt/index.js';
import { att, connect, errorCode, pairJustWorks, startBench, type Bench, type Connected } from '../helpers/peripheral-bench.js';
import { PREPARE_QUEUE_CAPACITY } from '../../peripheral/att/prepared-writes.js';

const LAST = 0xffff;
let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

async function serve(profile: ResolvedProfile): Promise<Connected> {
  bench = await startBench(profile);
  return connect(bench, profile.advertising.serviceUuids[0] ?? profile.services[0]!.uuid);
}

/** ATT_MTU of the link, from the Exchange MTU the central's tap saw (23 without one). Vol 3 Part F 3.4.2. */
function mtuOf(b: Bench): number {
  const req = b.ct.tap.entries.find((e) => e.layer === 'att' && e.dir === 'tx' && e.raw[0] === ATT_OP.EXCHANGE_MTU_REQ);
  const rsp = b.ct.tap.entries.find((e) => e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.EXCHANGE_MTU_RSP);
  if (!req || !rsp) return ATT_DEFAULT_LE_MTU;
  return Math.max(ATT_DEFAULT_LE_MTU, Math.min(req.raw.readUInt16LE(1), rsp.raw.readUInt16LE(1)));
}

function decoded(raw: Buffer): AttPdu {
  const d = decodeAtt(raw);
  if (!d.ok) throw new Error(`the peripheral sent a malformed PDU: ${d.why}`);
  return d.pdu;
}

const byUuid = (start: number, end: number, uuid: string) => att.readByType128(start, end, toUuid128(uuid));
const handleInError = (pdu: Buffer) => pdu.readUInt16LE(2);

describe('Read By Type over any range, for every characteristic of the default profile (Vol 3 Part F 3.4.4.1)', () => {
  const profile = loadProfile('default');
  const before: LinkSecurityState = { encrypted: false, authenticated: false, keyExists: false };
  const after: LinkSecurityState = { encrypted: true, authenticated: false, keyExists: true, keySize: 16 };

  it('GATT/SR/GAR/BV-03-C, GATT/SR/GAR/BI-07-C: value handle only, declaration only, value to 0xFFFF, whole range: the value or the refusal naming a handle in range, 0x0A with none', async () => {
    const link = await serve(profile);
    const b = bench!;
    const walk = async (state: LinkSecurityState, when: string) => {
      const mtu = mtuOf(b);
      for (const c of profile.services.flatMap((s) => s.characteristics)) {
        const h = b.server.handles(c.name);
        const expected = expectedOutcome(profile, c, 'read', state);
        const ranges: [string, number, number][] = [
          ['value handle only', h.value, h.value],
          ['value handle to 0xFFFF', h.value, LAST],
          ['whole range', 1, LAST],
        ];
        for (const [what, start, end] of ranges) {
          const rsp = await link.probe.request(byUuid(start, end, c.uuid));
          const label = `${when}: "${c.name}" over ${what} (0x${start.toString(16)}-0x${end.toString(16)})`;
          if (expected.ok) {
            const pdu = decoded(rsp);
            expect(pdu.opcode, label).toBe(ATT_OP.READ_BY_TYPE_RSP);
            if (pdu.opcode !== ATT_OP.READ_BY_TYPE_RSP) continue;
            expect(pdu.attributeData[0]!.handle, label).toBe(h.value);
            const whole = b.server.value(c.name);
            expect(pdu.attributeData[0]!.value, label).toEqual(whole.subarray(0, Math.min(mtu - 4, 253)));
          } else {
            expect(errorCode(rsp), label).toBe(expected.attError);
            expect(handleInError(rsp), `${label}: the handle in error is the value, inside the range`).toBe(h.value);
            expect(handleInError(rsp)).toBeGreaterThanOrEqual(start);
            expect(handleInError(rsp)).toBeLessThanOrEqual(end);
          }
        }
        // The declaration alone holds no attribute of the characteristic's type.
        const decl = await link.probe.request(byUuid(h.declaration, h.declaration, c.uuid));
        expect(errorCode(decl), `${when}: "${c.name}" over its declaration only`).toBe(ATT_ERROR.ATTRIBUTE_NOT_FOUND);
        expect(handleInError(decl)).toBe(h.declaration);
      }
    };
    await walk(before, 'before pairing');
    await pairJustWorks(b, link.handle);
    await walk(after, 'after Just Works pairing');
  });

  it('Device Name over 0x0003-0x0003 (16-bit type) is the name; over 0x0002-0x0002, its declaration, it is not found', async () => {
    const link = await serve(profile);
    const rsp = decoded(await link.probe.request(att.readByType(0x0003, 0x0003, GATT_CHARACTERISTIC.DEVICE_NAME)));
    expect(rsp).toEqual({ opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: [{ handle: 0x0003, value: Buffer.from(bench!.server.name) }] });
    expect(errorCode(await link.probe.request(att.readByType(0x0002, 0x0002, GATT_CHARACTERISTIC.DEVICE_NAME)))).toBe(ATT_ERROR.ATTRIBUTE_NOT_FOUND);
  });

  it('GATT/SR/GAR/BI-08-C: range edges: start 0x0000 and start > end are 0x01 Invalid Handle naming the start; a range past the table is 0x0A', async () => {
    const link = await serve(profile);
    const zero = await link.probe.request(att.readByType(0x0000, LAST, GATT_DECLARATION.CHARACTERISTIC));
    expect([errorCode(zero), handleInError(zero)]).toEqual([ATT_ERROR.INVALID_HANDLE, 0x0000]);
    const reversed = await link.probe.request(att.readByType(0x0010, 0x000f, GATT_DECLARATION.CHARACTERISTIC));
    expect([errorCode(reversed), handleInError(reversed)]).toEqual([ATT_ERROR.INVALID_HANDLE, 0x0010]);
    const past = await link.probe.request(att.readByType(LAST, LAST, GATT_DECLARATION.CHARACTERISTIC));
    expect([errorCode(past), handleInError(past)]).toEqual([ATT_ERROR.ATTRIBUTE_NOT_FOUND, LAST]);
    // the last handle alone, and one range of one handle at 0x0001 (a service declaration, not a characteristic one)
    expect(errorCode(await link.probe.request(att.readByType(0x0001, 0x0001, GATT_DECLARATION.CHARACTERISTIC)))).toBe(ATT_ERROR.ATTRIBUTE_NOT_FOUND);
  });
});

/** `n` open characteristics of distinct 128-bit UUIDs, each with a 4-octet value (and one type shared by three, for lists by type). */
function manyProfile(n: number, shared: ('open' | 'encrypted')[] = []): ResolvedProfile {
  const uuid = (i: number) => `b1eb7${i.toString(16).padStart(3, '0')}-7e57-4b3e-9c1d-2f5e0b1c7a90`;
  const characteristics = Array.from({ length: n }, (_, i) => ({ name: `C${i}`, uuid: uuid(i + 1), properties: ['read' as const], value: { hex: '01020304' } }));
  // One characteristic UUID may appear once per service: the shared type lives in one service each.
  const sharedServices = shared.map((s, i) => ({
    name: `Shared Service ${i}`,
    uuid: uuid(0xf00 + i),
    characteristics: [{ name: `Shared ${i}`, uuid: uuid(0xfff), properties: ['read' as const], value: { hex: `0${i}0${i}0${i}0${i}` }, ...(s === 'encrypted' ? { security: { read: 'encrypted' as const } } : {}) }],
  }));
  return defineProfile({
    name: 'many',
    advertising: { localName: 'many', serviceUuids: ['b1eb7000-7e57-4b3e-9c1d-2f5e0b1c7a90'] },
    services: [{ name: 'Many', uuid: 'b1eb7000-7e57-4b3e-9c1d-2f5e0b1c7a90', characteristics }, ...sharedServices],
  });
}

describe('Read By Type lists: every attribute of the type in range, of one length, as many as fit ATT_MTU (Vol 3 Part F 3.4.4.2)', () => {
  it('GATT/SR/GAD/BV-04-C: characteristic declarations of 128-bit UUIDs: floor((ATT_MTU - 2) / 21) per response, the next request goes on after the last', async () => {
    const profile = manyProfile(14);
    const link = await serve(profile);
    const b = bench!;
    const mtu = mtuOf(b);
    const first = b.server.handles('C0').declaration;
    const rsp = decoded(await link.probe.request(att.readByType(first, LAST, GATT_DECLARATION.CHARACTERISTIC)));
    if (rsp.opcode !== ATT_OP.READ_BY_TYPE_RSP) throw new Error('not a Read By Type Response');
    const fit = Math.min(14, Math.floor((mtu - 2) / 21));
    expect(rsp.attributeData.map((d) => d.handle)).toEqual(Array.from({ length: fit }, (_, i) => b.server.handles(`C${i}`).declaration));
    expect(2 + rsp.attributeData.length * 21).toBeLessThanOrEqual(mtu);
    const rest = decoded(await link.probe.request(att.readByType(rsp.attributeData.at(-1)!.handle + 1, LAST, GATT_DECLARATION.CHARACTERISTIC)));
    if (rest.opcode !== ATT_OP.READ_BY_TYPE_RSP) throw new Error('not a Read By Type Response');
    expect(rest.attributeData[0]!.handle).toBe(b.server.handles(`C${fit}`).declaration);
  });

  it('GAP declarations are 16-bit (7-octet entries): the list stops where the length changes', async () => {
    const link = await serve(manyProfile(1));
    const rsp = decoded(await link.probe.request(att.readByType(0x0001, LAST, GATT_DECLARATION.CHARACTERISTIC)));
    if (rsp.opcode !== ATT_OP.READ_BY_TYPE_RSP) throw new Error('not a Read By Type Response');
    // Device Name (0x0002), Appearance (0x0004), Service Changed (0x0007), Client Supported Features (0x000A),
    // Database Hash (0x000C): 5-octet values; the profile's are 19.
    expect(rsp.attributeData.map((d) => d.handle)).toEqual([0x0002, 0x0004, 0x0007, 0x000a, 0x000c]);
    expect(rsp.attributeData.map((d) => d.value.length)).toEqual([5, 5, 5, 5, 5]);
  });

  it('three values of one type: all three; one the link may not read ends the list before it; a first one refused names itself', async () => {
    const shared = 'b1eb7fff-7e57-4b3e-9c1d-2f5e0b1c7a90';
    let link = await serve(manyProfile(0, ['open', 'open', 'open']));
    let rsp = decoded(await link.probe.request(byUuid(1, LAST, shared)));
    expect(rsp.opcode === ATT_OP.READ_BY_TYPE_RSP && rsp.attributeData.map((d) => d.value.toString('hex'))).toEqual(['00000000', '01010101', '02020202']);
    await bench!.close();
    link = await serve(manyProfile(0, ['open', 'encrypted', 'open']));
    rsp = decoded(await link.probe.request(byUuid(1, LAST, shared)));
    expect(rsp.opcode === ATT_OP.READ_BY_TYPE_RSP && rsp.attributeData.map((d) => d.handle)).toEqual([bench!.server.handles('Shared 0').value]);
    const second = bench!.server.handles('Shared 1').value;
    const refused = await link.probe.request(byUuid(second, LAST, shared));
    expect([errorCode(refused), handleInError(refused)]).toEqual([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, second]);
  });
});

describe('one prepare queue per connection, across characteristics and descriptors (Vol 3 Part F 3.4.6)', () => {
  const profile = loadProfile('default');
  const descriptorOf = (b: Bench) => b.server.handles('Named Setting').descriptors.find((d) => d.kind === 'userDescription')!.handle;
  const readValue = async (link: Connected, handle: number) => (await link.probe.request(att.read(handle))).subarray(1);

  it('GATT/SR/GAW/BV-06-C: two characteristics and a descriptor queued together are written as one by Execute Write', async () => {
    const link = await serve(profile);
    const b = bench!;
    const long = b.server.handles('Long Value').value;
    const reliable = b.server.handles('Reliable Write').value;
    const description = descriptorOf(b);
    for (const [h, off, v] of [[long, 0, 'first part '], [reliable, 0, 'ab'], [description, 0, 'Renamed'], [long, 11, 'second part'], [reliable, 2, 'cd']] as const) {
      const rsp = await link.probe.request(att.prepareWrite(h, off, Buffer.from(v)));
      expect(rsp[0], `Prepare Write to 0x${h.toString(16)}`).toBe(ATT_OP.PREPARE_WRITE_RSP);
      expect(rsp.subarray(5).toString(), 'the part is echoed').toBe(v);
    }
    expect((await readValue(link, long)).toString().startsWith('blebench long value'), 'nothing applied before Execute Write').toBe(true);
    expect((await link.probe.request(att.executeWrite(true)))[0]).toBe(ATT_OP.EXECUTE_WRITE_RSP);
    expect(b.server.value('Long Value').toString()).toBe('first part second part');
    expect(b.server.value('Reliable Write').toString()).toBe('abcd');
    expect((await readValue(link, description)).toString()).toBe('Renamed');
  });

  it(`GATT/SR/GAW/BV-07-C: the ${PREPARE_QUEUE_CAPACITY + 1}th Prepare Write answers 0x09 Prepare Queue Full; cancelling leaves every value as it was`, async () => {
    const link = await serve(profile);
    const b = bench!;
    const long = b.server.handles('Long Value').value;
    const was = b.server.value('Long Value');
    for (let i = 0; i < PREPARE_QUEUE_CAPACITY; i++) expect((await link.probe.request(att.prepareWrite(long, i, Buffer.from('x'))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    const full = await link.probe.request(att.prepareWrite(long, PREPARE_QUEUE_CAPACITY, Buffer.from('x')));
    expect([errorCode(full), handleInError(full)]).toEqual([ATT_ERROR.PREPARE_QUEUE_FULL, long]);
    expect((await link.probe.request(att.executeWrite(false)))[0]).toBe(ATT_OP.EXECUTE_WRITE_RSP);
    expect(b.server.value('Long Value')).toEqual(was);
    // the queue is empty again: a new prepared write is taken
    expect((await link.probe.request(att.prepareWrite(long, 0, Buffer.from('y'))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
  });

  it('GATT/SR/GAW/BI-33-C: an Execute Write whose value is too long answers 0x0D naming it, and changes nothing, the other queued writes neither', async () => {
    const link = await serve(profile);
    const b = bench!;
    const reliable = b.server.handles('Reliable Write').value; // at most 64 octets
    const long = b.server.handles('Long Value').value;
    const before = { reliable: b.server.value('Reliable Write'), long: b.server.value('Long Value') };
    expect((await link.probe.request(att.prepareWrite(long, 0, Buffer.from('changed'))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    for (let off = 0; off < 65; off += 13) expect((await link.probe.request(att.prepareWrite(reliable, off, Buffer.alloc(13, 0x41))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    const rsp = await link.probe.request(att.executeWrite(true));
    expect([errorCode(rsp), handleInError(rsp)]).toEqual([ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH, reliable]);
    expect(b.server.value('Reliable Write')).toEqual(before.reliable);
    expect(b.server.value('Long Value')).toEqual(before.long);
  });

  it('GATT/SR/GAW/BI-09-C: an Execute Write whose offset lies past the value answers 0x07 and changes nothing', async () => {
    const link = await serve(profile);
    const b = bench!;
    const reliable = b.server.handles('Reliable Write').value;
    const before = b.server.value('Reliable Write');
    expect((await link.probe.request(att.prepareWrite(reliable, before.length + 1, Buffer.from('z'))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    const rsp = await link.probe.request(att.executeWrite(true));
    expect([errorCode(rsp), handleInError(rsp)]).toEqual([ATT_ERROR.INVALID_OFFSET, reliable]);
    expect(b.server.value('Reliable Write')).toEqual(before);
  });
});

describe('what a server does with the rest (Vol 3 Part F 3.3.1, 3.4.1.1)', () => {
  const profile = loadProfile('default');

  it('GATT/SR/UNS/BI-01-C, GATT/SR/UNS/BI-02-C, GATT/SR/GAR/BI-02-C: an unknown request is 0x06, an unknown command is ignored, a malformed request is 0x04, a Read of 0x0000 is 0x01', async () => {
    const link = await serve(profile);
    const unknown = await link.probe.request(Buffer.from([0x3f, 0x01, 0x00]));
    expect([errorCode(unknown), unknown[1]]).toEqual([ATT_ERROR.REQUEST_NOT_SUPPORTED, 0x3f]);
    link.probe.command(Buffer.from([0x7f, 0x01, 0x00]));
    const malformed = await link.probe.request(Buffer.from([ATT_OP.READ_REQ, 0x03]));
    expect([errorCode(malformed), malformed[1]]).toEqual([ATT_ERROR.INVALID_PDU, ATT_OP.READ_REQ]);
    expect(errorCode(await link.probe.request(att.read(0x0000)))).toBe(ATT_ERROR.INVALID_HANDLE);
  });

  it('GATT/SR/GAR/BV-09-C, GATT/SR/GAR/BI-42-C: Read Multiple Variable answers length/value pairs, a refused handle names itself', async () => {
    const link = await serve(profile);
    const b = bench!;
    const open = b.server.handles('Open Read').value;
    const enc = b.server.handles('Encrypted Read').value;
    const req = (...hs: number[]) => Buffer.concat([Buffer.from([ATT_OP.READ_MULTIPLE_VARIABLE_REQ]), ...hs.map((h) => Buffer.from([h & 0xff, h >> 8]))]);
    const rsp = decoded(await link.probe.request(req(open, 0x0003)));
    expect(rsp).toEqual({ opcode: ATT_OP.READ_MULTIPLE_VARIABLE_RSP, tuples: [{ length: b.server.value('Open Read').length, value: b.server.value('Open Read') }, { length: b.server.name.length, value: Buffer.from(b.server.name) }] });
    const refused = await link.probe.request(req(open, enc));
    expect([errorCode(refused), handleInError(refused)]).toEqual([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, enc]);
  });

  it('GATT/SR/GAR/BI-13-C: Read Blob of a fixed-length declaration is 0x0B Attribute Not Long; of a value, an offset past its end is 0x07', async () => {
    const link = await serve(profile);
    const b = bench!;
    expect(errorCode(await link.probe.request(att.readBlob(b.server.handles('Open Read').declaration, 0)))).toBe(ATT_ERROR.ATTRIBUTE_NOT_LONG);
    const v = b.server.handles('Open Read').value;
    const len = b.server.value('Open Read').length;
    expect((await link.probe.request(att.readBlob(v, len)))).toEqual(Buffer.from([ATT_OP.READ_BLOB_RSP]));
    expect(errorCode(await link.probe.request(att.readBlob(v, len + 1)))).toBe(ATT_ERROR.INVALID_OFFSET);
  });
});

describe('secondary services and includes are served as declared (Vol 3 Part G 3.1-3.2)', () => {
  it('GATT/SR/GAD/BV-03-C: a secondary service is found by Read By Group Type 0x2801, not 0x2800; the include names its range and 16-bit UUID', async () => {
    const profile = defineProfile({
      name: 'nested',
      advertising: { localName: 'nested', serviceUuids: ['b1eb6000-7e57-4b3e-9c1d-2f5e0b1c7a90'] },
      services: [
        { name: 'Main', uuid: 'b1eb6000-7e57-4b3e-9c1d-2f5e0b1c7a90', includes: ['Battery'], characteristics: [{ name: 'M', uuid: 'b1eb6001-7e57-4b3e-9c1d-2f5e0b1c7a90', properties: ['read'], value: { hex: '01' } }] },
        { name: 'Battery', uuid: '180f', type: 'secondary', characteristics: [{ name: 'Level', uuid: '2a19', properties: ['read'], value: { hex: '64' } }] },
      ],
    });
    const link = await serve(profile);
    const b = bench!;
    const group = (type: number) => Buffer.from([ATT_OP.READ_BY_GROUP_TYPE_REQ, 0x01, 0x00, 0xff, 0xff, type & 0xff, type >> 8]);
    const primaries = decoded(await link.probe.request(group(GATT_DECLARATION.PRIMARY_SERVICE)));
    const secondaries = decoded(await link.probe.request(group(GATT_DECLARATION.SECONDARY_SERVICE)));
    if (primaries.opcode !== ATT_OP.READ_BY_GROUP_TYPE_RSP || secondaries.opcode !== ATT_OP.READ_BY_GROUP_TYPE_RSP) throw new Error('not a Read By Group Type Response');
    expect(primaries.attributeData.map((d) => d.value.toString('hex'))).toEqual(['0018', '0118']); // GAP, GATT; Main's 128-bit UUID comes in the next response
    const battery = secondaries.attributeData[0]!;
    expect(battery.value.toString('hex')).toBe('0f18');
    const level = b.server.handles('Level');
    expect(battery.endGroupHandle).toBe(level.value);
    const include = decoded(await link.probe.request(att.readByType(1, LAST, GATT_DECLARATION.INCLUDE)));
    expect(include).toEqual({ opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: [{ handle: expect.any(Number), value: Buffer.from([battery.handle & 0xff, battery.handle >> 8, battery.endGroupHandle & 0xff, battery.endGroupHandle >> 8, 0x0f, 0x18]) }] });
    const notGroup = await link.probe.request(group(GATT_DECLARATION.CHARACTERISTIC));
    expect(errorCode(notGroup)).toBe(ATT_ERROR.UNSUPPORTED_GROUP_TYPE);
  });
});
