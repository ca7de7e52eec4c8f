// The central keeps bonds in one key store, whichever Security Manager paired: noble's own SMP (its
// keys read from the tap) and blebench's (the LinkSession stores its bond) land in the same KeyStore,
// looked up once when a link comes up; a bonded reconnection encrypts with that key, no pairing.
// Real noble and real bleno on the virtual radio. Core v5.4 Vol 3 Part C 10.3.2, Vol 3 Part H 2.4.4.1.
import { useWorld } from '../helpers/world.js';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../common/stack/gatt/index.js';
import type { HciTransport } from '../../common/stack/hci/transport.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import type { CentralClient } from '../../central/central-client.js';
import { until } from '../helpers/until.js';

let ct: HciTransport | undefined;
let client: CentralClient | undefined;

const world = useWorld();

async function setUp(central: { smp?: SmpSetup }, peripheral: { smp?: SmpSetup }) {
  const profile = loadProfile('default');
  ({ ct, client } = await world({ radio: { name: 'one-key-store' }, peripheral: { profile, ...peripheral }, central: { policy: 'never', timeoutMs: 3000, ...central } }));
  const target = { kind: 'service' as const, value: profile.advertising.serviceUuids[0]! };
  return { client, connect: () => client!.connectTo(target) };
}

const pairingRequests = (t: HciTransport, handle: number) => t.tap.entries.filter((e) => e.handle === handle && e.name === 'SMP Pairing Request').length;

describe("the central's one key store", () => {
  it("noble's own SMP: the bond it made is in the store (from the tap); the next link finds it once and encrypts with it, no Pairing Request", async () => {
    const { client, connect } = await setUp({}, {});
    const first = await connect();
    expect(first.bonded).toBe(false);
    const r = await first.pair();
    expect(r.result).toBe('encrypted');
    const [bond] = await until(async () => {
      const b = await client.bonds.store.list();
      return b.length ? b : undefined;
    }, 'the bond in the central key store');
    expect(bond).toMatchObject({ role: 'central', security: { method: 'Just Works', secureConnections: false, authenticated: false } });
    expect(bond!.peer.address).toBe(first.peer.address.toUpperCase());
    const ltk = ct!.tap.link(first.handle)!.pairing!.keys.find((k) => k.kind === 'LTK' && k.sentBy === 'remote')!.value;
    expect(Buffer.from(bond!.peerLtk!.key).reverse().toString('hex')).toBe(ltk);
    await first.disconnect();

    const second = await connect();
    expect(second.bonded).toBe(true);
    expect(second.bond).toEqual(bond);
    await second.encrypt();
    expect(second.link.encrypted).toBe(true);
    expect(pairingRequests(ct!, second.handle)).toBe(0);
    expect(second.link.ltk?.longTermKey).toBe(ltk);
  });

  it("blebench's Security Manager without a key store of its own gets the client's: the session's bond is the store's, found once on the next link", async () => {
    const smp: SmpSetup = { config: pairingConfig({}) };
    const { client, connect } = await setUp({ smp }, { smp: { config: pairingConfig({}), keyStore: new MemoryKeyStore() } });
    expect(smp.keyStore).toBe(client.bonds.store);
    const first = await connect();
    const r = await first.pair();
    expect(r.result).toBe('encrypted');
    const [bond] = await until(async () => {
      const b = await client.bonds.store.list();
      return b.length ? b : undefined;
    }, 'the bond in the central key store');
    expect(bond).toMatchObject({ role: 'central', security: { secureConnections: true } });
    await first.disconnect();

    const second = await connect();
    expect(second.bonded).toBe(true);
    expect(second.bond).toBe(client.loadedNoble.smpSession(second.handle)!.bond);
    const again = await second.pair();
    expect(again.result).toBe('encrypted');
    expect(pairingRequests(ct!, second.handle)).toBe(0);
  });
});
