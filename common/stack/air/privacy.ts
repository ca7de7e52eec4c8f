// LL Privacy: the resolving list at work. Local RPAs generated from the local IRK of the entry for
// the peer and renewed when the RPA timeout passes on the radio's clock; peer RPAs resolved with the
// peer IRKs; network and device privacy modes. The list is used only while address resolution is
// enabled (Vol 4 Part E 7.8.44; as Zephyr's controller: with it off, 0x02/0x03 fall back to the
// identity address and nothing is resolved). Core v5.4 Vol 6 Part B 1.3.2.2/1.3.2.3 (generation, resolution),
// 4.7 (resolving list, all-zero IRKs, privacy modes), Vol 4 Part E 7.8.5/7.8.10/7.8.12 (Own_Address_Type 0x02/0x03), 7.8.45.
import { ADDRESS_TYPE, PRIVACY_MODE } from '../../base/codes/hci.js';
import { generateRpa, isResolvablePrivateAddress, isZeroIrk, resolvesWith } from '../../base/crypto/random-address.js';
import type { ResolvingListEntry } from './state.js';
import type { VirtualController } from './controller.js';

const MS_PER_S = 1000;

/** A device address with its HCI type (0x00 public, 0x01 random). */
export interface Identity {
  type: number;
  address: Buffer;
}

/** The resolving list entry for this peer identity (type 0x00/0x01, or 0x02/0x03 read as the same), if any. */
export function entryFor(c: VirtualController, type: number, address: Buffer): ResolvingListEntry | undefined {
  const t = type & ADDRESS_TYPE.RANDOM;
  return c.state.privacy.resolvingList.find((e) => e.peerIdentityType === t && e.peerIdentity.equals(address));
}

/** Is the controller using its resolving list right now? */
export function resolving(c: VirtualController): boolean {
  return c.state.privacy.addressResolutionEnabled;
}

/** When the RPA timeout has passed since the local RPAs were made, they are all made again (7.8.45). */
function renewIfDue(c: VirtualController): void {
  const p = c.state.privacy;
  const now = c.radio.now();
  if (p.rpaGeneratedAt !== undefined && now - p.rpaGeneratedAt < p.rpaTimeoutS * MS_PER_S) return;
  p.rpaGeneratedAt = now;
  for (const e of p.resolvingList) e.localRpa = undefined;
}

/** The local RPA of this entry (generated or renewed as due); undefined when its local IRK is all zeros. */
export function localRpaOf(c: VirtualController, e: ResolvingListEntry): Buffer | undefined {
  if (isZeroIrk(e.localIrk)) return undefined; // identity address used with this peer (4.7)
  renewIfDue(c);
  e.localRpa ??= generateRpa(e.localIrk);
  return e.localRpa;
}

/**
 * Own_Address_Type 0x02/0x03 with a peer in mind: the local RPA from the peer's entry, or undefined
 * when resolution is off, no entry matches, or its local IRK is zero (the caller falls back).
 */
export function localRpaFor(c: VirtualController, peer: Identity | undefined): Buffer | undefined {
  if (!peer || !resolving(c)) return undefined;
  const e = entryFor(c, peer.type, peer.address);
  return e ? localRpaOf(c, e) : undefined;
}

/** A peer as the resolving list sees it: resolved to an identity, or as it is on air. */
export interface ResolvedPeer {
  entry: ResolvingListEntry;
  /** The RPA on air that resolved. */
  rpa: Buffer;
}

/** Resolve a peer's address on air with the list's peer IRKs (1.3.2.3); undefined if not resolved. */
export function resolvePeer(c: VirtualController, who: Identity): ResolvedPeer | undefined {
  if (!resolving(c) || who.type !== ADDRESS_TYPE.RANDOM || !isResolvablePrivateAddress(who.address)) return undefined;
  const entry = c.state.privacy.resolvingList.find((e) => resolvesWith(e.peerIrk, who.address));
  if (!entry) return undefined;
  entry.peerRpa = Buffer.from(who.address);
  return { entry, rpa: who.address };
}

/** The identity behind an address on air (resolved), or the address itself. */
export function identityOf(c: VirtualController, who: Identity): Identity {
  const r = resolvePeer(c, who);
  return r ? { type: r.entry.peerIdentityType, address: r.entry.peerIdentity } : who;
}

/**
 * Network privacy mode (4.7): a peer whose entry has a non-zero peer IRK must use RPAs; its identity
 * address on air is ignored. Device privacy mode accepts both.
 */
export function ignoredByPrivacyMode(c: VirtualController, who: Identity): boolean {
  if (!resolving(c)) return false;
  const e = entryFor(c, who.type, who.address);
  return e !== undefined && !isZeroIrk(e.peerIrk) && e.privacyMode === PRIVACY_MODE.NETWORK;
}

/** Do these two identities name the same device? */
export function sameIdentity(a: Identity, b: Identity): boolean {
  return (a.type & ADDRESS_TYPE.RANDOM) === (b.type & ADDRESS_TYPE.RANDOM) && a.address.equals(b.address);
}
