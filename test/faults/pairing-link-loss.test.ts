// Link loss at every SMP PDU of every pairing method: for each method a reference pairing (no fault)
// gives the sequence of SMP PDUs both ways; each case drops the link as one of them starts (fault
// `disconnect`, matched by SMP code, direction and occurrence). Both roles run blebench's Security
// Manager with a key file holding the bond of that earlier pairing. Each case must end, within a
// bound, in the central's typed HciError naming 0x08 Connection Timeout (its pairing, or the next
// request on the link when pairing was already over for it), the peripheral must see the same
// disconnection, and both key files must be byte-identical (unless that side completed its pairing
// before the link dropped: then the earlier bond is still there, unchanged), mode 0600, whole.
import { afterAll, describe, expect, it } from 'vitest';
import { hciStatus } from '../../common/base/codes/hci.js';
import { HciError } from '../../central/errors.js';
import { smallProfile } from '../helpers/small-profile.js';
import { SMALL } from '../helpers/bleno-gatt.js';
import { referencePairing, type Reference } from './helpers/reference.js';
import { PAIRING_METHOD_CASES, type Rig } from './helpers/rig.js';
import { CASE_TIMEOUT_MS, ERROR_BOUND_MS, runCase } from './helpers/run-case.js';
import { LINK_LOSS_REASON, linkLossAt } from './helpers/sequence.js';
import { Tally } from './helpers/tally.js';
import type { CentralConnection } from '../../central/connection.js';

const profile = smallProfile();
const tally = new Tally('faults (link loss during pairing)', 'typed errors, keys intact');
afterAll(() => console.log(tally.line()));

const references: Reference[] = [];
for (const method of PAIRING_METHOD_CASES) references.push(await referencePairing(profile, method));

async function readSecure(_rig: Rig, conn: CentralConnection) {
  const c = (await conn.characteristics()).find((x) => x.uuid === SMALL.secureRead);
  if (!c) throw new Error('no Secure Read characteristic');
  return conn.read(c);
}

describe('the reference pairings', () => {
  it.each(references.map((r) => [r.method, r] as const))('%s: begins with Pairing Request and Response and carries a key both ways', (_m, r) => {
    expect(r.smp.slice(0, 2).map((p) => p.label)).toEqual(['SMP Pairing Request from the central (1st)', 'SMP Pairing Response from the peripheral (1st)']);
    expect(r.smp.some((p) => p.direction === 'central-to-peripheral' && p.code === 0x04)).toBe(true);
  });
});

describe.each(references.map((r) => [r.method, r] as const))('link lost during %s pairing', (method, ref) => {
  it.each(ref.smp.map((p, i) => [i + 1, p.label, p] as const))(`at SMP PDU %i, %s: HCI 0x08 typed error, keys intact`, async (_i, _label, pdu) => {
    let ok = false;
    try {
      const r = await runCase(
        { profile, method, keys: ref.keys, rule: linkLossAt(pdu), operation: (_rig, conn) => conn.pair().then((rep) => rep.error) },
        readSecure,
      );
      expect(r.fired).toBe(true);
      expect(r.error).toBeInstanceOf(HciError);
      const e = r.error as HciError;
      expect([e.status, e.context]).toEqual([LINK_LOSS_REASON, 'disconnection']);
      expect(e.message).toContain(`HCI 0x08 ${hciStatus(LINK_LOSS_REASON).name}`);
      expect(r.afterMs).toBeLessThan(ERROR_BOUND_MS);
      expect(r.peripheralDisconnect?.reason).toBe(LINK_LOSS_REASON);
      expect(r.keys.central).toMatchObject({ ok: true });
      expect(r.keys.peripheral).toMatchObject({ ok: true });
      ok = true;
    } finally {
      tally.count(ok);
    }
  }, CASE_TIMEOUT_MS * 3);
});
