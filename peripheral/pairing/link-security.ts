// The key this peripheral keeps for a central (does it have one, from what kind of pairing, how long):
// the transport's kernel share where it has one, else bleno's own key list (the kernel holds the keys
// on a real Linux socket). Written into the link's security record (security-record.ts) when the link
// comes up and whenever the kept keys change. Core v5.4 Vol 3 Part C 10.2.
import type { HciTransport } from '../../common/stack/hci/transport.js';
import type { LoadedBleno } from '../bleno/index.js';
import { resolveAmong } from '../../common/stack/smp/identity-resolver.js';
import { keyFactsOf, type KeyFacts } from './security-record.js';

/**
 * The key kept for the central on the air at `peerAddress`: keys are kept under its identity, so an RPA
 * is first resolved with the IRKs handed to the kernel (common/stack/smp/identity-resolver.ts).
 */
export function storedKey(transport: HciTransport, bleno: LoadedBleno, peerAddress: string): KeyFacts | undefined {
  const identity = centralIdentityOf(transport, bleno, peerAddress);
  const share = transport.kernelShare?.longTermKeys.find((k) => k.peerAddress === identity && !k.central);
  if (share) return keyFactsOf(share, 'stored');
  const own = bleno.storedKeys().find((k) => k.peerAddress === identity);
  return own ? keyFactsOf(own, 'stored') : undefined;
}

/** The identity address behind a central's address on the air (itself when no stored IRK resolves it). */
export function centralIdentityOf(transport: HciTransport, bleno: LoadedBleno, peerAddress: string): string {
  // Only a random address can be an RPA; the link's type is not known here, so random is tried (a public
  // address never has an IRK that resolves it but by a 2^-24 chance).
  const onAir = { address: peerAddress.toUpperCase(), type: 'random' as const };
  const irks = transport.kernelShare?.identityResolvingKeys ?? bleno.storedIrks();
  return resolveAmong(onAir, irks.map((k) => ({ identity: { address: k.peerAddress, type: k.peerAddressType }, irk: k.irk })))?.candidate.identity.address ?? peerAddress;
}
