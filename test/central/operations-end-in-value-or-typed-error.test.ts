// The central client against a bleno peripheral on the virtual radio: every operation ends within
// its time limit in a value or a typed error carrying the code noble itself hides.
import { openWorld, type WorldParts } from '../../world/open-world.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Radio } from '../../common/stack/air/index.js';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { SMP_REASON } from '../../common/base/codes/smp.js';
import type { CentralConnection } from '../../central/connection.js';
import { AttError, HciError, OperationTimeout, SmpPairingFailed } from '../../central/errors.js';
import type { PairingPolicy } from '../../central/pairing/pairing-policy.js';
import { NOBLE_FALSE_RANDOM_NOTE } from '../../central/pairing/pairer.js';
import type { DiscoveredCharacteristic } from '../../central/gatt/discovered.js';
import { SMALL, startBlenoPeripheral, type BlenoPeripheral } from '../helpers/bleno-gatt.js';
import { corruptPairingConfirm, refusePairing } from '../helpers/smp-seam-filter.js';

const TIMEOUT_MS = 3000;
/** The limit of the test about a request timing out: it waits it out in full (the connection and discovery before it get as long). */
const SHORT_TIMEOUT_MS = 1000;
let radio: Radio;
let peripheral: BlenoPeripheral | undefined;
let world: WorldParts | undefined;

afterEach(async () => {
  await world?.close();
  await peripheral?.close();
  radio?.close();
  world = peripheral = undefined;
});

async function setUp(policy: PairingPolicy, beforeLoad?: (t: HciTransport) => void, timeoutMs = TIMEOUT_MS) {
  radio = new Radio({ name: 'central-client' });
  peripheral = await startBlenoPeripheral(radio, beforeLoad ? { beforeLoad } : {});
  const w = await openWorld({ radio, central: { policy, timeoutMs } });
  world = w;
  const { client } = w;
  const conn = await client.connectTo({ kind: 'service', value: SMALL.service });
  const chars = await conn.characteristics();
  const char = (uuid: string): DiscoveredCharacteristic => {
    const c = chars.find((x) => x.uuid === uuid);
    if (!c) throw new Error(`no ${uuid}`);
    return c;
  };
  return { conn, char, client, ct: w.ct, peripheral: peripheral! };
}

async function expectRejects<E>(p: Promise<unknown>, type: new (...a: never[]) => E): Promise<E> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(type);
  return e as E;
}

describe('central client: scanning and discovery', () => {
  it('finds the peripheral by name, address and service UUID, with its RSSI and advertised data', async () => {
    const { conn, client } = await setUp('never');
    const address = conn.peer.address;
    await conn.disconnect();
    const byName = await client.find({ kind: 'name', value: SMALL.name });
    expect(byName.advertisement.localName).toBe(SMALL.name);
    expect(byName.advertisement.serviceUuids).toContain(SMALL.service);
    expect(typeof byName.advertisement.rssi).toBe('number');
    expect((await client.find({ kind: 'address', value: address.toLowerCase() })).advertisement.address).toBe(address);
    const none = await expectRejects(client.find({ kind: 'name', value: 'nobody' }, 300), OperationTimeout);
    expect(none.message).toContain('nobody');
  });

  it('discovers services, characteristics with their properties, and the CCCDs', async () => {
    const { conn, char } = await setUp('never');
    const services = await conn.discover();
    expect(services.map((s) => s.uuid)).toContain(SMALL.service);
    expect(char(SMALL.openWrite).propertyNames).toEqual(['read', 'write']);
    expect(char(SMALL.openNotify).descriptors.map((d) => d.uuid)).toContain('2902');
    expect(char(SMALL.openRead).descriptors.map((d) => d.uuid)).not.toContain('2902');
  });
});

