// Where bonds are kept, keyed by local and peer identity address. An interface with a memory and a
// JSON file implementation (json-key-store.ts), as Bumble's keys module does.
import { bondKey, type Bond } from './bond.js';
import type { DeviceAddress } from './engine-types.js';

export interface KeyStore {
  get(local: DeviceAddress, peer: DeviceAddress): Promise<Bond | undefined>;
  /** Adds or replaces the bond for its local and peer identity. */
  put(bond: Bond): Promise<void>;
  delete(local: DeviceAddress, peer: DeviceAddress): Promise<boolean>;
  /** Every bond, or those of one local identity. */
  list(local?: DeviceAddress): Promise<Bond[]>;
}

export const sameAddress = (a: DeviceAddress, b: DeviceAddress) => a.address.toUpperCase() === b.address.toUpperCase() && a.type === b.type;

/** Bonds in this process only. */
export class MemoryKeyStore implements KeyStore {
  protected readonly bonds = new Map<string, Bond>();

  async get(local: DeviceAddress, peer: DeviceAddress): Promise<Bond | undefined> {
    return this.bonds.get(bondKey(local, peer));
  }
  async put(bond: Bond): Promise<void> {
    this.bonds.set(bondKey(bond.local, bond.peer), bond);
  }
  async delete(local: DeviceAddress, peer: DeviceAddress): Promise<boolean> {
    return this.bonds.delete(bondKey(local, peer));
  }
  async list(local?: DeviceAddress): Promise<Bond[]> {
    return [...this.bonds.values()].filter((b) => !local || sameAddress(b.local, local));
  }
}
