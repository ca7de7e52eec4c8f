// The peripheral's answer to a Pairing Request from a central it holds a bond with
// (common/stack/smp/repairing-policy.ts): the decision table at its edges (key size one octet shorter, legacy
// over Secure Connections, Just Works over an authenticated key and over an unauthenticated one), and
// the engine acting on it: the refusal is Pairing Failed 0x03 right after the Pairing Request (no
// Pairing Response), the acceptance pairs and the new keys replace the bond's, IRK included.
import { describe, expect, it } from 'vitest';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { bondFromOutcome, engineBond } from '../../common/stack/smp/bond.js';
import type { KeySecurity } from '../../common/stack/smp/key-security.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import { repairingDecision, type NewKey } from '../../common/stack/smp/repairing-policy.js';
import { backToBack, CENTRAL_ADDRESS, PERIPHERAL_ADDRESS, type SideSetup } from './helpers/back-to-back.js';

const bond = (o: Partial<KeySecurity> = {}): KeySecurity => ({ method: 'Passkey Entry', authenticated: true, secureConnections: true, keySize: 16, ...o });
const next = (o: Partial<NewKey> = {}): NewKey => ({ authenticated: true, secureConnections: true, keySize: 16, ...o });

describe('the repairing decision', () => {
  it('accept takes any new pairing; refuse takes none, with 0x03', () => {
    expect(repairingDecision('accept', bond(), next({ authenticated: false, secureConnections: false, keySize: 7 })).accept).toBe(true);
    const r = repairingDecision('refuse', bond({ authenticated: false, method: 'Just Works' }), next());
    expect(r).toMatchObject({ accept: false, reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS });
  });

  it('refuse-unless-stronger: an authenticated key no weaker than the bond is accepted, at the same size and above', () => {
    expect(repairingDecision('refuse-unless-stronger', bond(), next()).accept).toBe(true);
    expect(repairingDecision('refuse-unless-stronger', bond({ keySize: 15 }), next({ keySize: 16 })).accept).toBe(true);
    expect(repairingDecision('refuse-unless-stronger', bond({ secureConnections: false, authenticated: false, method: 'Just Works' }), next()).accept).toBe(true);
  });

  it('refuse-unless-stronger: one octet shorter, legacy over SC, and any Just Works are refused with 0x03, each saying why', () => {
    const shorter = repairingDecision('refuse-unless-stronger', bond(), next({ keySize: 15 }));
    expect(shorter).toMatchObject({ accept: false, reason: 0x03 });
    expect(shorter.why).toMatch(/15-octet key is shorter/);
    expect(repairingDecision('refuse-unless-stronger', bond(), next({ secureConnections: false })).why).toMatch(/LE legacy pairing would replace an LE Secure Connections key/);
    for (const had of [bond(), bond({ authenticated: false, method: 'Just Works' })]) {
      const jw = repairingDecision('refuse-unless-stronger', had, next({ authenticated: false }));
      expect(jw.accept).toBe(false);
      expect(jw.why).toMatch(/Just Works/);
    }
  });

  it('an unknown policy is a config error naming the field', () => {
    expect(() => pairingConfig({ onRepairing: 'maybe' as never })).toThrow(/onRepairing must be one of accept, refuse-unless-stronger, refuse/);
  });
});

async function bondedPair(central: SideSetup = {}, peripheral: SideSetup = {}) {
  const pair = backToBack({ central, peripheral });
  pair.central.input({ type: 'pair' });
  const o = await pair.outcomes();
  return { central: bondFromOutcome(o.central, CENTRAL_ADDRESS)!, peripheral: bondFromOutcome(o.peripheral, PERIPHERAL_ADDRESS)! };
}

describe('the engine, with a bond, on a new Pairing Request', () => {
  it('refuse: Pairing Failed 0x03 answers the Pairing Request itself, and the event says why', async () => {
    const bonds = await bondedPair();
    const again = backToBack({ peripheral: { config: { onRepairing: 'refuse' }, env: { bond: engineBond(bonds.peripheral) } } });
    again.central.input({ type: 'pair' });
    const { central, peripheral } = await again.outcomes();
    expect(central).toMatchObject({ result: 'failed', reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS, by: 'peer' });
    expect(peripheral).toMatchObject({ result: 'failed', reason: SMP_REASON.AUTHENTICATION_REQUIREMENTS, by: 'local' });
    expect(again.air.map((x) => x.pdu[0])).toEqual([SMP_CODE.PAIRING_REQUEST, SMP_CODE.PAIRING_FAILED]);
    const ev = again.actions.find((a) => a.side === 'peripheral' && a.action.type === 'event' && a.action.event.kind === 'repairing');
    expect(ev?.action).toMatchObject({ event: { accepted: false, why: expect.stringMatching(/--on-repairing refuse/) } });
  });

  it('without a bond the same policy pairs: it is about bonded centrals only', async () => {
    const fresh = backToBack({ peripheral: { config: { onRepairing: 'refuse' } } });
    fresh.central.input({ type: 'pair' });
    expect((await fresh.outcomes()).peripheral.result).toBe('paired');
  });

  it('accept: the new pairing replaces the bond in the key store, the new LTK and the new IRK of the central', async () => {
    const store = new MemoryKeyStore();
    const irk1 = Buffer.alloc(16, 0x11);
    const irk2 = Buffer.alloc(16, 0x22);
    const identity = (irk: Buffer) => ({ identity: { address: CENTRAL_ADDRESS, irk } });
    const first = await bondedPair({ env: identity(irk1) });
    await store.put(first.peripheral);
    expect(first.peripheral.peerIrk).toEqual(irk1);
    const again = backToBack({ central: { env: identity(irk2) }, peripheral: { config: { onRepairing: 'accept' }, env: { bond: engineBond(first.peripheral) } } });
    again.central.input({ type: 'pair' });
    const o = await again.outcomes();
    expect(o.peripheral.result).toBe('paired');
    await store.put(bondFromOutcome(o.peripheral, PERIPHERAL_ADDRESS)!);
    const kept = await store.list();
    expect(kept).toHaveLength(1);
    expect(kept[0]!.peerIrk).toEqual(irk2);
    expect(kept[0]!.localLtk!.key.equals(first.peripheral.localLtk!.key)).toBe(false);
  });
});
