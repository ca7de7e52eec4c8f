// How strong a key is: what the peripheral's security policy and the key store need to know.
// Core v5.4 Vol 3 Part C 10.2.1 (LE security mode 1 levels 2-4), Vol 3 Part H 2.3.4 (key size).
import type { PairingMethod } from '../codes/smp.js';

export interface KeySecurity {
  /** The association model that produced the key. */
  method: PairingMethod;
  /** From a pairing with MITM protection (anything but Just Works). */
  authenticated: boolean;
  /** LE Secure Connections (true) or LE legacy pairing. */
  secureConnections: boolean;
  /** Encryption key size in octets, 7..16. */
  keySize: number;
}

/** LE security mode 1 level: 2 unauthenticated, 3 authenticated, 4 authenticated SC with a 128-bit key. Vol 3 Part C 10.2.1. */
export function securityModeLevel(s: KeySecurity): 2 | 3 | 4 {
  if (!s.authenticated) return 2;
  return s.secureConnections && s.keySize === 16 ? 4 : 3;
}

/** "authenticated LE Secure Connections key (Numeric Comparison, 16 octets)". */
export function keySecurityText(s: KeySecurity): string {
  return `${s.authenticated ? 'authenticated' : 'unauthenticated'} ${s.secureConnections ? 'LE Secure Connections' : 'LE legacy'} key (${s.method}, ${s.keySize} octets)`;
}
