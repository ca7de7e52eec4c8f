// What one side of a pairing is willing and able to do, as data (a scenario, a flag, a console choice).
// Core v5.4 Vol 3 Part H 2.3 (pairing), 3.5.1 (the Pairing Request fields these become).
import { BadInputError } from '../../base/errors/blebench-error.js';
import { ENCRYPTION_KEY_SIZE, IO_CAPABILITY } from '../../base/codes/smp.js';
import type { P256KeyPair } from './p256.js';
import { REPAIRING_POLICIES, type RepairingPolicy } from './repairing-policy.js';

export const IO_CAPABILITY_NAMES = ['DisplayOnly', 'DisplayYesNo', 'KeyboardOnly', 'NoInputNoOutput', 'KeyboardDisplay'] as const;
export type IoCapabilityName = (typeof IO_CAPABILITY_NAMES)[number];

export const ioCapabilityCode = (name: IoCapabilityName): number =>
  ({
    DisplayOnly: IO_CAPABILITY.DISPLAY_ONLY,
    DisplayYesNo: IO_CAPABILITY.DISPLAY_YES_NO,
    KeyboardOnly: IO_CAPABILITY.KEYBOARD_ONLY,
    NoInputNoOutput: IO_CAPABILITY.NO_INPUT_NO_OUTPUT,
    KeyboardDisplay: IO_CAPABILITY.KEYBOARD_DISPLAY,
  })[name];

/** Keys one side distributes. Vol 3 Part H 3.6.1 (LinkKey is BR/EDR's: never set here). */
export interface KeySet {
  encKey?: boolean;
  idKey?: boolean;
  signKey?: boolean;
}

/** LE Secure Connections OOB data: our random r (with the key pair C was computed from), the peer's r and C. Vol 3 Part H 2.3.5.6.4. */
export interface ScOobData {
  /** Ours, handed to the peer out of band: the key pair used for this pairing and r; C = f4(PKx, PKx, r, 0). */
  local?: { keyPair: P256KeyPair; r: Buffer };
  /** The peer's, received out of band. */
  peer?: { r: Buffer; c: Buffer };
}

export interface OobConfig {
  /** LE legacy: the 128-bit TK both sides hold (MSB-first). Vol 3 Part H 2.3.5.4. */
  legacyTk?: Buffer;
  secureConnections?: ScOobData;
}

export interface PairingConfig {
  ioCapability: IoCapabilityName;
  /** Set the Bonding flag and keep the keys. */
  bonding: boolean;
  /** no: MITM flag clear; requested: flag set, Just Works still accepted; required: fail 0x03 unless the key is authenticated. */
  mitm: 'no' | 'requested' | 'required';
  /** no: legacy only; allowed: SC when the peer has it; only: fail 0x03 against a legacy-only peer (SC Only mode, Vol 3 Part C 10.2.4). */
  secureConnections: 'no' | 'allowed' | 'only';
  /** Set the Keypress flag (Passkey Entry keypress notifications). */
  keypress: boolean;
  /** Octets, 7..16: what we offer; the smaller of both sides is used. Vol 3 Part H 2.3.4. */
  maxKeySize: number;
  /** Octets, 7..16: below this, pairing fails with 0x06 Encryption Key Size. */
  minKeySize: number;
  /** Keys the initiator and the responder distribute (as initiator: asked for; as responder: the most we agree to). */
  keyDistribution: { initiator: KeySet; responder: KeySet };
  /**
   * The passkey. Shown (this side displays): the fixed number, or a random one. Typed (this side inputs):
   * the fixed number as if a user typed it, or the delegate is asked ('random' and 'ask').
   */
  passkey: { fixed: number } | 'random' | 'ask';
  /** Numeric Comparison: answer yes, answer no, or ask the delegate. */
  numericComparison: 'accept' | 'reject' | 'ask';
  oob?: OobConfig;
  /** Use the spec's debug P-256 key pair so that a sniffer can decrypt the capture. Vol 3 Part H 2.3.5.6.1. */
  useDebugKeys: boolean;
  /**
   * Accept a peer that sends the debug public key while this side did not ask for debug keys. The spec
   * lets either side alone set debug mode (Vol 3 Part H 2.3.5.6.1), so a debug key is legal; it is not
   * secure (anyone can compute the DHKey). false: fail with 0x03 Authentication Requirements, as
   * Zephyr's SMP does when it refuses a debug key (the spec names no reason for this).
   */
  acceptDebugKeys: boolean;
  /** false: every Pairing Request is answered 0x05 Pairing Not Supported. */
  pairable: boolean;
  /**
   * Responder: a Pairing Request gets no answer at all, neither a Pairing Response nor a Pairing Failed
   * (a macOS peripheral persona's `silent` variant); the initiator's SMP timeout ends it (Vol 3 Part H 3.4).
   */
  silentToPairingRequests?: boolean;
  /** Responder: a Pairing Request from a central this side holds a bond with (repairing-policy.ts). */
  onRepairing: RepairingPolicy;
}

