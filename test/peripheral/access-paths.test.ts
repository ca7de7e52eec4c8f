// Every way an attribute can be reached meets the same decision (design.md: Read, Read Blob, Read By
// Type, Read Multiple, Write, Write Command, Prepare Write), where bleno alone would check only
// some of them, with one code. Long values, prepared writes and constraints (0x0D, 0x13).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { defineProfile, loadProfile, toUuid128 } from '../../common/stack/gatt/index.js';
import { att, connect, errorCode, pairJustWorks, startBench, type Bench, type Connected } from '../helpers/peripheral-bench.js';

const profile = loadProfile('default');
let bench: Bench;
let link: Connected;

beforeEach(async () => {
  bench = await startBench(profile);
  link = await connect(bench, profile.advertising.serviceUuids[0]!);
});
afterEach(async () => bench?.close());

const h = (name: string) => bench.server.handles(name);
const uuidOf = (name: string) => toUuid128(profile.services[0]!.characteristics.find((c) => c.name === name)!.uuid);
const LAST_HANDLE = 0xffff;

describe('before pairing, an encrypted value cannot be reached by any road', () => {
  it('GATT/SR/GAR/BI-04-C, GATT/SR/GAR/BI-10-C, GATT/SR/GAR/BI-16-C, GATT/SR/GAR/BI-21-C: Read, Read Blob, Read By Type and Read Multiple all answer 0x05 for Encrypted Read', async () => {
    const v = h('Encrypted Read').value;
    expect(errorCode(await link.probe.request(att.read(v)))).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(errorCode(await link.probe.request(att.readBlob(v, 1)))).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    const byType = await link.probe.request(att.readByType128(1, LAST_HANDLE, uuidOf('Encrypted Read')));
    expect(errorCode(byType)).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(byType.readUInt16LE(2), 'the handle in error is the value that was refused').toBe(v);
    const multi = await link.probe.request(att.readMultiple(h('Open Read').value, v));
    expect(errorCode(multi)).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(multi.readUInt16LE(2)).toBe(v);
  });

  it('GATT/SR/GAR/BI-09-C: Read By Type reaches the authorization check too: 0x08', async () => {
    const rsp = await link.probe.request(att.readByType128(1, LAST_HANDLE, uuidOf('Authorized Read')));
    expect(errorCode(rsp)).toBe(ATT_ERROR.INSUFFICIENT_AUTHORIZATION);
  });

  it('GATT/SR/GAW/BI-12-C: Prepare Write answers 0x05 for Encrypted Write, and the value is untouched', async () => {
    const rsp = await link.probe.request(att.prepareWrite(h('Encrypted Write').value, 0, Buffer.from('x')));
    expect(errorCode(rsp)).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(bench.server.value('Encrypted Write').length).toBe(0);
  });

  it('a Write Command to Encrypted Write Command is dropped without an answer and changes nothing', async () => {
    link.probe.command(att.writeCommand(h('Encrypted Write Command').value, Buffer.from('sneaky')));
    const next = await link.probe.request(att.read(h('Open Read').value));
    expect(next[0]).toBe(ATT_OP.READ_RSP);
    expect(bench.server.value('Encrypted Write Command').length).toBe(0);
  });

  it('GATT/SR/GAR/BV-03-C, GATT/SR/GAR/BV-05-C: an open value is read by Read By Type and Read Multiple alike', async () => {
    const byType = await link.probe.request(att.readByType128(1, LAST_HANDLE, uuidOf('Open Read')));
    expect(byType[0]).toBe(ATT_OP.READ_BY_TYPE_RSP);
    expect(byType.subarray(4)).toEqual(bench.server.value('Open Read'));
    const multi = await link.probe.request(att.readMultiple(h('Open Read').value, h('Indicate').value));
    expect(multi).toEqual(Buffer.concat([Buffer.from([ATT_OP.READ_MULTIPLE_RSP]), bench.server.value('Open Read'), bench.server.value('Indicate')]));
  });
});

