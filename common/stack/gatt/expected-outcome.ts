// What a central should see when it tries one operation on one characteristic over a link in a
// given state: the reference the central's matrix compares the air against, and the answer the
// peripheral gives. Property checks first (Core v5.4 Vol 3 Part F 3.4.1.1: 0x02, 0x03), then the
// security rule (security-rule.ts). Subscribing is a Write Request to the CCCD (Vol 3 Part G 4.10, 4.11).
import { ATT_ERROR, attError } from '../../base/codes/att.js';
import { BadInputError } from '../../base/errors/blebench-error.js';
import { findCharacteristic, findDescriptor, type ResolvedCharacteristic, type ResolvedProfile } from './resolved-profile.js';
import { checkSecurity, type LinkSecurityState } from './security-rule.js';
import type { GattOperation, SecurityRequirement } from './security-levels.js';

export type ProfileExpectedOutcome =
  | { readonly ok: true; readonly request: string; readonly reason: string }
  | {
      readonly ok: false;
      readonly attError: number;
      readonly errorName: string;
      /** No Error Response goes over the air (a Write Command is never answered, Vol 3 Part F 3.4.5.3); the server drops it. */
      readonly silent: boolean;
      readonly request: string;
      readonly reason: string;
    }
  /** Nothing can be sent: there is no CCCD to write. */
  | { readonly ok: false; readonly attError: null; readonly request: null; readonly reason: string };

const REQUEST: Record<GattOperation, string> = {
  read: 'Read Request',
  write: 'Write Request',
  writeWithoutResponse: 'Write Command',
  notify: 'Write Request to the CCCD (notifications on)',
  indicate: 'Write Request to the CCCD (indications on)',
};

const ALLOWED: Record<SecurityRequirement['level'], string> = {
  none: 'the operation is open to any central',
  encrypted: 'the link is encrypted with a long enough key',
  authenticated: 'the link is encrypted with a key from a MITM-protected pairing, long enough',
  authorized: "the peripheral's application authorized this central",
};

export function expectedOutcome(
  profile: ResolvedProfile,
  characteristic: string | ResolvedCharacteristic,
  operation: GattOperation,
  link: LinkSecurityState,
): ProfileExpectedOutcome {
  const c = typeof characteristic === 'string' ? findCharacteristic(profile, characteristic) : characteristic;
  if (!c) {
    throw new BadInputError('UNKNOWN_CHARACTERISTIC', `profile "${profile.name}" has no characteristic "${String(characteristic)}"`, { file: profile.source }, {
      hint: `Its characteristics: ${profile.services.flatMap((s) => s.characteristics.map((x) => x.name)).join(', ')}.`,
    });
  }
  const request = REQUEST[operation];
  const silent = operation === 'writeWithoutResponse';
  const refuse = (code: number, reason: string): ProfileExpectedOutcome => ({ ok: false, attError: code, errorName: attError(code).name, silent, request, reason });

  let required: SecurityRequirement;
  if (operation === 'notify' || operation === 'indicate') {
    const cccd = findDescriptor(c, 'cccd');
    if (!cccd) {
      return { ok: false, attError: null, request: null, reason: `"${c.name}" neither notifies nor indicates, so it has no CCCD to subscribe with` };
    }
    if (!c.properties[operation]) {
      // Vol 3 Part G 3.3.3.3 lets a bit be set only when the property allows it; what to answer is left
      // open, and blebench's peripheral answers Value Not Allowed.
      return refuse(ATT_ERROR.VALUE_NOT_ALLOWED, `"${c.name}" does not ${operation}, so its CCCD refuses the ${operation === 'notify' ? 'notification' : 'indication'} bit`);
    }
    required = cccd.security.write;
  } else {
    if (!c.properties[operation]) {
      const code = operation === 'read' ? ATT_ERROR.READ_NOT_PERMITTED : ATT_ERROR.WRITE_NOT_PERMITTED;
      return refuse(code, `"${c.name}" does not allow ${operation === 'read' ? 'reads' : operation === 'write' ? 'writes' : 'writes without response'} (no "${operation}" property)`);
    }
    required = c.security[operation];
  }
  const verdict = checkSecurity(required, link);
  if (verdict.ok) return { ok: true, request, reason: ALLOWED[required.level] };
  return refuse(verdict.attError, verdict.reason);
}
