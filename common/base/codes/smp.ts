// SMP numbers: command codes, Pairing Failed reasons, IO capabilities, AuthReq and key distribution bits.
// Core v5.4 Vol 3 Part H 3.3 (command format), 3.5 (pairing methods), 3.6 (key distribution).
import { codeTable, describeCode, type CodeInfo } from './code-table.js';

/** The Security Manager Timer: a pairing with no SMP PDU for 30 s has failed. Vol 3 Part H 3.4. */
export const SMP_TIMEOUT_MS = 30_000;

/** SMP command codes. Vol 3 Part H 3.3 (table 3.2). */
export const SMP_CODE = {
  PAIRING_REQUEST: 0x01,
  PAIRING_RESPONSE: 0x02,
  PAIRING_CONFIRM: 0x03,
  PAIRING_RANDOM: 0x04,
  PAIRING_FAILED: 0x05,
  ENCRYPTION_INFORMATION: 0x06,
  CENTRAL_IDENTIFICATION: 0x07,
  IDENTITY_INFORMATION: 0x08,
  IDENTITY_ADDRESS_INFORMATION: 0x09,
  SIGNING_INFORMATION: 0x0a,
  SECURITY_REQUEST: 0x0b,
  PAIRING_PUBLIC_KEY: 0x0c,
  PAIRING_DHKEY_CHECK: 0x0d,
  PAIRING_KEYPRESS_NOTIFICATION: 0x0e,
} as const;

export const SMP_CODE_TABLE = codeTable([
  [0x01, 'Pairing Request', 'the initiator starts pairing with its IO capability, OOB flag, AuthReq, key size and keys wanted'],
  [0x02, 'Pairing Response', 'the responder answers with its own pairing features'],
  [0x03, 'Pairing Confirm', 'a commitment to the random value about to be sent'],
  [0x04, 'Pairing Random', 'the random value that proves the confirm'],
  [0x05, 'Pairing Failed', 'pairing stops, with a reason'],
  [0x06, 'Encryption Information', 'the LTK being distributed (legacy pairing)'],
  [0x07, 'Central Identification', 'EDIV and Rand that identify the distributed LTK'],
  [0x08, 'Identity Information', 'the Identity Resolving Key (IRK)'],
  [0x09, 'Identity Address Information', 'the sender\'s public or static random identity address'],
  [0x0a, 'Signing Information', 'the Connection Signature Resolving Key (CSRK)'],
  [0x0b, 'Security Request', 'the peripheral asks the central to pair or encrypt'],
  [0x0c, 'Pairing Public Key', 'the P-256 public key (LE Secure Connections)'],
  [0x0d, 'Pairing DHKey Check', 'the DHKey check value (LE Secure Connections)'],
  [0x0e, 'Pairing Keypress Notification', 'a passkey keypress happened on the sender'],
]);

export function smpCodeName(code: number): string {
  return describeCode(SMP_CODE_TABLE, code, 'Unknown SMP command').name;
}

/** Pairing Failed reason codes. Vol 3 Part H 3.5.5 (table 3.7). */
export const SMP_REASON = {
  PASSKEY_ENTRY_FAILED: 0x01,
  OOB_NOT_AVAILABLE: 0x02,
  AUTHENTICATION_REQUIREMENTS: 0x03,
  CONFIRM_VALUE_FAILED: 0x04,
  PAIRING_NOT_SUPPORTED: 0x05,
  ENCRYPTION_KEY_SIZE: 0x06,
  COMMAND_NOT_SUPPORTED: 0x07,
  UNSPECIFIED_REASON: 0x08,
  REPEATED_ATTEMPTS: 0x09,
  INVALID_PARAMETERS: 0x0a,
  DHKEY_CHECK_FAILED: 0x0b,
  NUMERIC_COMPARISON_FAILED: 0x0c,
  BR_EDR_PAIRING_IN_PROGRESS: 0x0d,
  CROSS_TRANSPORT_KEY_NOT_ALLOWED: 0x0e,
  KEY_REJECTED: 0x0f,
} as const;

