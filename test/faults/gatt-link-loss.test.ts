// Link loss at every step of every GATT procedure: discovery (services, characteristics,
// descriptors), read, read blob (a long value), write, write without response, CCCD write,
// notification, indication and its confirmation. A reference run of each procedure (no fault) gives
// its ATT PDUs both ways; each case drops the link as one of them starts. The central's operation (or,
// when it had nothing left to wait for, its next request) must end within a bound in the typed
// HciError naming 0x08 Connection Timeout; the peripheral sees the same; both roles' key files (a bond
// from an earlier pairing) stay byte-identical and 0600.
import { afterAll, describe, expect, it } from 'vitest';
import { HciError } from '../../central/errors.js';
import type { CentralConnection } from '../../central/connection.js';
import type { DiscoveredCharacteristic } from '../../central/gatt/discovered.js';
import { hciStatus } from '../../common/base/codes/hci.js';
import { SMALL } from '../helpers/bleno-gatt.js';
import { smallProfile } from '../helpers/small-profile.js';
import { referencePairing } from './helpers/reference.js';
import { startRig, type Rig } from './helpers/rig.js';
import { CASE_TIMEOUT_MS, ERROR_BOUND_MS, runCase } from './helpers/run-case.js';
import { LINK_LOSS_REASON, linkLossAt, recordSequence, type SequencePdu } from './helpers/sequence.js';
import { Tally } from './helpers/tally.js';

const profile = smallProfile();
const METHOD = 'legacy-just-works' as const;
const tally = new Tally('faults (link loss during GATT procedures)', 'typed errors, keys intact');
afterAll(() => console.log(tally.line()));

async function char(conn: CentralConnection, uuid: string): Promise<DiscoveredCharacteristic> {
  const c = (await conn.characteristics()).find((x) => x.uuid === uuid);
  if (!c) throw new Error(`no characteristic ${uuid}`);
  return c;
}

interface Procedure {
  name: string;
  /** Done before the fault is armed and before the reference starts recording. */
  prepare?: (rig: Rig, conn: CentralConnection) => Promise<unknown>;
  operation: (rig: Rig, conn: CentralConnection) => Promise<unknown>;
}

const discovered = (_rig: Rig, conn: CentralConnection) => conn.discover();
const PROCEDURES: Procedure[] = [
  { name: 'discover services, characteristics and descriptors', operation: discovered },
  { name: 'read', prepare: discovered, operation: async (_r, conn) => conn.read(await char(conn, SMALL.openRead)) },
  { name: 'read blob (long value)', prepare: discovered, operation: async (_r, conn) => conn.read(await char(conn, SMALL.longRead)) },
  { name: 'write', prepare: discovered, operation: async (_r, conn) => conn.write(await char(conn, SMALL.openWrite), Buffer.from('w1')) },
  {
    name: 'write without response, then a read',
    prepare: discovered,
    operation: async (_r, conn) => {
      await conn.writeWithoutResponse(await char(conn, SMALL.openCommand), Buffer.from('c1'));
      return conn.read(await char(conn, SMALL.openRead));
    },
  },
  { name: 'CCCD write (subscribe to notifications)', prepare: discovered, operation: async (_r, conn) => conn.subscribe(await char(conn, SMALL.openNotify), 'notify') },
  { name: 'CCCD write (subscribe to indications)', prepare: discovered, operation: async (_r, conn) => conn.subscribe(await char(conn, SMALL.openIndicate), 'indicate') },
  {
    name: 'notification',
    prepare: async (_r, conn) => conn.subscribe(await char(conn, SMALL.openNotify), 'notify'),
    operation: async (rig, conn) => {
      const next = conn.nextNotification(await char(conn, SMALL.openNotify));
      rig.server.notify('Open Notify', Buffer.from('n1'));
      return next;
    },
  },
  {
    name: 'indication and confirmation',
    prepare: async (_r, conn) => conn.subscribe(await char(conn, SMALL.openIndicate), 'indicate'),
    operation: async (rig, conn) => {
      const next = conn.nextNotification(await char(conn, SMALL.openIndicate));
      const delivery = rig.server.indicate('Open Indicate', Buffer.from('i1'));
      const [n] = await Promise.all([next, delivery]);
      return n;
    },
  },
];

