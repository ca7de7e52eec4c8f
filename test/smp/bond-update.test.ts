// updateBond: what a layer above keeps with a bond (GATT state, a GATT cache) is added to the bond the
// store holds, never to an older copy of its keys: a pairing that replaced the bond between the read and
// the write keeps its new keys, and the change is made on them.
import { describe, expect, it } from 'vitest';
import type { Bond } from '../../common/stack/smp/bond.js';
import { updateBond } from '../../common/stack/smp/bond-update.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';

const LOCAL = { address: 'B1:EB:00:00:00:01', type: 'public' as const };
const PEER = { address: 'C0:00:00:00:00:01', type: 'random' as const };
const bond = (key: number): Bond => ({
  local: LOCAL,
  peer: PEER,
  role: 'peripheral',
  security: { method: 'Just Works', authenticated: false, secureConnections: true, keySize: 16 },
  localLtk: { key: Buffer.alloc(16, key), ediv: 0, rand: Buffer.alloc(8), keySize: 16 },
  createdAt: new Date(Date.UTC(2026, 11, 5, 0, 0, key)).toISOString(),
});
const state = { databaseHash: Buffer.alloc(16, 7), clientFeatures: 1, serviceChangedCccd: 2 };

describe('updateBond', () => {
  it('adds the change to the bond kept, keys untouched', async () => {
    const store = new MemoryKeyStore();
    await store.put(bond(1));
    expect(await updateBond(store, LOCAL, PEER, (b) => ({ ...b, gattServer: state }))).toBe(true);
    const kept = (await store.get(LOCAL, PEER))!;
    expect(kept.gattServer).toEqual(state);
    expect(kept.localLtk!.key).toEqual(Buffer.alloc(16, 1));
  });

  it('a pairing that replaces the bond while the change is made keeps its new key; the change lands on it', async () => {
    const store = new MemoryKeyStore();
    await store.put(bond(1));
    let replaced = false;
    const ok = await updateBond(store, LOCAL, PEER, (b) => {
      if (!replaced) {
        replaced = true;
        void store.put(bond(2)); // the re-pairing's bond, stored as the change is computed
      }
      return { ...b, gattServer: state };
    });
    expect(ok).toBe(true);
    const kept = (await store.get(LOCAL, PEER))!;
    expect(kept.localLtk!.key).toEqual(Buffer.alloc(16, 2));
    expect(kept.gattServer).toEqual(state);
  });

  it('no bond: nothing is written', async () => {
    const store = new MemoryKeyStore();
    expect(await updateBond(store, LOCAL, PEER, (b) => ({ ...b, gattServer: state }))).toBe(false);
    expect(await store.list()).toEqual([]);
  });
});