export const DEFAULT_PAIRING_CONFIG: Readonly<PairingConfig> = Object.freeze({
  ioCapability: 'NoInputNoOutput',
  bonding: true,
  mitm: 'no',
  secureConnections: 'allowed',
  keypress: false,
  maxKeySize: ENCRYPTION_KEY_SIZE.MAX,
  minKeySize: ENCRYPTION_KEY_SIZE.MIN,
  keyDistribution: { initiator: { encKey: true, idKey: true, signKey: false }, responder: { encKey: true, idKey: true, signKey: false } },
  passkey: 'random',
  numericComparison: 'accept',
  useDebugKeys: false,
  acceptDebugKeys: true,
  pairable: true,
  onRepairing: 'accept',
});

/** A complete, checked config from defaults and overrides. Throws BadInputError (code SMP_CONFIG) naming the field. */
export function pairingConfig(overrides: Partial<PairingConfig> = {}): PairingConfig {
  const c: PairingConfig = { ...DEFAULT_PAIRING_CONFIG, ...overrides };
  const bad = (path: string, why: string) => {
    throw new BadInputError('SMP_CONFIG', `pairing config: ${path} ${why}`, { path }, { hint: 'fix that field of the pairing configuration' });
  };
  if (!IO_CAPABILITY_NAMES.includes(c.ioCapability)) bad('ioCapability', `must be one of ${IO_CAPABILITY_NAMES.join(', ')}`);
  if (!['no', 'requested', 'required'].includes(c.mitm)) bad('mitm', "must be 'no', 'requested' or 'required'");
  if (!['no', 'allowed', 'only'].includes(c.secureConnections)) bad('secureConnections', "must be 'no', 'allowed' or 'only'");
  for (const k of ['maxKeySize', 'minKeySize'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < ENCRYPTION_KEY_SIZE.MIN || c[k] > ENCRYPTION_KEY_SIZE.MAX) bad(k, 'must be an integer from 7 to 16 (octets)');
  }
  if (c.minKeySize > c.maxKeySize) bad('minKeySize', `(${c.minKeySize}) is above maxKeySize (${c.maxKeySize})`);
  if (typeof c.passkey === 'object' && !(Number.isInteger(c.passkey.fixed) && c.passkey.fixed >= 0 && c.passkey.fixed <= 999_999)) {
    bad('passkey.fixed', 'must be an integer from 0 to 999999');
  } else if (typeof c.passkey !== 'object' && c.passkey !== 'random' && c.passkey !== 'ask') bad('passkey', "must be {fixed: N}, 'random' or 'ask'");
  if (!REPAIRING_POLICIES.includes(c.onRepairing)) bad('onRepairing', `must be one of ${REPAIRING_POLICIES.join(', ')}`);
  if (!['accept', 'reject', 'ask'].includes(c.numericComparison)) bad('numericComparison', "must be 'accept', 'reject' or 'ask'");
  if (c.oob?.legacyTk && c.oob.legacyTk.length !== 16) bad('oob.legacyTk', 'must be 16 octets');
  const peer = c.oob?.secureConnections?.peer;
  if (peer && (peer.r.length !== 16 || peer.c.length !== 16)) bad('oob.secureConnections.peer', 'r and c must be 16 octets each');
  const local = c.oob?.secureConnections?.local;
  if (local && local.r.length !== 16) bad('oob.secureConnections.local.r', 'must be 16 octets');
  return c;
}

/** Asked when the config says 'ask' (the consoles implement this). Every answer may take its time. */
export interface PairingDelegate {
  /** Type the passkey the other device shows (or both type the same one); null cancels (0x01 Passkey Entry Failed). */
  enterPasskey(info: PromptInfo): Promise<number | null>;
  /** Show this passkey so the user can type it on the other device. */
  displayPasskey(passkey: number, info: PromptInfo): void | Promise<void>;
  /** Do both devices show this number? false fails with 0x0C Numeric Comparison Failed. */
  compareNumbers(value: number, info: PromptInfo): Promise<boolean>;
}

export interface PromptInfo {
  role: 'initiator' | 'responder';
  peerAddress: string;
  secureConnections: boolean;
  /**
   * Aborted when the answer is no longer wanted: the pairing ended (the peer failed it, the 30-second
   * SMP timeout of Vol 3 Part H 3.4 expired) or the link went. Its reason says which, in words.
   */
  signal: AbortSignal;
}
