// When the central pairs (design.md; issue 4): `on-error` pairs when a request fails with 0x05
// Insufficient Authentication or 0x0F Insufficient Encryption and re-sends it once, as phones do
// (BTstack's "reactive authentication"; GATT/CL/GAR/BI-04-C); `never` reports the error; `upfront`
// pairs right after connecting.
import { ATT_ERROR } from '../../common/codes/att.js';
import { AttError } from '../errors.js';

export const PAIRING_POLICIES = ['on-error', 'never', 'upfront'] as const;
export type PairingPolicy = (typeof PAIRING_POLICIES)[number];

/** The ATT errors pairing can cure. Vol 3 Part C 10.3.2 (client raises security, then re-sends). */
export const PAIRING_CURES: ReadonlySet<number> = new Set([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_ENCRYPTION]);

export type PairDecision = { pair: true } | { pair: false; why: string };

/** Should this failure make the central pair and re-send? */
export function pairAfter(policy: PairingPolicy, error: unknown, link: { encrypted: boolean }): PairDecision {
  if (!(error instanceof AttError) || !PAIRING_CURES.has(error.code)) return { pair: false, why: 'pairing does not cure this error' };
  if (policy !== 'on-error') return { pair: false, why: `the pairing policy is "${policy}"` };
  if (link.encrypted) {
    return {
      pair: false,
      why: 'the link is already encrypted with the key this pairing gave; pairing again with the same IO capabilities cannot raise its security (for MITM, pair with --io-capability or --methods passkey/numeric-comparison)',
    };
  }
  return { pair: true };
}
