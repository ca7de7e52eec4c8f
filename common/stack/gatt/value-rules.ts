// Whether a written value fits a characteristic's constraints, with the spec's codes:
// 0x0D Invalid Attribute Value Length, 0x13 Value Not Allowed (Core v5.4 Vol 3 Part F 3.4.1.1).
import { ATT_ERROR } from '../../base/codes/att.js';
import type { ValueConstraints } from './resolved-profile.js';

export type ValueVerdict = { readonly ok: true } | { readonly ok: false; readonly attError: number; readonly reason: string };

export function checkValue(constraints: ValueConstraints, value: Uint8Array): ValueVerdict {
  if (constraints.fixedLength !== undefined && value.length !== constraints.fixedLength) {
    return {
      ok: false,
      attError: ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH,
      reason: `the value must be exactly ${constraints.fixedLength} octets and ${value.length} were written`,
    };
  }
  if (value.length > constraints.maxLength) {
    return {
      ok: false,
      attError: ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH,
      reason: `the value may be at most ${constraints.maxLength} octets and ${value.length} were written`,
    };
  }
  if (constraints.allowedValues && !constraints.allowedValues.some((a) => Buffer.from(value).equals(a))) {
    return { ok: false, attError: ATT_ERROR.VALUE_NOT_ALLOWED, reason: 'the value written is not one of the values this characteristic allows' };
  }
  return { ok: true };
}
