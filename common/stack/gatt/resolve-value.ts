// A characteristic's initial value and its constraints: max length (512 at most, Core v5.4
// Vol 3 Part F 3.2.9), fixed length, allowed values; each checked against the others.
import type { CharacteristicInput, ValueInput } from './profile-input.js';
import { IssueList, pointer } from './profile-issues.js';
import type { ValueConstraints } from './resolved-profile.js';
import { encodeValue } from './value-input.js';

/** Largest attribute value. Vol 3 Part F 3.2.9. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 512;

export function valueAt(input: ValueInput | undefined, path: string, issues: IssueList): Buffer | undefined {
  if (input === undefined) return undefined;
  const r = encodeValue(input);
  if (r.ok) return r.value;
  issues.add('bad-value', path, r.problem);
  return undefined;
}

export function resolveValue(input: CharacteristicInput, at: string, issues: IssueList): { value: Buffer; constraints: ValueConstraints } {
  const c = input.constraints ?? {};
  const cAt = at + pointer('constraints');
  if (c.fixedLength !== undefined && c.maxLength !== undefined && c.fixedLength > c.maxLength) {
    issues.add('value-constraint', cAt + pointer('fixedLength'), `fixedLength ${c.fixedLength} is longer than maxLength ${c.maxLength}`, [cAt + pointer('maxLength')]);
  }
  const maxLength = c.fixedLength ?? c.maxLength ?? MAX_ATTRIBUTE_VALUE_LENGTH;
  const allowedValues = c.allowedValues?.map((v, i) => valueAt(v, cAt + pointer('allowedValues', i), issues) ?? Buffer.alloc(0));
  const explicit = valueAt(input.value, at + pointer('value'), issues);
  const value = explicit ?? (c.fixedLength !== undefined ? Buffer.alloc(c.fixedLength) : allowedValues?.[0] ?? Buffer.alloc(0));

  const lengthProblem = (v: Buffer): string | undefined =>
    c.fixedLength !== undefined && v.length !== c.fixedLength
      ? `is ${v.length} octet${v.length === 1 ? '' : 's'} long, but fixedLength is ${c.fixedLength}`
      : v.length > maxLength
        ? `is ${v.length} octets long, more than ${c.maxLength !== undefined ? `maxLength ${maxLength}` : `the ${MAX_ATTRIBUTE_VALUE_LENGTH} octets an attribute can hold`}`
        : undefined;

  if (explicit) {
    const p = lengthProblem(explicit);
    if (p) issues.add('value-constraint', at + pointer('value'), `the initial value ${p}`);
    else if (allowedValues && !allowedValues.some((a) => a.equals(explicit))) {
      issues.add('value-constraint', at + pointer('value'), `the initial value (${hexOf(explicit)}) is not one of constraints.allowedValues`, [cAt + pointer('allowedValues')]);
    }
  }
  allowedValues?.forEach((a, i) => {
    const p = lengthProblem(a);
    if (p) issues.add('value-constraint', cAt + pointer('allowedValues', i), `this allowed value ${p}, so no write could ever set it`);
  });

  const constraints: ValueConstraints = {
    maxLength,
    ...(c.fixedLength !== undefined ? { fixedLength: c.fixedLength } : {}),
    ...(allowedValues ? { allowedValues } : {}),
  };
  return { value, constraints };
}

function hexOf(b: Buffer): string {
  return b.length ? b.toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ') : 'empty';
}
