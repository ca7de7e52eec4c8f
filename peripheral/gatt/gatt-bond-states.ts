// What the GATT server keeps for each bonded central across connections (Core v5.4 Vol 3 Part G 2.5.2:
// "The server shall store service changed information for all bonded devices"; 7.1 and 7.2: Service
// Changed's CCCD and Client Supported Features persist for clients with a trusted relationship): the
// Database Hash of the database the central was last aware of, and those two values. Kept with the
// bond in the Security Manager's key store (Bond.gattServer: written atomically, mode 0600, like every
// key), by the central's identity address; with bleno's own SMP, whose bonds live in memory for the
// process, here in memory too.
import type { Logger } from '../../common/base/log/logger.js';
import type { GattServerBondState } from '../../common/stack/smp/bond.js';
import type { KeyStore } from '../../common/stack/smp/key-store.js';
import { updateBond } from '../../common/stack/smp/bond-update.js';

export class GattBondStates {
  private readonly byIdentity = new Map<string, GattServerBondState>();

  constructor(
    private readonly store: KeyStore | undefined,
    private readonly log: Logger,
  ) {}

  /** Reads what the key store's bonds (as peripheral) keep. */
  async load(): Promise<void> {
    if (!this.store) return;
    for (const b of await this.store.list()) if (b.role === 'peripheral' && b.gattServer) this.byIdentity.set(b.peer.address.toUpperCase(), b.gattServer);
  }

  /** The state kept for a bonded central (by identity address), if any. */
  get(identity: string): GattServerBondState | undefined {
    return this.byIdentity.get(identity.toUpperCase());
  }

  /** Keeps a bonded central's state, and writes it with its bond when there is a key store. */
  async save(identity: string, state: GattServerBondState): Promise<void> {
    const key = identity.toUpperCase();
    const before = this.byIdentity.get(key);
    this.byIdentity.set(key, state);
    const store = this.store;
    if (!store || (before && sameState(before, state))) return;
    try {
      const bond = (await store.list()).find((b) => b.role === 'peripheral' && b.peer.address.toUpperCase() === key);
      if (bond) await updateBond(store, bond.local, bond.peer, (b) => ({ ...b, gattServer: state }));
    } catch (err) {
      // The key store says a failed write aloud itself (KEY_STORE_WRITE_FAILED); here it is logged with what it was for.
      this.log.error({ err }, `the GATT state of ${key} could not be kept with its bond: ${(err as Error).message}`);
    }
  }

  /** Every bond forgotten (a factory reset). */
  forget(): void {
    this.byIdentity.clear();
  }
}

const sameState = (a: GattServerBondState, b: GattServerBondState) => a.databaseHash.equals(b.databaseHash) && a.clientFeatures === b.clientFeatures && a.serviceChangedCccd === b.serviceChangedCccd;
