// Adds what a layer above keeps with a bond (a GATT server's state, a GATT client's cache) without ever
// putting back an older copy of its keys: the bond is read again right before the put, and the put is
// made with that copy, unless its keys changed since the change was computed (a pairing replaced the
// bond meanwhile), in which case the change is made again on the newer bond. Keys are never lost to it.
import type { Bond } from './bond.js';
import type { DeviceAddress } from './engine-types.js';
import type { KeyStore } from './key-store.js';

const hex = (b: Buffer | undefined) => b?.toString('hex') ?? '';
/** The keys and identity of a bond, as one string: two bonds with the same keys give the same. */
const keysOf = (b: Bond) => [b.createdAt, hex(b.peerLtk?.key), hex(b.localLtk?.key), hex(b.peerIrk), hex(b.localIrk), hex(b.peerCsrk), hex(b.localCsrk)].join('/');

/** Puts change(bond) for the bond kept for local and peer; false when there is none. */
export async function updateBond(store: KeyStore, local: DeviceAddress, peer: DeviceAddress, change: (b: Bond) => Bond): Promise<boolean> {
  for (let tries = 0; tries < 3; tries++) {
    const before = await store.get(local, peer);
    if (!before) return false;
    const next = change(before);
    const now = await store.get(local, peer);
    if (!now) return false;
    if (keysOf(now) !== keysOf(before)) continue; // a pairing replaced it meanwhile: change the newer one
    await store.put(next);
    return true;
  }
  return false;
}
