// What the matrix writes, so as not to destroy the peripheral's state needlessly: the value just
// read, written back; else a value the profile's constraints allow; else one zero octet (said so).
import { checkValue } from '../../common/stack/gatt/value-rules.js';
import type { ResolvedCharacteristic } from '../../common/stack/gatt/resolved-profile.js';

export interface ValueChoice {
  value: Buffer;
  why: string;
}

/** Value used when nothing says what is valid: one zero octet. */
const FALLBACK = Buffer.from([0]);

export function valueToWrite(readBack: Buffer | undefined, maxLength: number, profile?: ResolvedCharacteristic): ValueChoice {
  if (readBack && readBack.length <= maxLength) return { value: readBack, why: 'wrote back the value just read' };
  if (profile) {
    const c = profile.constraints;
    const fits = (v: Buffer) => v.length <= maxLength && checkValue(c, v).ok;
    if (profile.value.length > 0 && fits(profile.value)) return { value: profile.value, why: "wrote the profile's initial value" };
    const allowed = c.allowedValues?.find(fits);
    if (allowed) return { value: allowed, why: 'wrote a value the profile allows' };
    const zeros = Buffer.alloc(c.fixedLength ?? 1);
    if (fits(zeros)) return { value: zeros, why: `wrote ${zeros.length} zero octet(s), a length the profile allows` };
  }
  return { value: FALLBACK, why: 'wrote one zero octet: the value could not be read and no profile says what is valid' };
}