describe('central client: values and errors', () => {
  it('reads an open value, and a value longer than one ATT_MTU with Read Blob', async () => {
    const { conn, char, ct } = await setUp('never');
    expect(await conn.read(char(SMALL.openRead))).toEqual(SMALL.openValue);
    expect(await conn.read(char(SMALL.longRead))).toEqual(SMALL.longValue);
    expect(ct.tap.entries.some((e) => e.layer === 'att' && e.fields.opcode === ATT_OP.READ_BLOB_REQ)).toBe(true);
  });

  it('under policy never a secured read fails with AttError 0x05, not an empty buffer, and no pairing starts', async () => {
    const { conn, char, ct } = await setUp('never');
    const e = await expectRejects(conn.read(char(SMALL.secureRead)), AttError);
    expect(e.attCode).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(e.name).toBe('Insufficient Authentication');
    expect(e.requestOpcode).toBe(ATT_OP.READ_REQ);
    expect(ct.tap.entries.some((x) => x.layer === 'smp')).toBe(false);
    // the bearer still works after the error: noble's queue moved on
    expect(await conn.read(char(SMALL.openRead))).toEqual(SMALL.openValue);
  });

  it('under policy on-error a secured read pairs Just Works, re-sends, and returns the value', async () => {
    const { conn, char } = await setUp('on-error');
    const record = { attempts: [] as { encrypted: boolean; error?: unknown }[] } as Parameters<CentralConnection['read']>[1] & object;
    expect(await conn.read(char(SMALL.secureRead), record)).toEqual(SMALL.secureValue);
    expect(record.attempts.map((a) => a.error instanceof AttError && a.error.attCode)).toEqual([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, false]);
    const report = record.pairing!;
    expect(report.result).toBe('encrypted');
    expect(report.trigger).toContain('0x05');
    expect(report.startedBy).toBe('central');
    expect(report.method).toBe('Just Works');
    expect(report.request?.ioCapability).toBe('NoInputNoOutput');
    expect(report.response?.ioCapability).toBe('NoInputNoOutput');
    expect(report.request?.mitm).toBe(false);
    expect(report.keySize).toBe(16);
    expect(conn.link.encrypted).toBe(true);
  });

  it('under policy upfront the link is encrypted before the first request, so the secured read needs no retry', async () => {
    const { conn, char, ct } = await setUp('upfront');
    expect(conn.pairings[0]?.trigger).toBe('upfront');
    expect(conn.link.encrypted).toBe(true);
    const record = { attempts: [] } as NonNullable<Parameters<CentralConnection['read']>[1]>;
    expect(await conn.read(char(SMALL.secureRead), record)).toEqual(SMALL.secureValue);
    expect(record.attempts).toHaveLength(1);
    expect(ct.tap.entries.some((e) => e.layer === 'att' && e.fields.errorCode === ATT_ERROR.INSUFFICIENT_AUTHENTICATION)).toBe(false);
  });

  it('a peripheral that refuses pairing (0x05 Pairing Not Supported) makes the secured read fail promptly with that reason', async () => {
    const { conn, char } = await setUp('on-error', (t) => refusePairing(t, SMP_REASON.PAIRING_NOT_SUPPORTED));
    const started = performance.now();
    const e = await expectRejects(conn.read(char(SMALL.secureRead)), SmpPairingFailed);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS / 2);
    expect(e.reason).toBe(SMP_REASON.PAIRING_NOT_SUPPORTED);
    expect(e.name).toBe('Pairing Not Supported');
    expect(e.who).toBe('peripheral');
    // nothing is left hanging: the next request is answered
    expect(await conn.read(char(SMALL.openRead))).toEqual(SMALL.openValue);
  });

  it("a failed confirm check is reported as Confirm Value Failed, naming noble's malformed Pairing Random", async () => {
    const { conn } = await setUp('never', (t) => corruptPairingConfirm(t));
    const report = await conn.pair();
    expect(report.result).toBe('failed');
    const e = report.error as SmpPairingFailed;
    expect(e).toBeInstanceOf(SmpPairingFailed);
    expect(e.reason).toBe(SMP_REASON.CONFIRM_VALUE_FAILED);
    expect(e.who).toBe('central');
    expect(report.notes).toContain(NOBLE_FALSE_RANDOM_NOTE);
  });

  it('a link lost in the middle of a read gives an HciError naming the disconnection reason', async () => {
    const { conn, char } = await setUp('never');
    radio.faults.add({ on: 'acl', match: { direction: 'central-to-peripheral', cid: L2CAP_CID.ATT, prefix: [ATT_OP.READ_REQ] }, action: { kind: 'disconnect', reason: HCI_STATUS.CONNECTION_TIMEOUT } });
    const e = await expectRejects(conn.read(char(SMALL.openRead)), HciError);
    expect(e.status).toBe(HCI_STATUS.CONNECTION_TIMEOUT);
    expect(e.name).toBe('Connection Timeout');
    expect(e.context).toBe('disconnection');
    // and every later operation on that connection fails at once the same way
    const again = await expectRejects(conn.read(char(SMALL.openRead)), HciError);
    expect(again.status).toBe(HCI_STATUS.CONNECTION_TIMEOUT);
  });

  it('a request nobody answers ends with OperationTimeout within its limit', async () => {
    const { conn, char } = await setUp('never', undefined, SHORT_TIMEOUT_MS);
    radio.faults.add({ on: 'acl', match: { direction: 'central-to-peripheral', cid: L2CAP_CID.ATT, prefix: [ATT_OP.READ_REQ] }, action: { kind: 'drop' } });
    const started = performance.now();
    const e = await expectRejects(conn.gatt.read(char(SMALL.openRead).valueHandle, 'read', ), OperationTimeout);
    const took = performance.now() - started;
    expect(took).toBeLessThan(SHORT_TIMEOUT_MS + 1000);
    expect(took).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS - 50); // it waited for its limit, not less
    expect(e.timeoutMs).toBe(SHORT_TIMEOUT_MS);
  });

  it('a failed connection reports the LE Connection Complete status (0x3E)', async () => {
    const { conn, client } = await setUp('never');
    const found = await (async () => {
      await conn.disconnect();
      return client.find({ kind: 'service', value: SMALL.service });
    })();
    radio.faults.add({ on: 'connect', status: HCI_STATUS.CONNECTION_FAILED_TO_BE_ESTABLISHED });
    const e = await expectRejects(client.connect(found), HciError);
    expect(e.status).toBe(0x3e);
    expect(e.context).toBe('connection');
  });
});

