// One line per connection for people: the peer's address on the air and the identity behind it, as the
// pairing report, the consoles and the timeline print it:
//   RPA 5A:11:22:33:44:55 → identity C0:FF:EE:00:00:01 (random static)
//   C0:FF:EE:00:00:01 (public)
// An RPA has top bits 0b01, a random static address 0b11 (Core v5.4 Vol 6 Part B 1.3, Table 1.2); the
// identity comes from Identity Address Information (Vol 3 Part H 3.6.5), from a stored IRK that resolved
// the RPA (Vol 6 Part B 1.3.2.3), or from the controller's resolving list (LE Enhanced Connection
// Complete, Vol 4 Part E 7.7.65.10: Peer_Address is then the identity, Peer_RPA the address on the air).
import { randomAddressKind } from '../../base/crypto/random-address.js';
import type { LinkState } from './link-state.js';

export interface AddressOf {
  address: string;
  type: 'public' | 'random';
}

/** 'AA:BB:…' (most significant first) → HCI order. */
const wire = (address: string): Buffer => Buffer.from(address.split(':').reverse().join(''), 'hex');

/** "public", "random static", "RPA", "random non-resolvable". */
export function addressKind(a: AddressOf): string {
  if (a.type === 'public') return 'public';
  const k = randomAddressKind(wire(a.address));
  return k === 'static' ? 'random static' : k === 'resolvable' ? 'RPA' : k === 'non-resolvable' ? 'random non-resolvable' : 'random, reserved type';
}

const same = (a: AddressOf, b: AddressOf) => a.type === b.type && a.address.toUpperCase() === b.address.toUpperCase();

/**
 * The address on the air and the identity behind it, in one line. An RPA whose identity is not known
 * says so (no stored IRK resolved it, nor was one distributed yet).
 */
export function addressLine(onAir: AddressOf, identity: AddressOf | undefined): string {
  const air = onAir.address.toUpperCase();
  const kind = addressKind(onAir);
  if (identity && !same(identity, onAir)) return `${kind === 'RPA' ? 'RPA ' : ''}${air}${kind === 'RPA' ? '' : ` (${kind})`} → identity ${identity.address.toUpperCase()} (${addressKind(identity)})`;
  if (kind === 'RPA') return `RPA ${air} → identity not known (no stored IRK resolves it)`;
  return `${air} (${kind})`;
}

/** The peer of a link, from what the tap saw and the host told it (LinkState.peerIdentity, peerRpa). */
export function peerAddressLine(link: LinkState): string {
  // Peer_Address_Type 0x02/0x03 (enhanced event) or a resolved peer: the link's address is the identity.
  const type = (link.peerAddressType & 1) === 1 ? 'random' : 'public';
  if (link.peerRpa) return `${addressLine({ address: link.peerRpa, type: 'random' }, { address: link.peerAddress, type })}, resolved by the controller`;
  return addressLine({ address: link.peerAddress, type }, link.peerIdentity);
}

/** This host's side of a link: its address on the air (and, given, its identity). */
export function localAddressLine(link: LinkState, identity?: AddressOf): string {
  if (!link.localAddress) return 'not known';
  return addressLine({ address: link.localAddress, type: link.localAddressType ?? 'public' }, identity);
}