export const SMP_REASON_TABLE = codeTable([
  [0x01, 'Passkey Entry Failed', 'the user cancelled passkey entry or entered nothing'],
  [0x02, 'OOB Not Available', 'the out-of-band data is not available'],
  [0x03, 'Authentication Requirements', 'the pairing method cannot meet the security asked for (e.g. MITM with no display or keyboard)'],
  [0x04, 'Confirm Value Failed', 'the confirm value did not match the random value: wrong passkey or a broken peer'],
  [0x05, 'Pairing Not Supported', 'the device does not support pairing'],
  [0x06, 'Encryption Key Size', 'the resulting key would be shorter than the device accepts'],
  [0x07, 'Command Not Supported', 'the device does not support the SMP command it received'],
  [0x08, 'Unspecified Reason', 'pairing failed for a reason no other code covers'],
  [0x09, 'Repeated Attempts', 'too little time has passed since the last pairing attempt'],
  [0x0a, 'Invalid Parameters', 'a command had an invalid length or parameter value'],
  [0x0b, 'DHKey Check Failed', 'the DHKey check value did not match (Secure Connections)'],
  [0x0c, 'Numeric Comparison Failed', 'the user said the two numbers did not match'],
  [0x0d, 'BR/EDR Pairing In Progress', 'pairing over BR/EDR is already under way'],
  [0x0e, 'Cross-transport Key Derivation/Generation Not Allowed', 'the BR/EDR link key cannot be derived from the LE key, or the reverse'],
  [0x0f, 'Key Rejected', 'the device rejected a distributed key'],
]);

/** Name and meaning of a Pairing Failed reason. */
export function smpReason(code: number): CodeInfo {
  return describeCode(SMP_REASON_TABLE, code, 'Reserved SMP reason');
}

/** IO Capability values. Vol 3 Part H 3.5.1 (table 3.4). */
export const IO_CAPABILITY = {
  DISPLAY_ONLY: 0x00,
  DISPLAY_YES_NO: 0x01,
  KEYBOARD_ONLY: 0x02,
  NO_INPUT_NO_OUTPUT: 0x03,
  KEYBOARD_DISPLAY: 0x04,
} as const;

export const IO_CAPABILITY_TABLE = codeTable([
  [0x00, 'DisplayOnly', 'can show a number, cannot take input'],
  [0x01, 'DisplayYesNo', 'can show a number and take a yes/no answer'],
  [0x02, 'KeyboardOnly', 'can take a passkey, cannot show one'],
  [0x03, 'NoInputNoOutput', 'neither shows nor takes anything: Just Works only'],
  [0x04, 'KeyboardDisplay', 'can show a number and take a passkey'],
]);

export function ioCapabilityName(code: number): string {
  return describeCode(IO_CAPABILITY_TABLE, code, 'Reserved IO capability').name;
}

/** OOB data flag. Vol 3 Part H 3.5.1 (table 3.5). */
export const OOB_DATA_FLAG = { NOT_PRESENT: 0x00, PRESENT: 0x01 } as const;

/** AuthReq field bits. Vol 3 Part H 3.5.1 (figure 3.3, table 3.6). */
export const AUTH_REQ = {
  /** Bits 0-1: Bonding_Flags; 0b00 No Bonding, 0b01 Bonding. */
  BONDING_FLAGS_MASK: 0x03,
  NO_BONDING: 0x00,
  BONDING: 0x01,
  MITM: 0x04,
  SC: 0x08,
  KEYPRESS: 0x10,
  CT2: 0x20,
} as const;

export interface AuthReqFlags {
  /** Bonding_Flags field value (0b00 No Bonding, 0b01 Bonding, others reserved). */
  bondingFlags: number;
  bonding: boolean;
  mitm: boolean;
  secureConnections: boolean;
  keypress: boolean;
  ct2: boolean;
}

export function decodeAuthReq(v: number): AuthReqFlags {
  const bondingFlags = v & AUTH_REQ.BONDING_FLAGS_MASK;
  return {
    bondingFlags,
    bonding: bondingFlags === AUTH_REQ.BONDING,
    mitm: (v & AUTH_REQ.MITM) !== 0,
    secureConnections: (v & AUTH_REQ.SC) !== 0,
    keypress: (v & AUTH_REQ.KEYPRESS) !== 0,
    ct2: (v & AUTH_REQ.CT2) !== 0,
  };
}

/** "Bonding MITM SC" style; "No Bonding" when nothing is set. */
export function authReqText(f: AuthReqFlags): string {
  const parts = [f.bonding ? 'Bonding' : f.bondingFlags === 0 ? 'No Bonding' : `Bonding Flags 0b${f.bondingFlags.toString(2).padStart(2, '0')}`];
  if (f.mitm) parts.push('MITM');
  if (f.secureConnections) parts.push('SC');
  if (f.keypress) parts.push('Keypress');
  if (f.ct2) parts.push('CT2');
  return parts.join(' ');
}

