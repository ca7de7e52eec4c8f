// The one lookup from an address on the air to a bond: by identity address, else by an RPA that one of
// the stored IRKs resolves (Core v5.4 Vol 3 Part H 2.2.2 ah, 3.6.4/3.6.5; Vol 6 Part B 1.3.2.3).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Bond } from '../../common/stack/smp/bond.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { createLinkSession, describeSharedIrk, type SharedIrk } from '../../common/stack/smp/link-session.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import { IdentityResolver, describeResolution, resolveAmong, rpaResolvesWith, sharesIrk } from '../../common/stack/smp/identity-resolver.js';
import { generateRpa } from '../../common/base/crypto/random-address.js';
import { addressText } from '../../common/stack/smp/byte-order.js';
import type { DeviceAddress } from '../../common/stack/smp/engine-types.js';

const LOCAL: DeviceAddress = { address: 'F0:F1:F2:F3:F4:F5', type: 'public' };
const rpaOf = (irk: Buffer): DeviceAddress => ({ address: addressText(generateRpa(irk).reverse()), type: 'random' });

function bond(peer: DeviceAddress, peerIrk?: Buffer, local = LOCAL): Bond {
  return {
    local,
    peer,
    role: 'peripheral',
    security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
    localLtk: { key: randomBytes(16), ediv: 0, rand: Buffer.alloc(8), keySize: 16 },
    ...(peerIrk ? { peerIrk } : {}),
    createdAt: new Date(0).toISOString(),
  };
}

/** Two devices (random static identities) bonded with one IRK, in that order, in a fresh store. */
async function twoBondsSharingOneIrk(): Promise<{ store: MemoryKeyStore; irk: Buffer; a: DeviceAddress; b: DeviceAddress }> {
  const store = new MemoryKeyStore();
  const irk = randomBytes(16);
  const a: DeviceAddress = { address: 'C0:00:00:00:00:0A', type: 'random' };
  const b: DeviceAddress = { address: 'C0:00:00:00:00:0B', type: 'random' };
  await store.put(bond(a, irk));
  await store.put(bond(b, Buffer.from(irk)));
  return { store, irk, a, b };
}

