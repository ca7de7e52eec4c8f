// Several centrals at once, with the real noble (one instance per central host) and the real bleno on
// one virtual radio: each central has its own CCCDs, security and notifications (Core v5.4 Vol 3 Part G
// 3.3.3.3: the CCCD is per client); one leaving leaves the other served; a second central connects
// while the first pairs; at the most centrals the peripheral stops advertising and says so, and a
// controller with no room for another connection refuses connectable advertising with 0x07.
import { describe, expect, it } from 'vitest';
import { ATT_ERROR, ATT_OP } from '../../common/base/codes/att.js';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { L2CAP_CID } from '../../common/base/codes/l2cap.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { CCCD_BITS, loadProfile } from '../../common/stack/gatt/index.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { FaultRule } from '../../common/stack/air/index.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { CentralClient } from '../../central/central-client.js';
import type { CentralConnection } from '../../central/connection.js';
import { AttError } from '../../central/errors.js';
import type { PeripheralServer } from '../../peripheral/index.js';
import { useWorld } from '../helpers/world.js';
import { until } from '../helpers/until.js';

const world = useWorld();
const profile = loadProfile('default');
const target = { kind: 'service' as const, value: profile.advertising.serviceUuids[0]! };
const smp = () => ({ config: pairingConfig({ bonding: false }) });

interface Rig {
  server: PeripheralServer;
  pt: HciTransport;
  a: { client: CentralClient; t: HciTransport };
  b: { client: CentralClient; t: HciTransport };
}

/** The peripheral and two central hosts (two nobles, two controllers) on one radio. */
async function rig(options: { maxCentrals?: number; faults?: FaultRule[]; peripheralMaxConnections?: number } = {}): Promise<Rig> {
  const w = await world({
    radio: { name: 'several-centrals' },
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.peripheralMaxConnections ? { transportOptions: { peripheral: { controller: { maxConnections: options.peripheralMaxConnections } } } } : {}),
    peripheral: { profile, smp: { config: pairingConfig({ bonding: false }), keyStore: new MemoryKeyStore() }, ...(options.maxCentrals ? { maxCentrals: options.maxCentrals } : {}) },
    central: { policy: 'never', timeoutMs: 3000, smp: smp() },
  });
  const t = await openTransport('mock', { radio: w.radio!, name: 'central-b' });
  w.addPart("central b's transport", () => t.close());
  const client = await CentralClient.open(t, { policy: 'never', timeoutMs: 3000, smp: smp() });
  w.addPart('central b', () => client.close());
  return { server: w.server, pt: w.pt!, a: { client: w.client, t: w.ct! }, b: { client, t } };
}

const h = (server: PeripheralServer, name: string) => server.handles(name);
/** The peripheral's host learns of a link a few turns after the central's: wait for it to count `n`. */
const centralsAre = (server: PeripheralServer, n: number) => until(() => server.centrals.length === n, `${n} central(s) connected at the peripheral`);
const isConnectionComplete = (e: TimelineEntry) => /^HCI LE (Enhanced )?Connection Complete/.test(e.name);
/** How long b scans to find nothing: the virtual radio gives a new scanner every advertiser on air at once, and each newly enabled one as it starts. */
const NOTHING_HEARD_MS = 200;
const characteristic = async (conn: CentralConnection, valueHandle: number) => (await conn.characteristics()).find((c) => c.valueHandle === valueHandle)!;
const ntfs = (t: HciTransport, handle: number) => t.tap.entries.filter((e: TimelineEntry) => e.layer === 'att' && e.dir === 'rx' && e.raw[0] === ATT_OP.HANDLE_VALUE_NTF && e.raw.readUInt16LE(1) === handle);

