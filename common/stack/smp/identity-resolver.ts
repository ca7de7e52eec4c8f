// Bonds found by identity: the one lookup every role uses to go from the address a peer has on the air
// to its bond. A bond is kept under the peer's identity address (Vol 3 Part H 3.6.5); a peer that uses
// a resolvable private address (RPA) shows a new address every RPA timeout, and only its IRK (Vol 3
// Part H 3.6.4) ties that address to the identity: ah(IRK, prand) == hash (Vol 3 Part H 2.2.2, Vol 6
// Part B 1.3.2.3). A host resolves with every stored IRK, whether or not its controller has a
// resolving list (Vol 3 Part C 10.7.1.1); an address the controller already resolved arrives as the
// identity itself (LE Enhanced Connection Complete, Peer_Address_Type 0x02/0x03) and matches directly.
import { isZeroIrk, resolvesWith } from '../../base/crypto/random-address.js';
import { addressBytes } from './byte-order.js';
import type { Bond } from './bond.js';
import type { DeviceAddress } from './engine-types.js';
import type { KeyStore } from './key-store.js';
import { sameAddress } from './key-store.js';

/** Something kept under an identity address, perhaps with the IRK its owner distributed. */
export interface IdentityCandidate {
  identity: DeviceAddress;
  /** The peer's IRK, most significant octet first (as bonds keep it); absent or all zeros: none. */
  irk?: Buffer | undefined;
}

/** How an address on the air was tied to an identity. */
export type ResolvedVia =
  /** The address on the air is the identity address (no privacy, or the controller resolved it). */
  | 'identity'
  /** The address on the air is an RPA that resolved with the candidate's IRK. */
  | 'irk';

/** An address as people write it ('AA:BB:…', most significant first) → HCI order (least significant first). */
export const addressOnAir = (address: string): Buffer => addressBytes(address).reverse();

/** Does this address on the air resolve with this IRK? Only random RPAs resolve (Vol 6 Part B 1.3.2.2). */
export function rpaResolvesWith(irk: Buffer | undefined, onAir: DeviceAddress): boolean {
  return irk !== undefined && onAir.type === 'random' && resolvesWith(irk, addressOnAir(onAir.address));
}

/**
 * The candidate this address on the air belongs to: the one whose identity it is, else the first whose
 * IRK resolves it (the first stored: a resolving list is searched in order, Vol 6 Part B 1.3.2.3), with
 * the others whose IRK resolves it too (`alsoResolving`: two devices that share an IRK, a manufacturing
 * fault; nothing on the air can tell them apart). Synchronous and free of I/O, for lists held in memory.
 */
export function resolveAmong<T extends IdentityCandidate>(onAir: DeviceAddress, candidates: Iterable<T>): { candidate: T; via: ResolvedVia; alsoResolving: T[] } | undefined {
  const all = [...candidates];
  const same = all.find((c) => sameAddress(c.identity, onAir));
  if (same) return { candidate: same, via: 'identity', alsoResolving: [] };
  const [byIrk, ...others] = all.filter((c) => rpaResolvesWith(c.irk, onAir));
  return byIrk ? { candidate: byIrk, via: 'irk', alsoResolving: others.filter((o) => !sameAddress(o.identity, byIrk.identity)) } : undefined;
}

/** Two IRKs given by different identities are the same: the devices share an IRK (never a real coincidence at 128 bits). */
export function sharesIrk(a: IdentityCandidate, b: IdentityCandidate): boolean {
  return a.irk !== undefined && b.irk !== undefined && !isZeroIrk(a.irk) && a.irk.equals(b.irk) && !sameAddress(a.identity, b.identity);
}

/** A peer found by identity. */
export interface Resolution {
  bond: Bond;
  /** The peer's identity address: the bond's key. */
  identity: DeviceAddress;
  /** The address the peer has on the air now. */
  onAir: DeviceAddress;
  via: ResolvedVia;
  /** Other bonds whose IRK resolves this RPA too: their devices share the IRK; `bond` is the first stored. */
  alsoResolving: Bond[];
}

/** Both forms of an address for reports and consoles: '4A:…(random) = identity C0:…(random)' when they differ. */
export function describeResolution(onAir: DeviceAddress, identity: DeviceAddress | undefined): string {
  const a = `${onAir.address} (${onAir.type})`;
  return identity && !sameAddress(identity, onAir) ? `${a}, identity ${identity.address} (${identity.type})` : a;
}

/**
 * Address → identity bond, over a key store. Keeps the store's public API: `get` for the identity,
 * `list` to try the stored IRKs.
 */
export class IdentityResolver {
  /**
   * `useIrks: false` is a host that keeps IRKs and never resolves with them (the bug of issue 18, kept as
   * a knob so that a scenario can show it): only the identity address itself matches.
   */
  constructor(
    private readonly store: KeyStore,
    private readonly options: { useIrks?: boolean } = {},
  ) {}

  /**
   * The bond of the peer on the air at `onAir`, kept by `local` (our identity; any local identity when
   * undefined); undefined when no bond is kept under that identity and no stored IRK resolves it.
   * Errors of the store are thrown (a store that cannot be read is not "no bond").
   */
  async resolve(onAir: DeviceAddress, local?: DeviceAddress): Promise<Resolution | undefined> {
    if (local) {
      const direct = await this.store.get(local, onAir);
      if (direct) return { bond: direct, identity: direct.peer, onAir, via: 'identity', alsoResolving: [] };
      if (onAir.type !== 'random') return undefined; // only random addresses are resolvable
    }
    if (this.options.useIrks === false) return undefined;
    const bonds = await this.store.list(local);
    const found = resolveAmong(
      onAir,
      bonds.map((bond) => ({ identity: bond.peer, irk: bond.peerIrk, bond })),
    );
    return found ? { bond: found.candidate.bond, identity: found.candidate.identity, onAir, via: found.via, alsoResolving: found.alsoResolving.map((c) => c.bond) } : undefined;
  }
}
