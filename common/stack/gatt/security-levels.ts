// Security levels a profile asks of an operation, and what one operation requires.
// Core v5.4 Vol 3 Part C 10.2.1 (LE security mode 1: level 2 unauthenticated pairing with
// encryption, level 3 authenticated pairing with encryption), 10.5 (authorization),
// Vol 3 Part H 2.3.4 (encryption key size 7..16 octets).
import { hex } from '../../base/codes/code-table.js';

/** The operations a profile sets security for. notify/indicate cover the CCCD write that subscribes and each value sent. */
export const GATT_OPERATIONS = ['read', 'write', 'writeWithoutResponse', 'notify', 'indicate'] as const;
export type GattOperation = (typeof GATT_OPERATIONS)[number];

/**
 * none: anyone may; encrypted: the link must be encrypted (any pairing, Just Works will do);
 * authenticated: encrypted with a key from a pairing with MITM protection (passkey, numeric
 * comparison, OOB); authorized: the peripheral's application decides (no link security implied).
 */
export const SECURITY_LEVELS = ['none', 'encrypted', 'authenticated', 'authorized'] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];

/** Encryption key size bounds in octets. Vol 3 Part H 2.3.4. */
export const MIN_KEY_SIZE = 7;
export const MAX_KEY_SIZE = 16;

/** What one operation on one attribute requires. */
export interface SecurityRequirement {
  readonly level: SecurityLevel;
  /** Minimum encryption key size in octets (7..16); only meaningful for encrypted and authenticated. */
  readonly minKeySize: number;
  /** ATT error code to answer instead of the spec's, to imitate a peer that answers differently. */
  readonly errorOverride?: number;
}

export const OPEN: SecurityRequirement = Object.freeze({ level: 'none', minKeySize: MIN_KEY_SIZE });

/** True when the level needs an encrypted link. */
export function needsEncryption(level: SecurityLevel): boolean {
  return level === 'encrypted' || level === 'authenticated';
}

/** Strictness order for combining requirements: none < authorized < encrypted < authenticated. */
export const LEVEL_RANK: Readonly<Record<SecurityLevel, number>> = { none: 0, authorized: 1, encrypted: 2, authenticated: 3 };

/**
 * The stricter of two requirements, or undefined when one level cannot hold both
 * (authorization and link encryption are different things).
 */
export function stricter(a: SecurityRequirement, b: SecurityRequirement): SecurityRequirement | undefined {
  const mixes = (x: SecurityRequirement, y: SecurityRequirement) => x.level === 'authorized' && needsEncryption(y.level);
  if (mixes(a, b) || mixes(b, a)) return undefined;
  const top = LEVEL_RANK[a.level] >= LEVEL_RANK[b.level] ? a : b;
  const minKeySize = Math.max(needsEncryption(a.level) ? a.minKeySize : MIN_KEY_SIZE, needsEncryption(b.level) ? b.minKeySize : MIN_KEY_SIZE);
  const errorOverride = top.errorOverride ?? (top === a ? b : a).errorOverride;
  return errorOverride === undefined ? { level: top.level, minKeySize } : { level: top.level, minKeySize, errorOverride };
}

/** "encrypted (key ≥ 16 octets, answers 0x0F)" for logs and consoles. */
export function describeRequirement(req: SecurityRequirement): string {
  const extras: string[] = [];
  if (needsEncryption(req.level) && req.minKeySize > MIN_KEY_SIZE) extras.push(`key ≥ ${req.minKeySize} octets`);
  if (req.errorOverride !== undefined) extras.push(`answers ${hex(req.errorOverride)}`);
  return extras.length ? `${req.level} (${extras.join(', ')})` : req.level;
}
