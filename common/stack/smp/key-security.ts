// How strong a key is: what the peripheral's security policy and the key store need to know.
// Core v5.4 Vol 3 Part C 10.2.1 (LE security mode 1 levels 2-4), Vol 3 Part H 2.3.4 (key size).
import { MGMT_LTK_TYPE } from '../../base/codes/mgmt.js';
import type { PairingMethod } from '../../base/codes/smp.js';

export interface KeySecurity {
  /** The association model that produced the key. */
  method: PairingMethod;
  /** From a pairing with MITM protection (anything but Just Works). */
  authenticated: boolean;
  /** LE Secure Connections (true) or LE legacy pairing. */
  secureConnections: boolean;
  /** Encryption key size in octets, 7..16. */
  keySize: number;
  /**
   * LE Secure Connections with the spec's debug P-256 key on either side (Vol 3 Part H 2.3.5.6.1):
   * anyone with the capture can compute the LTK. Kept and shown as a debug key, never as an SC key.
   */
  debugKey?: boolean;
}

/** LE security mode 1 level: 2 unauthenticated, 3 authenticated, 4 authenticated SC with a 128-bit key. Vol 3 Part C 10.2.1. */
export function securityModeLevel(s: KeySecurity): 2 | 3 | 4 {
  if (!s.authenticated) return 2;
  return s.secureConnections && s.keySize === 16 ? 4 : 3;
}

/** "authenticated LE Secure Connections key (Numeric Comparison, 16 octets)". */
export function keySecurityText(s: KeySecurity): string {
  return `${s.authenticated ? 'authenticated' : 'unauthenticated'} ${s.secureConnections ? 'LE Secure Connections' : 'LE legacy'} key (${s.method}, ${s.keySize} octets)${s.debugKey ? `; ${DEBUG_KEY_WARNING}` : ''}`;
}

/** How a debug key is named wherever a key is shown. */
export const DEBUG_KEY_WARNING = 'debug key: not secure';

/**
 * The key type for MGMT Load Long Term Keys (BlueZ doc/mgmt-api.txt): a debug key is loaded as
 * "Debug key (P-256)", never as an ordinary SC key.
 */
export function mgmtLtkTypeOf(s: Pick<KeySecurity, 'authenticated' | 'secureConnections' | 'debugKey'>): number {
  if (s.secureConnections && s.debugKey) return MGMT_LTK_TYPE.DEBUG_P256;
  if (s.secureConnections) return s.authenticated ? MGMT_LTK_TYPE.AUTHENTICATED_P256 : MGMT_LTK_TYPE.UNAUTHENTICATED_P256;
  return s.authenticated ? MGMT_LTK_TYPE.AUTHENTICATED : MGMT_LTK_TYPE.UNAUTHENTICATED;
}