describe('long values and prepared writes', () => {
  it('GATT/SR/GAR/BV-04-C, GATT/SR/GAR/BI-13-C: Read Blob with offsets returns the whole long value, and an offset past its end is 0x07', async () => {
    const v = h('Long Value').value;
    const whole = bench.server.value('Long Value');
    const parts: Buffer[] = [];
    let rsp = await link.probe.request(att.read(v));
    parts.push(rsp.subarray(1));
    while (Buffer.concat(parts).length < whole.length) {
      rsp = await link.probe.request(att.readBlob(v, Buffer.concat(parts).length));
      expect(rsp[0]).toBe(ATT_OP.READ_BLOB_RSP);
      parts.push(rsp.subarray(1));
    }
    expect(Buffer.concat(parts)).toEqual(whole);
    expect(errorCode(await link.probe.request(att.readBlob(v, whole.length + 1)))).toBe(ATT_ERROR.INVALID_OFFSET);
  });

  it('GATT/SR/GAW/BV-05-C: Prepare Write + Execute Write stores a long value (Long Value is open)', async () => {
    const v = h('Long Value').value;
    const text = Buffer.from('a new long value that is written in three prepared parts, queued by bleno');
    for (let off = 0; off < text.length; off += 18) {
      const rsp = await link.probe.request(att.prepareWrite(v, off, text.subarray(off, off + 18)));
      expect(rsp[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    }
    expect((await link.probe.request(att.executeWrite(true)))[0]).toBe(ATT_OP.EXECUTE_WRITE_RSP);
    expect(bench.server.value('Long Value')).toEqual(text);
  });

  it('GATT/SR/GAW/BI-33-C: an executed write longer than the maximum length is refused with 0x0D and not stored', async () => {
    await pairJustWorks(bench, link.handle);
    const v = h('Encrypted Everything').value;
    const before = bench.server.value('Encrypted Everything');
    expect((await link.probe.request(att.prepareWrite(v, 0, Buffer.alloc(15, 1))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    expect((await link.probe.request(att.prepareWrite(v, 15, Buffer.alloc(15, 2))))[0]).toBe(ATT_OP.PREPARE_WRITE_RSP);
    expect(errorCode(await link.probe.request(att.executeWrite(true)))).toBe(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
    expect(bench.server.value('Encrypted Everything')).toEqual(before);
  });

  it('GATT/SR/GAW/BI-32-C: a write breaking fixed or maximum length answers 0x0D', async () => {
    await pairJustWorks(bench, link.handle);
    expect(errorCode(await link.probe.request(att.write(h('Encrypted Write').value, Buffer.alloc(21))))).toBe(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
    expect((await link.probe.request(att.write(h('Encrypted Write').value, Buffer.alloc(20))))[0]).toBe(ATT_OP.WRITE_RSP);
  });
});

describe('constraints from a profile of its own', () => {
  const modes = defineProfile({
    name: 'modes',
    services: [
      {
        name: 'Modes',
        uuid: 'b1eb2000-7e57-4b3e-9c1d-2f5e0b1c7a90',
        characteristics: [
          {
            name: 'Mode',
            uuid: 'b1eb2001-7e57-4b3e-9c1d-2f5e0b1c7a90',
            properties: ['read', 'write'],
            value: { bytes: [1] },
            constraints: { allowedValues: [{ bytes: [1] }, { bytes: [2] }] },
          },
        ],
      },
    ],
  });

  it('GATT/SR/GAW/BV-03-C: a value not allowed answers 0x13, an allowed one is stored', async () => {
    await bench.close();
    bench = await startBench(modes);
    link = await connect(bench, modes.advertising.serviceUuids[0]!);
    const v = bench.server.handles('Mode').value;
    expect(errorCode(await link.probe.request(att.write(v, Buffer.from([3]))))).toBe(ATT_ERROR.VALUE_NOT_ALLOWED);
    expect((await link.probe.request(att.write(v, Buffer.from([2]))))[0]).toBe(ATT_OP.WRITE_RSP);
    expect(bench.server.value('Mode')).toEqual(Buffer.from([2]));
  });
});