describe('central client: writes, notifications, reconnection', () => {
  it('writes with and without response reach the peripheral; a secured write under never fails with 0x05', async () => {
    const { conn, char, peripheral } = await setUp('never');
    await conn.write(char(SMALL.openWrite), Buffer.from('hello'));
    expect(peripheral.written.get(SMALL.openWrite)?.at(-1)).toEqual(Buffer.from('hello'));
    expect(await conn.read(char(SMALL.openWrite))).toEqual(Buffer.from('hello'));
    await conn.writeWithoutResponse(char(SMALL.openCommand), Buffer.from([1, 2, 3]));
    // the command has no answer: a read after it proves it was handled first (one bearer, in order)
    await conn.read(char(SMALL.openRead));
    expect(peripheral.written.get(SMALL.openCommand)?.at(-1)).toEqual(Buffer.from([1, 2, 3]));
    const e = await expectRejects(conn.write(char(SMALL.secureWrite), Buffer.from('x')), AttError);
    expect(e.attCode).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(peripheral.written.get(SMALL.secureWrite)).toBeUndefined();
  });

  it('a long write goes out as Prepare Write + Execute Write', async () => {
    const { conn, char, peripheral, ct } = await setUp('never');
    const long = Buffer.from('x'.repeat(400));
    await conn.write(char(SMALL.openWrite), long);
    expect(ct.tap.entries.some((e) => e.layer === 'att' && e.fields.opcode === ATT_OP.EXECUTE_WRITE_REQ)).toBe(true);
    expect(Buffer.concat(peripheral.written.get(SMALL.openWrite) ?? [])).toEqual(long);
  });

  it('subscribe delivers notifications and indications; unsubscribe stops them', async () => {
    const { conn, char, peripheral } = await setUp('never');
    const n = char(SMALL.openNotify);
    await conn.subscribe(n);
    expect(peripheral.subscribed.has(SMALL.openNotify)).toBe(true);
    const next = conn.nextNotification(n);
    expect(peripheral.notify(SMALL.openNotify, Buffer.from('tick'))).toBe(true);
    expect((await next).value).toEqual(Buffer.from('tick'));
    await conn.unsubscribe(n);
    expect(peripheral.subscribed.has(SMALL.openNotify)).toBe(false);

    const i = char(SMALL.openIndicate);
    await conn.subscribe(i, 'indicate');
    const ind = conn.nextNotification(i);
    peripheral.notify(SMALL.openIndicate, Buffer.from('ind'));
    const got = await ind;
    expect(got.indication).toBe(true);
    expect(got.value).toEqual(Buffer.from('ind'));
  });

  it('subscribing to a secured notification under never fails with 0x05 on the CCCD write', async () => {
    const { conn, char, peripheral } = await setUp('never');
    const e = await expectRejects(conn.subscribe(char(SMALL.secureNotify)), AttError);
    expect(e.attCode).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(e.requestOpcode).toBe(ATT_OP.WRITE_REQ);
    expect(peripheral.subscribed.has(SMALL.secureNotify)).toBe(false);
  });

  it('after reconnecting, the old connection fails with its disconnection and the new one works', async () => {
    const { conn, client } = await setUp('never');
    const found = await (async () => {
      await conn.disconnect();
      expect(conn.link.disconnectReason).toBe(HCI_STATUS.CONNECTION_TERMINATED_BY_LOCAL_HOST);
      return client.find({ kind: 'service', value: SMALL.service });
    })();
    const again = await client.connect(found);
    expect(again.handle).toBeDefined();
    expect(again).not.toBe(conn);
    const oldChar = (await again.characteristics()).find((c) => c.uuid === SMALL.openRead)!;
    const e = await expectRejects(conn.read(oldChar), HciError);
    expect(e.status).toBe(HCI_STATUS.CONNECTION_TERMINATED_BY_LOCAL_HOST);
    expect(await again.read(oldChar)).toEqual(SMALL.openValue);
  });
});
