// The server's access check for one operation, as the Core spec sets it out:
// Vol 3 Part C 10.3 (authentication and encryption procedures, LE security mode 1),
// Vol 3 Part F 3.4.1.1 (the error codes). design.md ("What the peripheral serves") spells the
// order out; this function is the one place it lives.
import { ATT_ERROR, attError } from '../../base/codes/att.js';
import { hex } from '../../base/codes/code-table.js';
import { needsEncryption, type SecurityRequirement } from './security-levels.js';

/** What the tap knows about one link when a request arrives. */
export interface LinkSecurityState {
  /** The link is encrypted now (Encryption Change with encryption on). */
  readonly encrypted: boolean;
  /** The key in use (or, unencrypted, the stored key) came from a pairing with MITM protection. */
  readonly authenticated: boolean;
  /** Encryption key size in octets, when encrypted; unknown counts as 16. */
  readonly keySize?: number;
  /** A Long Term Key exists for this central (bonded or paired earlier on this link). */
  readonly keyExists: boolean;
  /** Same meaning as keyExists; either being true counts. */
  readonly bonded?: boolean;
  /** The peripheral's application granted authorization to this central; absent means not granted. */
  readonly authorized?: boolean;
}

export type SecurityVerdict = { readonly ok: true } | { readonly ok: false; readonly attError: number; readonly reason: string };

/** Decide one access. Order: encryption (0x05 / 0x0F), MITM (0x05), key size (0x0C), authorization (0x08). */
export function checkSecurity(required: SecurityRequirement, link: LinkSecurityState): SecurityVerdict {
  const verdict = specVerdict(required, link);
  if (verdict.ok || required.errorOverride === undefined || required.errorOverride === verdict.attError) return verdict;
  const spec = attError(verdict.attError);
  return {
    ok: false,
    attError: required.errorOverride,
    reason:
      `${verdict.reason}. The spec's answer is ${hex(spec.code)} ${spec.name}; this profile answers ` +
      `${hex(required.errorOverride)} ${attError(required.errorOverride).name} instead, to imitate a peer that does`,
  };
}

function specVerdict(required: SecurityRequirement, link: LinkSecurityState): SecurityVerdict {
  const keyExists = link.keyExists || link.bonded === true;
  if (needsEncryption(required.level)) {
    if (!link.encrypted && !keyExists) {
      return fail(
        ATT_ERROR.INSUFFICIENT_AUTHENTICATION,
        'the link is not encrypted and this central has no key, so a central normally starts pairing now',
      );
    }
    if (!link.encrypted) {
      const weakKey = required.level === 'authenticated' && !link.authenticated;
      return fail(
        ATT_ERROR.INSUFFICIENT_ENCRYPTION,
        'the link is not encrypted but this central already has a key, so a central normally encrypts the link with that key now (no new pairing)' +
          (weakKey ? '; that key is from a pairing without MITM protection, so the central will then be told it must pair again with MITM' : ''),
      );
    }
    if (required.level === 'authenticated' && !link.authenticated) {
      return fail(
        ATT_ERROR.INSUFFICIENT_AUTHENTICATION,
        'the link is encrypted, but with a key from a pairing without MITM protection (Just Works); this value needs an authenticated pairing (passkey entry, numeric comparison or OOB)',
      );
    }
    const keySize = link.keySize ?? 16;
    if (keySize < required.minKeySize) {
      return fail(
        ATT_ERROR.ENCRYPTION_KEY_SIZE_TOO_SHORT,
        `the link is encrypted with a ${keySize}-octet key and this value needs at least ${required.minKeySize} octets, so the central must pair again with a longer key`,
      );
    }
    return { ok: true };
  }
  if (required.level === 'authorized' && link.authorized !== true) {
    return fail(
      ATT_ERROR.INSUFFICIENT_AUTHORIZATION,
      "the peripheral's application did not authorize this central; pairing or encrypting will not change that, only the application can",
    );
  }
  return { ok: true };
}

function fail(code: number, reason: string): SecurityVerdict {
  return { ok: false, attError: code, reason };
}
