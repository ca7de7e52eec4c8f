// The central's bonds: one key store (common/stack/smp's KeyStore, keyed by local and peer identity) and one
// lookup per connection, whichever Security Manager pairs. With blebench's, the link's LinkSession
// looks the bond up as the connection comes up and stores what a bonded pairing leaves; with noble's
// own SMP (which keeps nothing), the keys the peripheral distributed are read from the tap and stored
// here in the same form. Core v5.4 Vol 3 Part C 9.4.2 (bonding), Vol 3 Part H 2.4.1, 3.6.2.
import { fromWire } from '../../common/stack/smp/byte-order.js';
import type { Bond } from '../../common/stack/smp/bond.js';
import type { DeviceAddress } from '../../common/stack/smp/engine-types.js';
import type { KeyStore } from '../../common/stack/smp/key-store.js';
import { IdentityResolver } from '../../common/stack/smp/identity-resolver.js';
import type { LinkSession } from '../../common/stack/smp/link-session.js';
import type { LinkState } from '../../common/stack/trace/link-state.js';

/** HCI address types 0x01 (random) and 0x03 (random identity) are random. Vol 4 Part E 7.7.65.1. */
const isRandomType = (t: number) => (t & 1) === 1;

/** This host's address on the link (the tap learns it from Read BD_ADDR or LE Set Random Address). */
export function localAddressOf(link: LinkState): DeviceAddress {
  return { address: (link.localAddress ?? UNKNOWN_ADDRESS).toUpperCase(), type: link.localAddressType ?? 'public' };
}

/** Where the tap never learnt the local address: bonds are still kept per peer, under this one local address. */
const UNKNOWN_ADDRESS = '00:00:00:00:00:00';

export function peerAddressOf(link: LinkState): DeviceAddress {
  return { address: link.peerAddress.toUpperCase(), type: isRandomType(link.peerAddressType) ? 'random' : 'public' };
}

/**
 * The bond noble's SMP left on this link, as the tap saw it: a pairing both sides asked to bond in
 * which the peripheral distributed Encryption Information and Central Identification (Vol 3 Part H
 * 3.6.2, 3.6.3). Undefined until both keys went over the air.
 */
export function bondFromTap(link: LinkState, now: Date = new Date()): Bond | undefined {
  const p = link.pairing;
  if (!p || p.failed || !p.request?.authReqFlags.bonding || !p.response?.authReqFlags.bonding) return undefined;
  const ltk = p.keys.find((k) => k.kind === 'LTK' && k.sentBy === 'remote');
  const id = p.keys.find((k) => k.kind === 'EDIV/Rand' && k.sentBy === 'remote');
  if (!ltk || !id) return undefined;
  const [ediv, rand] = id.value.split('/');
  const method = p.method ?? 'Just Works';
  const keySize = link.keySize ?? p.keySize ?? 16;
  return {
    local: localAddressOf(link),
    peer: peerAddressOf(link),
    role: 'central',
    security: { method, authenticated: method !== 'Just Works', secureConnections: p.secureConnections ?? false, keySize },
    peerLtk: { key: fromWire(Buffer.from(ltk.value, 'hex')), ediv: parseInt(ediv!, 16), rand: fromWire(Buffer.from(rand!, 'hex')), keySize },
    createdAt: now.toISOString(),
  };
}

export class CentralBonds {
  constructor(readonly store: KeyStore) {}

  /**
   * The one lookup on connect: the LinkSession's (blebench's Security Manager looked it up in this
   * store as the link came up), else the store's for the link's addresses, by identity (identity-resolver.ts). A store that cannot be
   * read is an error, not "no bond".
   */
  async lookup(link: LinkState, session?: LinkSession): Promise<Bond | undefined> {
    if (session) {
      await session.ready;
      return session.bond;
    }
    return (await new IdentityResolver(this.store).resolve(peerAddressOf(link), localAddressOf(link)))?.bond;
  }

  /**
   * Scenarios and tests: every key this central kept (as central) becomes another, each octet of the
   * part inverted: the LTK value (`key`: the peer's key now differs, so the encryption fails its MIC,
   * Core v5.4 Vol 6 Part B 5.1.3.1) or EDIV and Rand (`ediv-rand`: the peer finds no key for them, Vol 3
   * Part H 2.4.4.1, and answers the LTK request negatively). Returns how many keys changed.
   */
  async changeKeptKeys(part: 'key' | 'ediv-rand'): Promise<number> {
    const invert = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0xff));
    let changed = 0;
    for (const bond of await this.store.list()) {
      const k = bond.peerLtk;
      if (!k) continue;
      const peerLtk = part === 'key' ? { ...k, key: invert(k.key) } : { ...k, ediv: k.ediv ^ 0xffff, rand: invert(k.rand) };
      await this.store.put({ ...bond, peerLtk });
      changed++;
    }
    return changed;
  }

  /** Keeps the bond noble's SMP made on `link` (read from the tap), once its keys went over the air. */
  async keepFromTap(link: LinkState): Promise<Bond | undefined> {
    const bond = bondFromTap(link);
    if (bond) await this.store.put(bond);
    return bond;
  }
}