const pairingRef = await referencePairing(profile, METHOD);

/** Each procedure once without faults: its ATT PDUs, as the central's tap saw them. */
async function reference(p: Procedure): Promise<SequencePdu[]> {
  const rig = await startRig({ profile });
  try {
    const conn = await rig.connect();
    await p.prepare?.(rig, conn);
    const from = rig.ct.tap.entries.at(-1)?.seq ?? -1;
    await p.operation(rig, conn);
    return recordSequence(rig.ct.tap, from, 'att');
  } finally {
    await rig.close();
  }
}
const sequences = new Map<string, SequencePdu[]>();
for (const p of PROCEDURES) sequences.set(p.name, await reference(p));

const readOpen = async (_rig: Rig, conn: CentralConnection) => conn.read(await char(conn, SMALL.openRead));

describe('the reference procedures', () => {
  it('each procedure puts ATT PDUs on the air, and the long read needs Read Blob', () => {
    for (const p of PROCEDURES) expect(sequences.get(p.name)!.length, p.name).toBeGreaterThan(0);
    expect(sequences.get('read blob (long value)')!.map((x) => x.label)).toContain('ATT Read Blob Request from the central (1st)');
    expect(sequences.get('indication and confirmation')!.map((x) => x.label)).toEqual([
      'ATT Handle Value Indication from the peripheral (1st)',
      'ATT Handle Value Confirmation from the central (1st)',
    ]);
  });
});

describe.each(PROCEDURES.map((p) => [p.name, p] as const))('link lost during %s', (_name, procedure) => {
  const steps = sequences.get(procedure.name)!;
  it.each(steps.map((s, i) => [i + 1, s.label, s] as const))('at ATT PDU %i, %s: HCI 0x08 typed error, keys intact', async (_i, _label, pdu) => {
    let ok = false;
    try {
      const r = await runCase(
        { profile, method: METHOD, keys: pairingRef.keys, rule: linkLossAt(pdu), ...(procedure.prepare ? { prepare: procedure.prepare } : {}), operation: procedure.operation },
        readOpen,
      );
      expect(r.fired).toBe(true);
      expect(r.error).toBeInstanceOf(HciError);
      const e = r.error as HciError;
      expect([e.status, e.context]).toEqual([LINK_LOSS_REASON, 'disconnection']);
      expect(e.message).toContain(`HCI 0x08 ${hciStatus(LINK_LOSS_REASON).name}`);
      expect(r.afterMs).toBeLessThan(ERROR_BOUND_MS);
      expect(r.peripheralDisconnect?.reason).toBe(LINK_LOSS_REASON);
      expect(r.keys.central).toEqual({ ok: true, changed: false });
      expect(r.keys.peripheral).toEqual({ ok: true, changed: false });
      ok = true;
    } finally {
      tally.count(ok);
    }
  }, CASE_TIMEOUT_MS * 3);
});

describe('the peripheral side of a lost indication', () => {
  it.each(sequences.get('indication and confirmation')!.map((s) => [s.label, s] as const))('link lost at %s: indicate() resolves not confirmed, naming the lost link', async (_label, pdu) => {
    const rig = await startRig({ profile, timeoutMs: CASE_TIMEOUT_MS });
    try {
      const conn = await rig.connect();
      await conn.subscribe(await char(conn, SMALL.openIndicate), 'indicate');
      rig.radio.faults.add(linkLossAt(pdu));
      const t0 = Date.now();
      const delivery = await rig.server.indicate('Open Indicate', Buffer.from('i2'));
      expect(delivery).toMatchObject({ sent: true, confirmed: false });
      expect((delivery as { reason: string }).reason).toMatch(/0x08|Connection Timeout|link|disconnect/i);
      expect(Date.now() - t0).toBeLessThan(ERROR_BOUND_MS);
    } finally {
      await rig.close();
    }
  });
});
