// The security of each operation of one characteristic, from the native `security` block and the
// platform words, with conflicts and security-without-property reported.
import type { CharacteristicProperties } from './characteristic-properties.js';
import type { CharacteristicInput } from './profile-input.js';
import { IssueList, pointer } from './profile-issues.js';
import type { SecurityClaim } from './platform-vocabulary.js';
import { parseSecurity } from './security-input.js';
import { GATT_OPERATIONS, LEVEL_RANK, MIN_KEY_SIZE, needsEncryption, stricter, type GattOperation, type SecurityLevel, type SecurityRequirement } from './security-levels.js';

const VERB: Record<GattOperation, string> = {
  read: 'be read',
  write: 'be written',
  writeWithoutResponse: 'be written without response',
  notify: 'notify',
  indicate: 'indicate',
};

export function resolveSecurity(
  input: CharacteristicInput,
  at: string,
  props: CharacteristicProperties,
  vocabularyClaims: readonly SecurityClaim[],
  defaultMinKeySize: number | undefined,
  issues: IssueList,
): Record<GattOperation, SecurityRequirement> {
  const perOp = new Map<GattOperation, SecurityClaim[]>();
  for (const claim of vocabularyClaims) {
    const applies = claim.ops.filter((op) => props[op]);
    // A platform "plain access" word (readable, PERMISSION_READ) on an operation the
    // characteristic lacks is common and harmless (CoreBluetooth notify-only characteristics carry .readable).
    if (applies.length === 0 && claim.level !== 'none') {
      issues.add(
        'security-without-property',
        claim.path,
        `this asks for "${claim.level}" on ${claim.ops.join('/')}, but the characteristic cannot ${claim.ops.map((o) => VERB[o]).join(' or ')}: add the property, or remove this`,
      );
    }
    for (const op of applies) perOp.set(op, [...(perOp.get(op) ?? []), claim]);
  }

  const result = {} as Record<GattOperation, SecurityRequirement>;
  for (const op of GATT_OPERATIONS) {
    const nativeInput = input.security?.[op];
    const nativePath = at + pointer('security', op);
    let native: SecurityRequirement | undefined;
    if (nativeInput !== undefined) {
      native = parseSecurity(nativeInput, nativePath, defaultMinKeySize, issues);
      if (!props[op]) {
        issues.add(
          'security-without-property',
          nativePath,
          `${op} security is set but the characteristic cannot ${VERB[op]} (it has no "${op}" property): add "${op}" to properties, or remove this`,
        );
      }
    }
    const platform = strictestPerSource(perOp.get(op) ?? []);
    checkAgreement(op, native ? { level: native.level, path: nativePath } : undefined, platform, issues);
    if (native) result[op] = native;
    else if (platform.length) {
      const level = platform[0]!.level;
      result[op] = { level, minKeySize: needsEncryption(level) ? (defaultMinKeySize ?? MIN_KEY_SIZE) : MIN_KEY_SIZE };
    } else result[op] = { level: 'none', minKeySize: MIN_KEY_SIZE };
  }
  return result;
}

/** Within one vocabulary, words add up (readable + readEncryptionRequired is encrypted); the strictest per source. */
function strictestPerSource(claims: readonly SecurityClaim[]): SecurityClaim[] {
  const bySource = new Map<string, SecurityClaim>();
  for (const c of claims) {
    const seen = bySource.get(c.source);
    if (!seen || LEVEL_RANK[c.level] > LEVEL_RANK[seen.level]) bySource.set(c.source, c);
  }
  return [...bySource.values()];
}

/** Two ways of writing the same operation's security must say the same thing. */
function checkAgreement(
  op: GattOperation,
  native: { level: SecurityLevel; path: string } | undefined,
  platform: readonly SecurityClaim[],
  issues: IssueList,
): void {
  const sides = [...(native ? [native] : []), ...platform];
  for (const other of sides.slice(1)) {
    if (other.level !== sides[0]!.level) {
      issues.add(
        'vocabulary-conflict',
        other.path,
        `${op} security is "${sides[0]!.level}" at ${sides[0]!.path} but "${other.level}" at ${other.path}; say it once, in one vocabulary`,
        [sides[0]!.path],
      );
    }
  }
}

/**
 * The CCCD's write security: the cccd block when given; otherwise the notify or indicate
 * security, the stricter of the two when the characteristic does both. Vol 3 Part G 3.3.3.3.
 */
export function cccdWriteSecurity(
  input: CharacteristicInput,
  at: string,
  props: CharacteristicProperties,
  security: Record<GattOperation, SecurityRequirement>,
  defaultMinKeySize: number | undefined,
  issues: IssueList,
): SecurityRequirement {
  if (input.cccd?.security !== undefined) return parseSecurity(input.cccd.security, at + pointer('cccd', 'security'), defaultMinKeySize, issues);
  if (props.notify && props.indicate) {
    const both = stricter(security.notify, security.indicate);
    if (both) return both;
    issues.add(
      'inconsistent',
      at + pointer('security'),
      `notify needs "${security.notify.level}" and indicate needs "${security.indicate.level}", and one CCCD write cannot require both: set "cccd": { "security": ... } yourself`,
    );
    return security.notify;
  }
  return props.notify ? security.notify : security.indicate;
}