describe('several centrals at once (real noble twice, real bleno)', () => {
  it('each central reads its own CCCD; a notification goes only to the one that subscribed, then only to the one whose link is secure enough', async () => {
    const { server, a, b } = await rig();
    const ca = await a.client.connectTo(target);
    const cb = await b.client.connectTo(target);
    await centralsAre(server, 2);
    const [la, lb] = server.centrals;
    const temp = h(server, 'Temperature');
    const ta = await characteristic(ca, temp.value);
    const tb = await characteristic(cb, temp.value);

    await ca.subscribe(ta, 'notify');
    expect((await ca.readDescriptor(temp.cccd!)).readUInt16LE(0)).toBe(CCCD_BITS.notification);
    expect((await cb.readDescriptor(temp.cccd!)).readUInt16LE(0), "b's CCCD is its own").toBe(0);
    expect(server.subscription('Temperature', la!.peerAddress)).toBe(CCCD_BITS.notification);
    expect(server.subscription('Temperature', lb!.peerAddress)).toBe(0);

    const got = ca.nextNotification(ta);
    const d1 = server.notify('Temperature', Buffer.from([0x11, 0x00]));
    expect(d1).toMatchObject({ sent: true, centrals: [la!.peerAddress], notTo: [{ central: lb!.peerAddress, reason: expect.stringMatching(/not enabled notifications/) }] });
    expect((await got).value).toEqual(Buffer.from([0x11, 0x00]));

    // b subscribes too; a pairs; notify now needs encryption: a gets it, b (not encrypted) does not.
    await cb.subscribe(tb, 'notify');
    expect((await ca.pair()).result).toBe('encrypted');
    await until(() => server.centrals[0]?.encrypted, "a's link encrypted at the peripheral");
    server.setSecurity('Temperature', 'notify', 'encrypted');
    const got2 = ca.nextNotification(ta);
    const d2 = server.notify('Temperature', Buffer.from([0x22, 0x00]));
    expect(d2).toMatchObject({ sent: true, centrals: [la!.peerAddress], notTo: [{ central: lb!.peerAddress, reason: expect.stringMatching(/not encrypted/) }] });
    expect((await got2).value).toEqual(Buffer.from([0x22, 0x00]));
    // an answer to a later request on b's link proves nothing was notified to b before it
    await cb.read(tb);
    expect(ntfs(b.t, temp.value), 'b was never notified').toHaveLength(0);
    expect(ntfs(a.t, temp.value)).toHaveLength(2);
  });

  it('one central disconnects; the other keeps its subscription and its notifications', async () => {
    const { server, a, b } = await rig();
    const ca = await a.client.connectTo(target);
    const cb = await b.client.connectTo(target);
    const temp = h(server, 'Temperature');
    const ta = await characteristic(ca, temp.value);
    const tb = await characteristic(cb, temp.value);
    await ca.subscribe(ta, 'notify');
    await cb.subscribe(tb, 'notify');
    await centralsAre(server, 2);
    const aAddress = server.centrals[0]!.peerAddress;
    const bAddress = server.centrals[1]!.peerAddress;
    const gone = new Promise((resolve) => server.once('unsubscribe', resolve));
    await cb.disconnect();
    expect(await gone).toMatchObject({ central: bAddress, characteristic: 'Temperature' });
    expect(server.centrals.map((l) => l.peerAddress)).toEqual([aAddress]);
    expect(server.subscription('Temperature', aAddress)).toBe(CCCD_BITS.notification);
    const got = ca.nextNotification(ta);
    expect(server.notify('Temperature', Buffer.from([0x33, 0x00]))).toMatchObject({ sent: true, centrals: [aAddress], notTo: [] });
    expect((await got).value).toEqual(Buffer.from([0x33, 0x00]));
    // and the peripheral advertises again: b connects back
    const cb2 = await b.client.connectTo(target);
    await centralsAre(server, 2);
    expect((await cb2.readDescriptor(temp.cccd!)).readUInt16LE(0), 'an unbonded central starts with its CCCD at 0').toBe(0);
  });

  it('a second central connects while the first is pairing: the pairing completes, the second link stays unencrypted with its own answers', async () => {
    // The central's Pairing Random (SMP code 0x04) is held on the air for 500 ms: the pairing is under way then.
    const faults: FaultRule[] = [{ on: 'acl', match: { cid: L2CAP_CID.SMP, prefix: [SMP_CODE.PAIRING_RANDOM], direction: 'central-to-peripheral' }, action: { kind: 'delay', ms: 500 } }];
    const { server, pt, a, b } = await rig({ faults });
    const ca = await a.client.connectTo(target);
    const aHandle = (await until(() => server.centrals[0], 'a at the peripheral')).handle;
    const pairing = ca.pair();
    await pt.tap.waitFor((e) => e.layer === 'smp' && e.dir === 'tx' && e.raw[0] === SMP_CODE.PAIRING_RESPONSE, { timeoutMs: 3000, includePast: true, what: "the peripheral's Pairing Response" });
    const cb = await b.client.connectTo(target);
    const bConnected = await pt.tap.waitFor((e) => isConnectionComplete(e) && e.handle !== aHandle, { timeoutMs: 3000, includePast: true, what: "b's connection at the peripheral" });
    expect((await pairing).result).toBe('encrypted');
    const aEncrypted = await pt.tap.waitFor((e) => e.name === 'HCI Encryption Change', { timeoutMs: 3000, includePast: true, what: "a's Encryption Change at the peripheral" });
    expect(bConnected.seq, "b's link came up before a's link was encrypted").toBeLessThan(aEncrypted.seq);
    expect(aEncrypted.handle).toBe(aHandle);
    const read = h(server, 'Encrypted Read');
    expect((await ca.read(await characteristic(ca, read.value))).length).toBeGreaterThan(0);
    const err = await cb.read(await characteristic(cb, read.value)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttError);
    expect((err as AttError).attCode).toBe(ATT_ERROR.INSUFFICIENT_AUTHENTICATION);
    expect(cb.security().encrypted).toBe(false);
  });

  it('at maxCentrals the peripheral does not advertise again: another central finds nothing until one leaves', async () => {
    const { server, pt, a, b } = await rig({ maxCentrals: 1 });
    const ca = await a.client.connectTo(target);
    await centralsAre(server, 1);
    const enables = () => pt.tap.entries.filter((e) => e.dir === 'tx' && e.name === 'HCI LE Set Advertising Enable' && e.raw.at(-1) === 1).length;
    const before = enables();
    const err = await b.client.connectTo(target, { timeoutMs: NOTHING_HEARD_MS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/within 200 ms|not found|no advertis/i);
    expect(enables(), 'advertising was not enabled again').toBe(before);
    await ca.disconnect();
    const cb = await b.client.connectTo(target);
    await centralsAre(server, 1);
    expect(cb.security().encrypted).toBe(false);
  });

  it("a controller with no room for another connection refuses connectable advertising with 0x07, and the peripheral says it", async () => {
    const { server, a, b } = await rig({ maxCentrals: 3, peripheralMaxConnections: 1 });
    const refused = new Promise<{ status: number; centrals: number }>((resolve) => server.once('advertising-refused', resolve));
    await a.client.connectTo(target);
    expect(await refused).toMatchObject({ status: HCI_STATUS.MEMORY_CAPACITY_EXCEEDED, centrals: 1 });
    const err = await b.client.connectTo(target, { timeoutMs: NOTHING_HEARD_MS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });
});
