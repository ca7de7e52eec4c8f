// A bonded central whose kept key no longer fits the peripheral's, on the virtual radio with real
// noble and bleno: another key (the peripheral answers the LTK request with its own) fails the MIC
// of the LL_START_ENC exchange: Disconnection Complete 0x3D on both sides and the central's operation
// ends in HciError 0x3D naming MIC Failure; a key the peripheral does not hold (other EDIV/Rand) gets
// a Negative Reply: Encryption Change 0x06 to the central, the link stays up.
// Core v5.4 Vol 6 Part B 5.1.3.1; Vol 4 Part E 7.7.5, 7.7.8, 7.8.25, 7.8.26; Vol 3 Part H 2.4.4.1.
import { useWorld } from '../helpers/world.js';
import { describe, expect, it } from 'vitest';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig, type PairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import type { CentralClient } from '../../central/central-client.js';
import type { KeyMissingPolicy } from '../../central/pairing/key-missing-policy.js';
import type { CentralConnection } from '../../central/connection.js';
import { AttError, HciError } from '../../central/errors.js';
import type { OperationRecord } from '../../central/connection.js';
import type { PairingPolicy } from '../../central/pairing/pairing-policy.js';
import { until } from '../helpers/until.js';

const world = useWorld();
let pt: HciTransport;
let ct: HciTransport;
let client: CentralClient;

const profile = loadProfile('default');
const ENCRYPTED_READ = profile.services.flatMap((s) => s.characteristics).find((c) => c.name === 'Encrypted Read')!;
const OPEN_READ = profile.services.flatMap((s) => s.characteristics).find((c) => c.name === 'Open Read')!;

/** Both sides run blebench's Security Manager with bonding; pair once, disconnect, then connect again. */
async function bondedThenReconnect(config: Partial<PairingConfig>, change: 'key' | 'ediv-rand', policy: PairingPolicy = 'never', onKeyMissing: KeyMissingPolicy = 'stop'): Promise<CentralConnection> {
  const w = await world({
    radio: { name: 'kept-key-mismatch' },
    peripheral: { profile, smp: { config: pairingConfig({ bonding: true, ...config }), keyStore: new MemoryKeyStore() } },
    central: { policy: 'never', onKeyMissing, timeoutMs: 3000, smp: { config: pairingConfig({ bonding: true, ...config }) } },
  });
  ({ pt, ct, client } = w);
  const target = { kind: 'service' as const, value: profile.advertising.serviceUuids[0]! };
  const first = await client.connectTo(target);
  expect((await first.pair()).result).toBe('encrypted');
  await until(async () => ((await client!.bonds.store.list()).length ? true : undefined), 'the bond in the central key store');
  await first.disconnect();
  expect(await client.bonds.changeKeptKeys(change)).toBe(1);
  const second = await client.connectTo(target, { policy });
  expect(second.bonded).toBe(true);
  return second;
}

const after = (t: HciTransport, seq: number, name: string) => t.tap.entries.filter((e: TimelineEntry) => e.seq >= seq && e.name === name);

