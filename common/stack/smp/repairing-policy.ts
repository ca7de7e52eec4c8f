// What a peripheral does when a central it holds a bond with sends a Pairing Request: the central
// forgot the bond (a phone's "Forget This Device") or something else claims its address. The Core
// spec leaves the choice to the implementation: a bonded pairing stores keys that later encryption
// uses (Vol 3 Part H 2.4.1, 2.4.4.1) and a new pairing makes new keys; it names the risk of letting a
// device that cannot prove it holds the old key replace it without the user (Vol 3 Part H 2.3.5.1:
// Just Works has no MITM protection). Stacks differ (README "Bond lifecycles"):
// - Zephyr (subsys/bluetooth/host/smp.c update_keys_check) refuses a pairing that would lower the
//   bond's key size, drop LE Secure Connections, or replace an authenticated key with Just Works, and
//   (without CONFIG_BT_SMP_ALLOW_UNAUTH_OVERWRITE) any Just Works pairing over a bond: Pairing Failed
//   0x03 Authentication Requirements, at the Pairing Request. `refuse-unless-stronger` is that rule.
// - NimBLE raises BLE_GAP_EVENT_REPEAT_PAIRING; the application deletes the bond and retries
//   (`accept`), or the Pairing Request is dropped with no answer (the central's SMP timeout ends it).
// - BlueZ asks user space to confirm a Just Works pairing from a paired device; bluetoothd's
//   JustWorksRepairing=never (the default) refuses it; other methods replace the keys.
import { SMP_REASON } from '../../base/codes/smp.js';
import type { KeySecurity } from './key-security.js';

export const REPAIRING_POLICIES = ['accept', 'refuse-unless-stronger', 'refuse'] as const;
export type RepairingPolicy = (typeof REPAIRING_POLICIES)[number];

/** The key a pairing under way will give, known once phase 1 agreed on the method (Vol 3 Part H 2.3.5.1). */
export type NewKey = Pick<KeySecurity, 'authenticated' | 'secureConnections' | 'keySize'>;

export type RepairingDecision = { readonly accept: true; readonly why: string } | { readonly accept: false; readonly reason: number; readonly why: string };

/**
 * The Pairing Failed reason of a refusal: 0x03 Authentication Requirements, as Zephyr sends; the
 * spec has no reason for "bonded already" (Vol 3 Part H 3.5.5), and 0x03 says the pairing cannot give
 * the security this side requires.
 */
export const REPAIRING_REFUSAL_REASON = SMP_REASON.AUTHENTICATION_REQUIREMENTS;

const words = (k: NewKey) => `${k.authenticated ? 'authenticated' : 'unauthenticated'} ${k.secureConnections ? 'LE Secure Connections' : 'LE legacy'} key of ${k.keySize} octets`;

/** Whether the new pairing may replace the bond's keys, and why in words. */
export function repairingDecision(policy: RepairingPolicy, bond: KeySecurity, next: NewKey): RepairingDecision {
  const had = `the bond holds an ${words(bond)}`;
  if (policy === 'accept') return { accept: true, why: `${had}; --on-repairing accept: the new pairing replaces it` };
  if (policy === 'refuse') return { accept: false, reason: REPAIRING_REFUSAL_REASON, why: `${had}; --on-repairing refuse: a bonded central's Pairing Request is refused (forget the bond on this side to pair again)` };
  const weaker =
    next.keySize < bond.keySize
      ? `a ${next.keySize}-octet key is shorter than the bond's`
      : bond.secureConnections && !next.secureConnections
        ? 'LE legacy pairing would replace an LE Secure Connections key'
        : !next.authenticated
          ? 'Just Works proves nothing about who asks: anyone in range could replace the bond this way'
          : undefined;
  if (weaker) return { accept: false, reason: REPAIRING_REFUSAL_REASON, why: `${had}; --on-repairing refuse-unless-stronger: ${weaker}` };
  return { accept: true, why: `${had}; --on-repairing refuse-unless-stronger: the new pairing gives an ${words(next)}, no weaker and authenticated` };
}
