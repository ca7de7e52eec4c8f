// The key this peripheral keeps for a central (does it have one, from what kind of pairing, how long):
// the transport's kernel share where it has one, else bleno's own key list (the kernel holds the keys
// on a real Linux socket). Written into the link's security record (security-record.ts) when the link
// comes up and whenever the kept keys change. Core v5.4 Vol 3 Part C 10.2.
import type { HciTransport } from '../common/hci/transport.js';
import type { LoadedBleno } from './bleno/index.js';
import { keyFactsOf, type KeyFacts } from './security-record.js';

export function storedKey(transport: HciTransport, bleno: LoadedBleno, peerAddress: string): KeyFacts | undefined {
  const share = transport.kernelShare?.longTermKeys.find((k) => k.peerAddress === peerAddress && !k.central);
  if (share) return keyFactsOf(share, 'stored');
  const own = bleno.storedKeys().find((k) => k.peerAddress === peerAddress);
  return own ? keyFactsOf(own, 'stored') : undefined;
}
