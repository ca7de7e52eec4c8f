// What a bonded central does when the peer has no key for its bond: it started encryption with the key
// it kept (LE Enable Encryption, Vol 4 Part E 7.8.24), the peripheral's host answered the LE Long Term
// Key Request with a Negative Reply (Vol 4 Part E 7.8.26) and the central's controller reports
// Encryption Change 0x06 PIN or Key Missing (Vol 6 Part B 5.1.3.1; the link stays up). The peripheral
// was reset or re-flashed, or it is not the device the bond was made with. The Core spec says nothing
// of what comes next; platforms differ:
// - `pair`: forget the bond and pair again on the same link, as Android and BlueZ do (a new pairing, a
//   new bond). The user may be asked again; a device that only pretends to have lost the key gets a
//   fresh pairing, which is why some refuse to do it silently.
// - `stop`: keep the bond, report 0x06 and pair no more, as iOS does since 13.4 (CBError 14 "Peer
//   removed pairing information"): the user must forget the device before it can pair again.
// A different key (MIC failure, 0x3D) drops the link: no policy can act on that link.
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { HciError, type CentralError } from '../errors.js';

import type { KeyMissingPolicy } from '../../common/apps/scenario/scenario.js';
// The policies are data shared with scenarios (common/ may not import central/): defined there, once.
export { DEFAULT_KEY_MISSING_POLICY, KEY_MISSING_POLICIES, type KeyMissingPolicy } from '../../common/apps/scenario/scenario.js';

/** Encryption with the kept key ended in 0x06 PIN or Key Missing: the peer holds no key for this bond. */
export const isKeyMissing = (e: unknown): e is CentralError =>
  e instanceof HciError && e.status === HCI_STATUS.PIN_OR_KEY_MISSING;

/** What the central has learnt of the peer's key for its bond, on the air, in this run. */
export type PeerKeyKnowledge = 'held' | 'missing' | 'different';

export function peerKeyFrom(e: unknown): PeerKeyKnowledge | undefined {
  if (e === undefined) return 'held';
  if (isKeyMissing(e)) return 'missing';
  if (e instanceof HciError && e.status === HCI_STATUS.CONNECTION_TERMINATED_MIC_FAILURE) return 'different';
  return undefined;
}

/** The note a report carries when the policy acted, in words. */
export function keyMissingNote(policy: KeyMissingPolicy, peer: string): string {
  return policy === 'pair'
    ? `${peer} has no key for this bond (Encryption Change 0x06 PIN or Key Missing: it was reset, or is another device); --on-key-missing pair: the bond was forgotten and the central paired again, as Android does`
    : `${peer} has no key for this bond (Encryption Change 0x06 PIN or Key Missing: it was reset, or is another device); --on-key-missing stop: the central keeps its bond and does not pair, as iOS does since 13.4; forget the bond (forgetBonds) to pair again`;
}