/** Initiator/Responder Key Distribution bits. Vol 3 Part H 3.6.1 (figure 3.11). */
export const KEY_DIST = {
  ENC_KEY: 0x01,
  ID_KEY: 0x02,
  SIGN_KEY: 0x04,
  LINK_KEY: 0x08,
} as const;

export interface KeyDistribution {
  encKey: boolean;
  idKey: boolean;
  signKey: boolean;
  linkKey: boolean;
}

export function decodeKeyDistribution(v: number): KeyDistribution {
  return {
    encKey: (v & KEY_DIST.ENC_KEY) !== 0,
    idKey: (v & KEY_DIST.ID_KEY) !== 0,
    signKey: (v & KEY_DIST.SIGN_KEY) !== 0,
    linkKey: (v & KEY_DIST.LINK_KEY) !== 0,
  };
}

/** "EncKey IdKey" style; "none" when empty. */
export function keyDistributionText(k: KeyDistribution): string {
  const parts: string[] = [];
  if (k.encKey) parts.push('EncKey');
  if (k.idKey) parts.push('IdKey');
  if (k.signKey) parts.push('SignKey');
  if (k.linkKey) parts.push('LinkKey');
  return parts.length ? parts.join(' ') : 'none';
}

/** Maximum Encryption Key Size bounds. Vol 3 Part H 3.5.1. */
export const ENCRYPTION_KEY_SIZE = { MIN: 7, MAX: 16 } as const;

/** Keypress Notification types. Vol 3 Part H 3.5.8 (table 3.8). */
export const KEYPRESS_TABLE = codeTable([
  [0x00, 'Passkey Entry Started', 'the user started typing the passkey'],
  [0x01, 'Passkey Digit Entered', 'the user typed a digit'],
  [0x02, 'Passkey Digit Erased', 'the user erased a digit'],
  [0x03, 'Passkey Cleared', 'the user cleared the passkey'],
  [0x04, 'Passkey Entry Completed', 'the user finished typing the passkey'],
]);

export function keypressName(code: number): string {
  return describeCode(KEYPRESS_TABLE, code, 'Reserved keypress type').name;
}

/** Association models. Vol 3 Part H 2.3.5.1. */
export type PairingMethod = 'Just Works' | 'Passkey Entry' | 'Numeric Comparison' | 'OOB';

/**
 * The association model both sides' Pairing Request/Response select.
 * Vol 3 Part H 2.3.5.1: OOB (legacy: both flags; SC: either), else Just Works when neither sets MITM,
 * else the IO capability mapping of table 2.8.
 */
export function pairingMethod(
  initiator: { ioCapability: number; oobDataFlag: number; authReq: number },
  responder: { ioCapability: number; oobDataFlag: number; authReq: number },
): PairingMethod {
  const sc = (initiator.authReq & AUTH_REQ.SC) !== 0 && (responder.authReq & AUTH_REQ.SC) !== 0;
  const iOob = initiator.oobDataFlag === OOB_DATA_FLAG.PRESENT;
  const rOob = responder.oobDataFlag === OOB_DATA_FLAG.PRESENT;
  if (sc ? iOob || rOob : iOob && rOob) return 'OOB';
  if (((initiator.authReq | responder.authReq) & AUTH_REQ.MITM) === 0) return 'Just Works';
  const i = initiator.ioCapability;
  const r = responder.ioCapability;
  if (i > 4 || r > 4) return 'Just Works';
  const { DISPLAY_ONLY: DO, DISPLAY_YES_NO: DYN, NO_INPUT_NO_OUTPUT: NINO, KEYBOARD_DISPLAY: KD } = IO_CAPABILITY;
  if (i === NINO || r === NINO) return 'Just Works';
  // Table 2.8: display + display → Just Works (DisplayYesNo pairs: Numeric Comparison under SC).
  const displayOnly = (c: number) => c === DO || c === DYN;
  if (displayOnly(i) && displayOnly(r)) return sc && i === DYN && r === DYN ? 'Numeric Comparison' : 'Just Works';
  // DisplayYesNo or KeyboardDisplay facing DisplayYesNo or KeyboardDisplay: Numeric Comparison under SC.
  const yesNo = (c: number) => c === DYN || c === KD;
  if (sc && yesNo(i) && yesNo(r)) return 'Numeric Comparison';
  return 'Passkey Entry';
}
