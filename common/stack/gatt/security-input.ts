// A security requirement as a profile writes it ("encrypted", or { level, minKeySize, errorOverride })
// turned into a SecurityRequirement, with the checks the schema cannot make.
import { ATT_ERROR, attError } from '../../base/codes/att.js';
import { hex } from '../../base/codes/code-table.js';
import { didYouMean } from '../../base/input/did-you-mean.js';
import type { SecurityInput } from './profile-input.js';
import { IssueList, pointer } from './profile-issues.js';
import { MIN_KEY_SIZE, needsEncryption, type SecurityLevel, type SecurityRequirement } from './security-levels.js';

export function parseSecurity(input: SecurityInput, path: string, defaultMinKeySize: number | undefined, issues: IssueList): SecurityRequirement {
  const spec = typeof input === 'string' ? { level: input } : input;
  const level: SecurityLevel = spec.level;
  if (spec.minKeySize !== undefined && !needsEncryption(level)) {
    issues.add(
      'inconsistent',
      path + pointer('minKeySize'),
      `a minimum key size only applies when the link must be encrypted ("encrypted" or "authenticated"), and this level is "${level}"`,
    );
  }
  const minKeySize = needsEncryption(level) ? (spec.minKeySize ?? defaultMinKeySize ?? MIN_KEY_SIZE) : MIN_KEY_SIZE;
  if (spec.errorOverride === undefined) return { level, minKeySize };
  const overridePath = path + pointer('errorOverride');
  const code = parseAttErrorCode(spec.errorOverride);
  if (code === undefined) {
    issues.add(
      'not-allowed-value',
      overridePath,
      `"${spec.errorOverride}" is not an ATT error code: write a number 1..255, hex like "0x0F", or a name like "INSUFFICIENT_ENCRYPTION"` +
        (typeof spec.errorOverride === 'string' ? didYouMean(spec.errorOverride.toUpperCase(), Object.keys(ATT_ERROR)) : ''),
    );
    return { level, minKeySize };
  }
  if (level === 'none') {
    issues.add('inconsistent', overridePath, `an error override (${hex(code)} ${attError(code).name}) never applies when the level is "none": nothing is refused`);
  }
  return { level, minKeySize, errorOverride: code };
}

/** 15, "15", "0x0F" or "INSUFFICIENT_ENCRYPTION" → 0x0F; undefined when not a code 1..255. */
export function parseAttErrorCode(value: number | string): number | undefined {
  let code: number | undefined;
  if (typeof value === 'number') code = value;
  else if (/^0x[0-9a-f]{1,2}$/i.test(value.trim())) code = parseInt(value.trim(), 16);
  else if (/^[0-9]{1,3}$/.test(value.trim())) code = parseInt(value.trim(), 10);
  else code = (ATT_ERROR as Record<string, number>)[value.trim().toUpperCase()];
  return code !== undefined && Number.isInteger(code) && code >= 1 && code <= 0xff ? code : undefined;
}
