// When the central pairs (design.md; issue 4): `on-error` pairs when a request fails with 0x05
// Insufficient Authentication or 0x0F Insufficient Encryption and re-sends it once, as phones do
// (BTstack's "reactive authentication"; GATT/CL/GAR/BI-04-C); `never` reports the error; `upfront`
// pairs right after connecting. One attempt per link: once pairing (or encryption with a kept key)
// failed on a link, later errors on it are reported, not paired for again.
import { ATT_ERROR } from '../../common/base/codes/att.js';
import type { PairingPolicy } from '../../common/apps/scenario/scenario-input.js';
import { AttError, SmpPairingFailed, type CentralError } from '../errors.js';

/** The words of --policy and of a scenario's `pairing:` (one type, common/apps/scenario/scenario-input.ts). */
export type { PairingPolicy };
export const PAIRING_POLICIES = ['on-error', 'never', 'upfront'] as const satisfies readonly PairingPolicy[];

/** The ATT errors pairing can cure. Vol 3 Part C 10.3.2 (client raises security, then re-sends). */
export const PAIRING_CURES: ReadonlySet<number> = new Set([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_ENCRYPTION]);

export type PairDecision = { pair: true } | { pair: false; why: string };

/** An earlier attempt on this link to raise its security that failed. */
export interface EarlierFailure {
  readonly what: 'pairing' | 'encryption with the kept key';
  readonly error: CentralError;
}

/**
 * Should this failure make the central pair and re-send? `cures`: the ATT errors that make it try (a
 * persona's, central/persona/; by default 0x05 and 0x0F). Not when an attempt already failed on this
 * link: a peer that refused refuses again, and one that keeps the Repeated Attempts gate (Core v5.4
 * Vol 3 Part H 2.3.6) counts every Pairing Request and locks out a central that keeps asking.
 */
export function pairAfter(policy: PairingPolicy, error: unknown, link: { encrypted: boolean }, earlier?: EarlierFailure, cures: ReadonlySet<number> = PAIRING_CURES): PairDecision {
  if (!(error instanceof AttError) || !cures.has(error.attCode)) return { pair: false, why: cures === PAIRING_CURES ? 'pairing does not cure this error' : 'the persona gives this error to the app' };
  if (policy !== 'on-error') return { pair: false, why: `the pairing policy is "${policy}"` };
  if (link.encrypted) {
    return {
      pair: false,
      why: 'the link is already encrypted with the key this pairing gave; pairing again with the same IO capabilities cannot raise its security (for MITM, pair with --io-capability or --methods passkey/numeric-comparison)',
    };
  }
  if (earlier) return { pair: false, why: `${earlier.what} failed earlier on this link: ${earlier.error.label}${sentBy(earlier.error)}; one attempt per link` };
  return { pair: true };
}

const sentBy = (e: CentralError) => (e instanceof SmpPairingFailed ? ` (Pairing Failed from the ${e.who})` : '');