describe('identity resolver', () => {
  it('the Core sample RPA (prand 0x708194, hash 0x0dfbaa) resolves with its IRK and with no other', () => {
    const irk = Buffer.from('ec0234a357c8ad05341010a60a397d9b', 'hex');
    const onAir: DeviceAddress = { address: '70:81:94:0D:FB:AA', type: 'random' };
    expect(rpaResolvesWith(irk, onAir)).toBe(true);
    expect(rpaResolvesWith(randomBytes(16), onAir)).toBe(false);
    // the same octets as a public address are never resolved (only random addresses are private)
    expect(rpaResolvesWith(irk, { ...onAir, type: 'public' })).toBe(false);
    // an all-zero IRK means "no IRK" (Vol 6 Part B 4.7)
    expect(rpaResolvesWith(Buffer.alloc(16), onAir)).toBe(false);
  });

  it('a central back with a new RPA finds its bond kept under its identity, through the stored IRK', async () => {
    const store = new MemoryKeyStore();
    const irk = randomBytes(16);
    const identity: DeviceAddress = { address: 'C0:11:22:33:44:55', type: 'random' };
    await store.put(bond({ address: 'D0:00:00:00:00:01', type: 'public' }, randomBytes(16)));
    await store.put(bond(identity, irk));
    const resolver = new IdentityResolver(store);
    const first = rpaOf(irk);
    const second = rpaOf(irk);
    expect(first.address).not.toBe(second.address);
    for (const onAir of [first, second]) {
      const r = await resolver.resolve(onAir, LOCAL);
      expect(r?.via).toBe('irk');
      expect(r?.identity).toEqual(identity);
      expect(r?.onAir).toEqual(onAir);
      expect(describeResolution(onAir, r?.identity)).toBe(`${onAir.address} (random), identity C0:11:22:33:44:55 (random)`);
    }
  });

  it('the identity address itself matches directly (what a controller that resolved gives the host)', async () => {
    const store = new MemoryKeyStore();
    const identity: DeviceAddress = { address: 'C0:11:22:33:44:55', type: 'random' };
    await store.put(bond(identity, randomBytes(16)));
    const r = await new IdentityResolver(store).resolve(identity, LOCAL);
    expect(r?.via).toBe('identity');
    expect(describeResolution(identity, r?.identity)).toBe('C0:11:22:33:44:55 (random)');
  });

  it('an RPA from an IRK nobody stored, a bond without an IRK, or another local identity: no bond', async () => {
    const store = new MemoryKeyStore();
    const irk = randomBytes(16);
    await store.put(bond({ address: 'C0:11:22:33:44:55', type: 'random' })); // the central gave no IRK
    await store.put(bond({ address: 'C0:11:22:33:44:66', type: 'random' }, irk, { address: 'A0:00:00:00:00:00', type: 'public' }));
    const resolver = new IdentityResolver(store);
    expect(await resolver.resolve(rpaOf(randomBytes(16)), LOCAL)).toBeUndefined();
    expect(await resolver.resolve(rpaOf(irk), LOCAL)).toBeUndefined();
    // without a local identity every bond is a candidate
    expect((await resolver.resolve(rpaOf(irk)))?.identity.address).toBe('C0:11:22:33:44:66');
  });

  it('resolveAmong prefers the identity match over an IRK match, and is synchronous', () => {
    const irk = randomBytes(16);
    const onAir = rpaOf(irk);
    const byIrk = { identity: { address: 'C0:11:22:33:44:55', type: 'random' as const }, irk };
    const same = { identity: onAir };
    expect(resolveAmong(onAir, [byIrk, same])?.candidate).toBe(same);
    expect(resolveAmong(onAir, [byIrk])).toEqual({ candidate: byIrk, via: 'irk', alsoResolving: [] });
    expect(resolveAmong(onAir, [])).toBeUndefined();
  });

  it('two devices sharing one IRK: the RPA resolves with both bonds, the first stored is used and the other named', async () => {
    const { store, irk, a, b } = await twoBondsSharingOneIrk();
    await store.put(bond({ address: 'C0:00:00:00:00:0C', type: 'random' }, randomBytes(16)));
    const r = await new IdentityResolver(store).resolve(rpaOf(irk), LOCAL);
    expect(r?.identity).toEqual(a);
    expect(r?.via).toBe('irk');
    expect(r?.alsoResolving.map((x) => x.peer)).toEqual([b]);
    // one bond per IRK: nothing else resolves
    const own = randomBytes(16);
    await store.put(bond({ address: 'C0:00:00:00:00:0D', type: 'random' }, own));
    expect((await new IdentityResolver(store).resolve(rpaOf(own), LOCAL))?.alsoResolving).toEqual([]);
  });

  it('sharesIrk: the same IRK under two identities; not one identity, not all-zero IRKs, not distinct IRKs', () => {
    const irk = randomBytes(16);
    const a: DeviceAddress = { address: 'C0:00:00:00:00:0A', type: 'random' };
    const b: DeviceAddress = { address: 'C0:00:00:00:00:0B', type: 'random' };
    expect(sharesIrk({ identity: a, irk }, { identity: b, irk: Buffer.from(irk) })).toBe(true);
    expect(sharesIrk({ identity: a, irk }, { identity: { ...a }, irk })).toBe(false);
    expect(sharesIrk({ identity: a, irk: Buffer.alloc(16) }, { identity: b, irk: Buffer.alloc(16) })).toBe(false);
    expect(sharesIrk({ identity: a, irk }, { identity: b, irk: randomBytes(16) })).toBe(false);
    expect(sharesIrk({ identity: a }, { identity: b, irk })).toBe(false);
  });

  it("a link whose RPA resolves with two bonds' IRK: the session uses the first stored and says that two devices share one IRK", async () => {
    const { store, irk, a, b } = await twoBondsSharingOneIrk();
    const onAir = rpaOf(irk);
    const session = createLinkSession({ role: 'peripheral', local: LOCAL, peer: onAir, handle: 0x40, link: { sendPdu: () => {} }, config: pairingConfig({ bonding: true }), keyStore: store });
    const heard = new Promise<SharedIrk>((resolve) => session.once('sharedIrk', resolve));
    await session.ready;
    expect(session.bond?.peer).toEqual(a);
    expect(session.sharedIrks).toEqual([{ when: 'resolving', onAir, used: a, others: [b] }]);
    expect(await heard).toEqual(session.sharedIrks[0]);
    expect(describeSharedIrk(session.sharedIrks[0]!)).toMatch(/resolves with the IRK of 2 bonds: C0:00:00:00:00:0A \(random\), used as the first stored, and C0:00:00:00:00:0B \(random\)\. These devices share one IRK/);
    session.close();
  });
});
