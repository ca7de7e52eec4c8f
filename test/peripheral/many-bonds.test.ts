// More bonds than one MGMT Load Long Term Keys command holds (16-bit parameter length: 1,820 entries of
// 36 octets). bleno wrote the length unchecked, so `blebench peripheral --keys` ended with ERR_OUT_OF_RANGE
// at its 1,821st bond (found by a 3,000-bond soak); now the newest 1,820 keys are loaded and the rest
// stay in the key store.
import { openWorld } from '../../world/open-world.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Radio } from '../../common/stack/air/index.js';
import { openTransport, type HciTransport } from '../../common/stack/hci/transport.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { Bond } from '../../common/stack/smp/bond.js';
import { loadBleno, MGMT_MAX_IRKS, MGMT_MAX_LTKS, type LoadedBleno } from '../../peripheral/bleno/index.js';

const LOCAL = 'B1:EB:00:00:0B:0D';
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function bond(i: number): Bond {
  const peer = `C0:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
  const key = Buffer.alloc(16, i & 0xff);
  return {
    local: { address: LOCAL, type: 'public' },
    peer: { address: peer, type: 'public' },
    role: 'peripheral',
    security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
    localLtk: { key, ediv: 0, rand: Buffer.alloc(8), keySize: 16 },
    createdAt: new Date(0).toISOString(),
  };
}

describe('a peripheral with more bonds than MGMT Load Long Term Keys holds', () => {
  it(`starts with 1,900 stored bonds and gives the controller's LTK requests the newest ${MGMT_MAX_LTKS}`, async () => {
    expect(MGMT_MAX_LTKS).toBe(1820);
    const store = new MemoryKeyStore();
    for (let i = 0; i < 1900; i++) await store.put(bond(i));
    const w = await openWorld({
      radio: { name: 'many-bonds' },
      transportOptions: { peripheral: { controller: { address: LOCAL } } },
      peripheral: { kind: 'bleno', smp: { config: pairingConfig({ bonding: true }), keyStore: store } },
    });
    closers.push(() => w.close());
    const transport = w.pt;
    const keys = transport.kernelShare!.longTermKeys;
    expect(keys).toHaveLength(MGMT_MAX_LTKS);
    // the newest stay: the last bond listed is there, the first is not
    const peers = new Set(keys.map((k) => k.peerAddress.toUpperCase()));
    expect(peers.has('C0:00:00:00:07:6B')).toBe(true); // bond 1899, the newest
    expect(peers.has('C0:00:00:00:00:00')).toBe(false); // bond 0, the oldest
  });
});

describe('a peripheral with more bonded IRKs than MGMT Load Identity Resolving Keys holds', () => {
  it(`starts with 2,900 bonds with IRKs and hands the kernel the newest ${MGMT_MAX_IRKS} (23-octet records, 16-bit length)`, async () => {
    expect(MGMT_MAX_IRKS).toBe(2849);
    const store = new MemoryKeyStore();
    for (let i = 0; i < 2900; i++) await store.put({ ...bond(i), peerIrk: Buffer.alloc(16, (i % 255) + 1) });
    const radio = new Radio({ name: 'many-irks' });
    closers.push(() => radio.close());
    const transport: HciTransport = await openTransport('mock', { radio, name: 'peripheral', controller: { address: LOCAL } });
    closers.push(() => transport.close());
    const loaded: LoadedBleno = await loadBleno(transport, { smp: { config: pairingConfig({ bonding: true }), keyStore: store } });
    closers.push(() => loaded.close());
    const irks = transport.kernelShare!.identityResolvingKeys;
    expect(irks).toHaveLength(MGMT_MAX_IRKS);
    const peers = new Set(irks.map((k) => k.peerAddress.toUpperCase()));
    expect(peers.has('C0:00:00:00:0B:53')).toBe(true); // bond 2899, the newest
    expect(peers.has('C0:00:00:00:00:00')).toBe(false); // bond 0, the oldest
  });
});

describe('a peripheral whose key store cannot list its bonds', () => {
  it('does not start as if it had none: the store\'s error ends the load', async () => {
    const store = new MemoryKeyStore();
    const broken = new Error('the key store cannot be read');
    store.list = () => Promise.reject(broken);
    const radio = new Radio({ name: 'unlistable-bonds' });
    closers.push(() => radio.close());
    const transport: HciTransport = await openTransport('mock', { radio, name: 'peripheral', controller: { address: LOCAL } });
    closers.push(() => transport.close());
    await expect(loadBleno(transport, { smp: { config: pairingConfig({ bonding: true }), keyStore: store } })).rejects.toBe(broken);
    expect(transport.kernelShare!.longTermKeys).toHaveLength(0);
  });
});
