// SMP PDUs on CID 0x0006 → typed fields. Core v5.4 Vol 3 Part H 3.3 (format), 3.5 (pairing), 3.6 (key distribution).
// Keys and random values are shown as hex in the order the octets travel (least significant first).
import {
  SMP_CODE,
  authReqText,
  decodeAuthReq,
  decodeKeyDistribution,
  ioCapabilityName,
  keyDistributionText,
  keypressName,
  smpCodeName,
  smpReason,
  type AuthReqFlags,
  type KeyDistribution,
} from '../codes/smp.js';
import { ByteReader, DecodeProblem, problemOf } from './bytes.js';
import { decoded, malformed, type Decoded, type MalformedFields, type Summarizer } from './timeline.js';

interface SmpBase {
  code: number;
}

/** 0x01 Pairing Request, 0x02 Pairing Response. Vol 3 Part H 3.5.1, 3.5.2. */
export interface SmpPairingFields extends SmpBase {
  ioCapability: number;
  ioCapabilityName: string;
  oobDataFlag: number;
  oob: boolean;
  authReq: number;
  authReqFlags: AuthReqFlags;
  maxEncryptionKeySize: number;
  initiatorKeyDistribution: number;
  initiatorKeys: KeyDistribution;
  responderKeyDistribution: number;
  responderKeys: KeyDistribution;
}
/** 0x03 Pairing Confirm. Vol 3 Part H 3.5.3. */
export interface SmpConfirmFields extends SmpBase {
  confirmValue: string;
}
/** 0x04 Pairing Random. Vol 3 Part H 3.5.4. */
export interface SmpRandomFields extends SmpBase {
  randomValue: string;
}
/** 0x05 Pairing Failed. Vol 3 Part H 3.5.5. */
export interface SmpPairingFailedFields extends SmpBase {
  reason: number;
  reasonName: string;
  reasonMeaning: string;
}
/** 0x06 Encryption Information. Vol 3 Part H 3.6.2. */
export interface SmpEncryptionInformationFields extends SmpBase {
  longTermKey: string;
}
/** 0x07 Central Identification. Vol 3 Part H 3.6.3. */
export interface SmpCentralIdentificationFields extends SmpBase {
  ediv: number;
  rand: string;
}
/** 0x08 Identity Information. Vol 3 Part H 3.6.4. */
export interface SmpIdentityInformationFields extends SmpBase {
  identityResolvingKey: string;
}
/** 0x09 Identity Address Information. Vol 3 Part H 3.6.5. */
export interface SmpIdentityAddressFields extends SmpBase {
  addressType: number;
  addressTypeName: string;
  address: string;
}
/** 0x0A Signing Information. Vol 3 Part H 3.6.6. */
export interface SmpSigningInformationFields extends SmpBase {
  signatureKey: string;
}
/** 0x0B Security Request. Vol 3 Part H 3.6.7. */
export interface SmpSecurityRequestFields extends SmpBase {
  authReq: number;
  authReqFlags: AuthReqFlags;
}
/** 0x0C Pairing Public Key. Vol 3 Part H 3.5.6. */
export interface SmpPublicKeyFields extends SmpBase {
  publicKeyX: string;
  publicKeyY: string;
}
/** 0x0D Pairing DHKey Check. Vol 3 Part H 3.5.7. */
export interface SmpDhKeyCheckFields extends SmpBase {
  dhKeyCheck: string;
}
/** 0x0E Pairing Keypress Notification. Vol 3 Part H 3.5.8. */
export interface SmpKeypressFields extends SmpBase {
  notificationType: number;
  notificationTypeName: string;
}

export type SmpFields =
  | SmpPairingFields
  | SmpConfirmFields
  | SmpRandomFields
  | SmpPairingFailedFields
  | SmpEncryptionInformationFields
  | SmpCentralIdentificationFields
  | SmpIdentityInformationFields
  | SmpIdentityAddressFields
  | SmpSigningInformationFields
  | SmpSecurityRequestFields
  | SmpPublicKeyFields
  | SmpDhKeyCheckFields
  | SmpKeypressFields;

type Parse<F> = (r: ByteReader, code: number) => F;
const FORMATS: Record<number, { parse: Parse<SmpFields>; summarize: Summarizer<SmpFields> }> = {};
function define<F extends SmpFields>(code: number, parse: Parse<F>, summarize: Summarizer<F>): void {
  FORMATS[code] = { parse, summarize: summarize as Summarizer<SmpFields> };
}

const pairing: Parse<SmpPairingFields> = (r, code) => {
  const ioCapability = r.u8('IO Capability');
  const oobDataFlag = r.u8('OOB data flag');
  const authReq = r.u8('AuthReq');
  const maxEncryptionKeySize = r.u8('Maximum Encryption Key Size');
  const initiatorKeyDistribution = r.u8('Initiator Key Distribution');
  const responderKeyDistribution = r.u8('Responder Key Distribution');
  return {
    code,
    ioCapability,
    ioCapabilityName: ioCapabilityName(ioCapability),
    oobDataFlag,
    oob: oobDataFlag === 0x01,
    authReq,
    authReqFlags: decodeAuthReq(authReq),
    maxEncryptionKeySize,
    initiatorKeyDistribution,
    initiatorKeys: decodeKeyDistribution(initiatorKeyDistribution),
    responderKeyDistribution,
    responderKeys: decodeKeyDistribution(responderKeyDistribution),
  };
};
const sumPairing: Summarizer<SmpPairingFields> = (f) =>
  `${f.ioCapabilityName}, OOB ${f.oob ? 'present' : 'not present'}, ${authReqText(f.authReqFlags)}, max key size ${f.maxEncryptionKeySize}, ` +
  `initiator keys ${keyDistributionText(f.initiatorKeys)}, responder keys ${keyDistributionText(f.responderKeys)}`;