describe("a kept key that does not fit the peripheral's", () => {
  it('another key: encrypt() ends in HciError 0x3D naming MIC Failure; both sides see Disconnection Complete 0x3D, no Encryption Change', async () => {
    const conn = await bondedThenReconnect({}, 'key');
    const from = { c: ct!.tap.entries.length, p: pt!.tap.entries.length };
    const err = (await conn.encrypt().catch((e: unknown) => e)) as HciError;
    expect(err).toBeInstanceOf(HciError);
    expect(err.kind).toBe('hci');
    expect(err.status).toBe(HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE);
    expect(err.context).toBe('disconnection');
    expect(err.label).toBe('HCI 0x3D Connection Terminated due to MIC Failure');
    expect(err.message).toMatch(/MIC Failure.*the peer's key for this bond is another one/);
    // the peripheral's host did answer with its key
    expect(after(pt!, from.p, 'HCI LE Long Term Key Request Reply')).toHaveLength(1);
    const dc = await ct!.tap.waitFor((e) => e.seq >= from.c && e.name === 'HCI Disconnection Complete', { timeoutMs: 3000, includePast: true });
    const dp = await pt!.tap.waitFor((e) => e.seq >= from.p && e.name === 'HCI Disconnection Complete', { timeoutMs: 3000, includePast: true });
    expect(dc.fields.reason).toBe(0x3d);
    expect(dp.fields.reason).toBe(0x3d);
    expect(after(ct!, from.c, 'HCI Encryption Change')).toHaveLength(0);
    expect(after(pt!, from.p, 'HCI Encryption Change')).toHaveLength(0);
    expect(conn.link.connected).toBe(false);
  });

  it('another key, asked to pair: the pairing report carries the same HciError 0x3D, and no Pairing Request went out', async () => {
    const conn = await bondedThenReconnect({}, 'key');
    const from = ct!.tap.entries.length;
    const report = await conn.pair();
    expect(report.error).toBeInstanceOf(HciError);
    expect((report.error as HciError).status).toBe(0x3d);
    expect(report.error!.message).toMatch(/^the link was lost: HCI 0x3D Connection Terminated due to MIC Failure .*during encryption with the key kept from an earlier pairing/);
    expect(after(ct!, from, 'SMP Pairing Request')).toHaveLength(0);
  });

  it('other EDIV and Rand (LE legacy): Negative Reply, encrypt() ends in HciError 0x06, the link stays up and an open read works', async () => {
    const conn = await bondedThenReconnect({ secureConnections: 'no' }, 'ediv-rand');
    const from = { c: ct!.tap.entries.length, p: pt!.tap.entries.length };
    const err = (await conn.encrypt().catch((e: unknown) => e)) as HciError;
    expect(err).toBeInstanceOf(HciError);
    expect(err.status).toBe(HCI_STATUS.PIN_OR_KEY_MISSING);
    expect(err.context).toBe('encryption');
    expect(after(pt!, from.p, 'HCI LE Long Term Key Request Negative Reply')).toHaveLength(1);
    expect(after(ct!, from.c, 'HCI Encryption Change').map((e) => e.fields.status)).toEqual([0x06]);
    expect(conn.link.connected).toBe(true);
    expect(conn.link.encrypted).toBe(false);
    const open = (await conn.characteristics()).find((c) => c.uuid === OPEN_READ.uuid)!;
    expect((await conn.read(open)).toString()).toBe('open to everyone');
    expect(after(ct!, from.c, 'HCI Disconnection Complete')).toHaveLength(0);
    expect(after(pt!, from.p, 'HCI Disconnection Complete')).toHaveLength(0);
  });

  it('on-error with a kept key the peripheral does not hold: one LE Enable Encryption per link; the next 0x0F names the earlier failure', async () => {
    const conn = await bondedThenReconnect({ secureConnections: 'no' }, 'ediv-rand', 'on-error');
    const from = ct!.tap.entries.length;
    const read = (await conn.characteristics()).find((c) => c.uuid === ENCRYPTED_READ.uuid)!;
    const first: OperationRecord = { attempts: [] };
    const e1 = (await conn.read(read, first).catch((e: unknown) => e)) as HciError;
    expect(e1).toBeInstanceOf(HciError);
    expect(e1.status).toBe(0x06);
    expect(first.encryptedWithStoredKey).toBe(true);
    const second: OperationRecord = { attempts: [] };
    const e2 = (await conn.read(read, second).catch((e: unknown) => e)) as AttError;
    expect(e2).toBeInstanceOf(AttError);
    // the peripheral holds a bond with this central, so it answers 0x0F Insufficient Encryption (Vol 3 Part C 10.3.2)
    expect(e2.attCode).toBe(0x0f);
    expect(first.attempts[0]?.error).toMatchObject({ kind: 'att', attCode: 0x0f });
    expect(second.encryptedWithStoredKey).toBeUndefined();
    expect(second.noPairing).toBe('encryption with the kept key failed earlier on this link: HCI 0x06 PIN or Key Missing; one attempt per link');
    expect(after(ct!, from, 'HCI LE Enable Encryption')).toHaveLength(1);
    expect(after(ct!, from, 'SMP Pairing Request')).toHaveLength(0);
  });

  it('on-error, on-key-missing pair: after 0x06 the central forgets the bond and pairs once on the same link; the read gets its value and the new bond replaces the old', async () => {
    const conn = await bondedThenReconnect({ secureConnections: 'no' }, 'ediv-rand', 'on-error', 'pair');
    const old = (await client!.bonds.store.list())[0]!;
    const from = ct!.tap.entries.length;
    const read = (await conn.characteristics()).find((c) => c.uuid === ENCRYPTED_READ.uuid)!;
    const rec: OperationRecord = { attempts: [] };
    expect((await conn.read(read, rec)).toString()).toBe('needs encryption');
    expect(rec.encryptedWithStoredKey).toBe(true);
    expect(rec.keyMissing).toMatch(/--on-key-missing pair: the bond was forgotten and the central paired again/);
    expect(rec.pairing?.error).toBeUndefined();
    expect(after(ct!, from, 'HCI LE Enable Encryption')).toHaveLength(2);
    expect(after(ct!, from, 'SMP Pairing Request')).toHaveLength(1);
    expect(after(ct!, from, 'HCI Disconnection Complete')).toHaveLength(0);
    expect(client!.peerKey(conn.peer.address)).toBe('missing');
    await until(async () => {
      const now = await client!.bonds.store.list();
      return now.length === 1 && !now[0]!.peerLtk!.key.equals(old.peerLtk!.key) ? true : undefined;
    }, 'the new bond in place of the old');
  });
});
