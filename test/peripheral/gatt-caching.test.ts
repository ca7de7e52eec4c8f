// The GATT caching server over the virtual radio, probed with raw ATT PDUs from noble (Core v5.4 Vol 3
// Part G 2.5.2, 7.1-7.3): the Database Hash read by type over 0x0001-0xFFFF is the table's hash and
// changes with a firmware update; Client Supported Features keeps its bits (0x13 for clearing one);
// a bonded central that comes back after a firmware update is change-unaware: with robust caching its
// first read is 0x12 and the next one is served; with Service Changed enabled it is indicated 0x0001-0xFFFF
// and, once it confirms, reads are served; an unbonded central starts change-aware.
import { afterEach, describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { CLIENT_FEATURE, GATT_CHARACTERISTIC } from '../../common/base/codes/gatt.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { withTimeout } from '../../common/base/util/wait.js';
import { att, connect, errorCode, pairJustWorks, startBench, type Bench, type Connected } from '../helpers/peripheral-bench.js';

const V1 = loadProfile('thermometer-v1');
const V2 = loadProfile('thermometer-v2');
const SERVICE = V1.advertising.serviceUuids[0]!;
/** In 0x1801: Service Changed's value 0x0008, its CCCD 0x0009, Client Supported Features 0x000B, Database Hash 0x000D. */
const SC_CCCD = 0x0009;
const CSF = 0x000b;
const HASH = 0x000d;
const LAST = 0xffff;

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

async function serve(): Promise<Connected> {
  bench = await startBench(V1);
  return connect(bench, SERVICE);
}

/** The value of a Read By Type Response's first entry. */
function firstValue(rsp: Buffer): Buffer {
  expect(rsp[0], `a Read By Type Response, not ${rsp.toString('hex')}`).toBe(ATT_OP.READ_BY_TYPE_RSP);
  const length = rsp[1]!;
  return rsp.subarray(4, 2 + length);
}

/** Disconnects, serves the next firmware, connects again (noble discovers again: discovery is never 0x12). */
async function updateAndReconnect(link: Connected): Promise<Connected> {
  const b = bench!;
  await withTimeout(link.peripheral.disconnectAsync(), { what: 'disconnection', timeoutMs: 5000 });
  await b.server.updateFirmware(V2);
  return connect(b, SERVICE);
}

describe('GATT caching, server side (Vol 3 Part G 2.5.2, 7.1-7.3)', () => {
  it('the Database Hash, read by type over 0x0001-0xFFFF, is the served table\'s hash: 16 octets, another after a firmware update', async () => {
    const link = await serve();
    const v1 = firstValue(await link.probe.request(att.readByType(1, LAST, GATT_CHARACTERISTIC.DATABASE_HASH)));
    expect(v1).toEqual(bench!.server.databaseHash);
    expect(v1.length).toBe(16);
    const again = await updateAndReconnect(link);
    const v2 = firstValue(await again.probe.request(att.readByType(1, LAST, GATT_CHARACTERISTIC.DATABASE_HASH)));
    expect(v2).toEqual(bench!.server.databaseHash);
    expect(v2).not.toEqual(v1);
  });

  it('Client Supported Features: robust caching set and read back; clearing it is 0x13, an empty write 0x0D; the hash cannot be written (0x03)', async () => {
    const link = await serve();
    expect((await link.probe.request(att.read(CSF))).subarray(1)).toEqual(Buffer.from([0]));
    expect((await link.probe.request(att.write(CSF, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING]))))[0]).toBe(ATT_OP.WRITE_RSP);
    expect((await link.probe.request(att.read(CSF))).subarray(1)).toEqual(Buffer.from([CLIENT_FEATURE.ROBUST_CACHING]));
    expect(errorCode(await link.probe.request(att.write(CSF, Buffer.from([0]))))).toBe(ATT_ERROR.VALUE_NOT_ALLOWED);
    expect(errorCode(await link.probe.request(att.write(CSF, Buffer.alloc(0))))).toBe(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH);
    expect(errorCode(await link.probe.request(att.write(HASH, Buffer.alloc(16))))).toBe(ATT_ERROR.WRITE_NOT_PERMITTED);
  });

  it('an unbonded central with robust caching comes back after a firmware update change-aware: its read is served (no trusted relationship)', async () => {
    const link = await serve();
    await link.probe.request(att.write(CSF, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING])));
    const again = await updateAndReconnect(link);
    const temperature = bench!.server.handles('Temperature').value;
    expect((await again.probe.request(att.read(temperature)))[0]).toBe(ATT_OP.READ_RSP);
  });

  it('a bonded central with robust caching, Service Changed off: the first read after the update is 0x12 naming its handle, the next one is served', async () => {
    const link = await serve();
    await pairJustWorks(bench!, link.handle);
    await link.probe.request(att.write(CSF, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING])));
    const again = await updateAndReconnect(link);
    const temperature = bench!.server.handles('Temperature').value;
    const first = await again.probe.request(att.read(temperature));
    expect(errorCode(first)).toBe(ATT_ERROR.DATABASE_OUT_OF_SYNC);
    expect(first.readUInt16LE(2)).toBe(temperature);
    const second = await again.probe.request(att.read(temperature));
    expect(second[0]).toBe(ATT_OP.READ_RSP);
    expect(second.subarray(1).toString()).toBe('21.5');
  });

  it('a bonded central with robust caching that reads the Database Hash first is served at its next request, never 0x12', async () => {
    const link = await serve();
    await pairJustWorks(bench!, link.handle);
    await link.probe.request(att.write(CSF, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING])));
    const again = await updateAndReconnect(link);
    // A Read By Type of another type over part of the database is 0x12 too (Vol 3 Part G 2.5.2.1) — not sent here.
    firstValue(await again.probe.request(att.readByType(1, LAST, GATT_CHARACTERISTIC.DATABASE_HASH)));
    expect((await again.probe.request(att.read(bench!.server.handles('Temperature').value)))[0]).toBe(ATT_OP.READ_RSP);
  });

  it('GATT/SR/GAS/BV-01-C: a bonded central that enabled Service Changed is indicated 0x0001-0xFFFF on its next link; once it confirms, a read is served without 0x12', async () => {
    const link = await serve();
    const b = bench!;
    await pairJustWorks(b, link.handle);
    await link.probe.request(att.write(SC_CCCD, Buffer.from([0x02, 0x00])));
    await link.probe.request(att.write(CSF, Buffer.from([CLIENT_FEATURE.ROBUST_CACHING])));
    const from = b.pt.tap.entries.at(-1)?.seq ?? -1;
    const again = await updateAndReconnect(link);
    const ind = await b.ct.tap.waitFor((e) => e.seq >= 0 && e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.HANDLE_VALUE_IND && e.handle === again.handle, { timeoutMs: 5000, includePast: true, what: 'the Service Changed indication' });
    expect(ind.raw.subarray(1).toString('hex')).toBe('0800' + '0100ffff');
    await b.pt.tap.waitFor((e) => e.seq > from && e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.HANDLE_VALUE_CFM, { timeoutMs: 5000, includePast: true, what: 'the confirmation' });
    expect((await again.probe.request(att.read(b.server.handles('Temperature').value)))[0]).toBe(ATT_OP.READ_RSP);
  });

  it('a bonded central without robust caching is never answered 0x12', async () => {
    const link = await serve();
    await pairJustWorks(bench!, link.handle);
    const again = await updateAndReconnect(link);
    expect((await again.probe.request(att.read(bench!.server.handles('Temperature').value)))[0]).toBe(ATT_OP.READ_RSP);
  });
});