define(SMP_CODE.PAIRING_REQUEST, pairing, sumPairing);
define(SMP_CODE.PAIRING_RESPONSE, pairing, sumPairing);
define<SmpConfirmFields>(SMP_CODE.PAIRING_CONFIRM, (r, code) => ({ code, confirmValue: r.hex(16, 'Confirm Value') }), (f) => f.confirmValue);
define<SmpRandomFields>(SMP_CODE.PAIRING_RANDOM, (r, code) => ({ code, randomValue: r.hex(16, 'Random Value') }), (f) => f.randomValue);
define<SmpPairingFailedFields>(
  SMP_CODE.PAIRING_FAILED,
  (r, code) => {
    const reason = r.u8('Reason');
    const info = smpReason(reason);
    return { code, reason, reasonName: info.name, reasonMeaning: info.meaning };
  },
  (f) => `0x${f.reason.toString(16).toUpperCase().padStart(2, '0')} ${f.reasonName}`,
);
define<SmpEncryptionInformationFields>(SMP_CODE.ENCRYPTION_INFORMATION, (r, code) => ({ code, longTermKey: r.hex(16, 'Long Term Key') }), (f) => `LTK ${f.longTermKey}`);
define<SmpCentralIdentificationFields>(
  SMP_CODE.CENTRAL_IDENTIFICATION,
  (r, code) => ({ code, ediv: r.u16('EDIV'), rand: r.hex(8, 'Rand') }),
  (f) => `EDIV 0x${f.ediv.toString(16).toUpperCase().padStart(4, '0')}, Rand ${f.rand}`,
);
define<SmpIdentityInformationFields>(SMP_CODE.IDENTITY_INFORMATION, (r, code) => ({ code, identityResolvingKey: r.hex(16, 'Identity Resolving Key') }), (f) => `IRK ${f.identityResolvingKey}`);
define<SmpIdentityAddressFields>(
  SMP_CODE.IDENTITY_ADDRESS_INFORMATION,
  (r, code) => {
    const addressType = r.u8('AddrType');
    return { code, addressType, addressTypeName: addressType === 0 ? 'public' : addressType === 1 ? 'static random' : 'reserved', address: r.address('BD_ADDR') };
  },
  (f) => `${f.address} (${f.addressTypeName})`,
);
define<SmpSigningInformationFields>(SMP_CODE.SIGNING_INFORMATION, (r, code) => ({ code, signatureKey: r.hex(16, 'Signature Key') }), (f) => `CSRK ${f.signatureKey}`);
define<SmpSecurityRequestFields>(
  SMP_CODE.SECURITY_REQUEST,
  (r, code) => {
    const authReq = r.u8('AuthReq');
    return { code, authReq, authReqFlags: decodeAuthReq(authReq) };
  },
  (f) => authReqText(f.authReqFlags),
);
define<SmpPublicKeyFields>(
  SMP_CODE.PAIRING_PUBLIC_KEY,
  (r, code) => ({ code, publicKeyX: r.hex(32, 'Public Key X'), publicKeyY: r.hex(32, 'Public Key Y') }),
  (f) => `X ${f.publicKeyX.slice(0, 16)}…, Y ${f.publicKeyY.slice(0, 16)}…`,
);
define<SmpDhKeyCheckFields>(SMP_CODE.PAIRING_DHKEY_CHECK, (r, code) => ({ code, dhKeyCheck: r.hex(16, 'DHKey Check') }), (f) => f.dhKeyCheck);
define<SmpKeypressFields>(
  SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION,
  (r, code) => {
    const notificationType = r.u8('Notification Type');
    return { code, notificationType, notificationTypeName: keypressName(notificationType) };
  },
  (f) => f.notificationTypeName,
);

/** Decode one SMP PDU (the L2CAP payload on CID 0x0006). Never throws. */
export function decodeSmp(pdu: Buffer, handle?: number): Decoded<SmpFields> | Decoded<MalformedFields> {
  if (pdu.length === 0) return malformed('smp', 'SMP PDU', 'empty PDU: no command code', pdu, { handle, cid: 0x0006 });
  const code = pdu[0]!;
  const format = FORMATS[code];
  if (!format) {
    return malformed('smp', 'SMP PDU', `unknown SMP command code 0x${code.toString(16).toUpperCase().padStart(2, '0')}`, pdu, { code, cid: 0x0006, handle });
  }
  const name = 'SMP ' + smpCodeName(code);
  try {
    const r = new ByteReader(pdu, 1);
    const fields = format.parse(r, code);
    // Every SMP command has a fixed length. Vol 3 Part H 3.3.
    if (r.remaining) throw new DecodeProblem(`${r.remaining} unexpected trailing octet${r.remaining === 1 ? '' : 's'}`);
    return decoded('smp', name, fields, pdu, format.summarize, handle);
  } catch (e) {
    return malformed('smp', name, problemOf(e), pdu, { code, cid: 0x0006, handle });
  }
}
