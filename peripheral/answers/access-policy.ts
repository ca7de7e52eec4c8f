// The peripheral's answer to one access: properties first (Core v5.4 Vol 3 Part F 3.4.1.1: 0x02,
// 0x03), then security (checkSecurity, Vol 3 Part C 10.3), then the value's constraints (0x0D, 0x13);
// the same order as common/stack/gatt's expectedOutcome. CCCD writes: Vol 3 Part G 3.3.3.3.
//
// A chosen answer (PeripheralServer.answerWith) takes the place of the security decision: the
// property checks (and a CCCD value's own checks) still come first, since a characteristic without
// the property has no such operation to answer; after them the chosen code is the answer, whatever
// the link's security and whatever the profile's errorOverride would say (errorOverride only
// changes the code of a failed security check, which is not taken then), and the value's constraints
// are not looked at.
import { ATT_ERROR, attError } from '../../common/base/codes/att.js';
import { CCCD_BITS, checkSecurity, checkValue, describeRequirement, type LinkSecurityState, type SecurityRequirement } from '../../common/stack/gatt/index.js';
import type { ServedCharacteristic, ServedDescriptor } from '../gatt/served-profile.js';
import { hex } from '../../common/base/codes/code-table.js';

export type Decision = { readonly ok: true; readonly reason: string } | { readonly ok: false; readonly attError: number; readonly reason: string };

/** An ATT Error Response chosen for this request instead of the security decision, and why. */
export interface ChosenAnswer {
  readonly attError: number;
  readonly reason: string;
}
/** Asked once the property checks passed (so it may count the request): the chosen answer, if any. */
export type ChooseAnswer = () => ChosenAnswer | undefined;

/** CCCD value length. Vol 3 Part G 3.3.3.3. */
export const CCCD_LENGTH = 2;
const CCCD_KNOWN_BITS = CCCD_BITS.notification | CCCD_BITS.indication;

const refuse = (code: number, reason: string): Decision => ({ ok: false, attError: code, reason });

function secured(required: SecurityRequirement, link: LinkSecurityState, what: string, choose?: ChooseAnswer): Decision {
  const chosen = choose?.();
  if (chosen) return refuse(chosen.attError, chosen.reason);
  const v = checkSecurity(required, link);
  if (!v.ok) return refuse(v.attError, v.reason);
  return { ok: true, reason: required.level === 'none' ? `${what} is open to any central` : `${what} needs ${describeRequirement(required)} and this link has it` };
}

export function decideValueRead(c: ServedCharacteristic, link: LinkSecurityState, choose?: ChooseAnswer): Decision {
  if (!c.def.properties.read) return refuse(ATT_ERROR.READ_NOT_PERMITTED, `"${c.def.name}" has no read property`);
  return secured(c.security.read, link, 'reading it', choose);
}

export function decideDescriptorRead(d: ServedDescriptor, link: LinkSecurityState): Decision {
  if (!d.def.readable) return refuse(ATT_ERROR.READ_NOT_PERMITTED, `the ${d.def.name} of "${d.characteristic.def.name}" is not readable`);
  return secured(d.security.read, link, `reading the ${d.def.name}`);
}

/** Write Request, Write Command or Prepare Write (value checked later: `value` undefined). */
export function decideValueWrite(c: ServedCharacteristic, link: LinkSecurityState, command: boolean, value?: Buffer, choose?: ChooseAnswer): Decision {
  const op = command ? 'writeWithoutResponse' : 'write';
  if (!c.def.properties[op]) return refuse(ATT_ERROR.WRITE_NOT_PERMITTED, `"${c.def.name}" has no ${op} property`);
  const s = secured(c.security[op], link, command ? 'writing it without response' : 'writing it', choose);
  if (!s.ok || value === undefined) return s;
  const v = checkValue(c.def.constraints, value);
  return v.ok ? s : refuse(v.attError, v.reason);
}

/** A write to a descriptor other than the CCCD (User Description with writable auxiliaries, custom writable ones). */
export function decideDescriptorWrite(d: ServedDescriptor, link: LinkSecurityState): Decision {
  if (!d.def.writable) return refuse(ATT_ERROR.WRITE_NOT_PERMITTED, `the ${d.def.name} of "${d.characteristic.def.name}" is not writable`);
  return secured(d.security.write, link, `writing the ${d.def.name}`);
}

export function decideCccdWrite(cccd: ServedDescriptor, link: LinkSecurityState, value: Buffer, choose?: ChooseAnswer): Decision {
  const c = cccd.characteristic.def;
  if (value.length !== CCCD_LENGTH) return refuse(ATT_ERROR.INVALID_ATTRIBUTE_VALUE_LENGTH, `a CCCD value is ${CCCD_LENGTH} octets and ${value.length} were written`);
  const bits = value.readUInt16LE(0);
  if (bits & ~CCCD_KNOWN_BITS) return refuse(ATT_ERROR.VALUE_NOT_ALLOWED, `bits ${hex(bits & ~CCCD_KNOWN_BITS, 1)} of a CCCD are reserved`);
  if (bits & CCCD_BITS.notification && !c.properties.notify) return refuse(ATT_ERROR.VALUE_NOT_ALLOWED, `"${c.name}" does not notify, so its CCCD refuses the notification bit`);
  if (bits & CCCD_BITS.indication && !c.properties.indicate) return refuse(ATT_ERROR.VALUE_NOT_ALLOWED, `"${c.name}" does not indicate, so its CCCD refuses the indication bit`);
  return secured(cccd.security.write, link, 'writing its CCCD', choose);
}

/** "0x05 Insufficient Authentication" */
export function codeText(code: number): string {
  return `${hex(code)} ${attError(code).name}`;
}
