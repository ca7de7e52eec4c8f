// SMP PDUs on CID 0x0006 → the tap's fields and summary. The layout of each command (code, fields,
// lengths) is the one declared in common/stack/smp/pdu.ts, which the Security Manager uses too; this file
// only words it. Core v5.4 Vol 3 Part H 3.3 (format), 3.5 (pairing), 3.6 (key distribution).
// Keys and random values are shown as hex in the order the octets travel (least significant first).
import {
  SMP_CODE,
  authReqText,
  decodeAuthReq,
  decodeKeyDistribution,
  ioCapabilityName,
  keyDistributionText,
  keypressName,
  smpReason,
  type AuthReqFlags,
  type KeyDistribution,
} from '../../base/codes/smp.js';
import { smpCommand, type SmpPdu, type SmpPduOf } from '../smp/pdu.js';
import { toWire } from '../smp/byte-order.js';
import { ByteReader, DecodeProblem, problemOf } from './bytes.js';
import { decoded, malformed, type Decoded, type MalformedFields, type Summarizer } from './timeline.js';
import { hex } from '../../base/codes/code-table.js';

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

/** How the tap words one command: its fields from the typed command, and a one-line summary. */
interface Wording<C extends SmpPdu['code'], F extends SmpFields> {
  fields(pdu: SmpPduOf<C>): F;
  summarize: Summarizer<F>;
}
type Wordings = { [C in SmpPdu['code']]: Wording<C, SmpFields> };

/** Octets as they travel, in hex (the spec-order values of common/stack/smp back to the wire's order). */
const wireHex = (v: Buffer) => toWire(v).toString('hex');

const pairing = (p: SmpPduOf<typeof SMP_CODE.PAIRING_REQUEST | typeof SMP_CODE.PAIRING_RESPONSE>): SmpPairingFields => ({
  code: p.code,
  ioCapability: p.ioCapability,
  ioCapabilityName: ioCapabilityName(p.ioCapability),
  oobDataFlag: p.oobDataFlag,
  oob: p.oobDataFlag === 0x01,
  authReq: p.authReq,
  authReqFlags: decodeAuthReq(p.authReq),
  maxEncryptionKeySize: p.maxKeySize,
  initiatorKeyDistribution: p.initiatorKeyDistribution,
  initiatorKeys: decodeKeyDistribution(p.initiatorKeyDistribution),
  responderKeyDistribution: p.responderKeyDistribution,
  responderKeys: decodeKeyDistribution(p.responderKeyDistribution),
});
const sumPairing: Summarizer<SmpPairingFields> = (f) =>
  `${f.ioCapabilityName}, OOB ${f.oob ? 'present' : 'not present'}, ${authReqText(f.authReqFlags)}, max key size ${f.maxEncryptionKeySize}, ` +
  `initiator keys ${keyDistributionText(f.initiatorKeys)}, responder keys ${keyDistributionText(f.responderKeys)}`;

function wording<C extends SmpPdu['code'], F extends SmpFields>(fields: (pdu: SmpPduOf<C>) => F, summarize: Summarizer<F>): Wording<C, SmpFields> {
  return { fields, summarize: summarize as Summarizer<SmpFields> } as unknown as Wording<C, SmpFields>;
}

const WORDINGS: Wordings = {
  [SMP_CODE.PAIRING_REQUEST]: wording<typeof SMP_CODE.PAIRING_REQUEST, SmpPairingFields>(pairing, sumPairing),
  [SMP_CODE.PAIRING_RESPONSE]: wording<typeof SMP_CODE.PAIRING_RESPONSE, SmpPairingFields>(pairing, sumPairing),
  [SMP_CODE.PAIRING_CONFIRM]: wording<typeof SMP_CODE.PAIRING_CONFIRM, SmpConfirmFields>((p) => ({ code: p.code, confirmValue: wireHex(p.confirm) }), (f) => f.confirmValue),
  [SMP_CODE.PAIRING_RANDOM]: wording<typeof SMP_CODE.PAIRING_RANDOM, SmpRandomFields>((p) => ({ code: p.code, randomValue: wireHex(p.random) }), (f) => f.randomValue),
  [SMP_CODE.PAIRING_FAILED]: wording<typeof SMP_CODE.PAIRING_FAILED, SmpPairingFailedFields>(
    (p) => {
      const info = smpReason(p.reason);
      return { code: p.code, reason: p.reason, reasonName: info.name, reasonMeaning: info.meaning };
    },
    (f) => `${hex(f.reason)} ${f.reasonName}`,
  ),
  [SMP_CODE.ENCRYPTION_INFORMATION]: wording<typeof SMP_CODE.ENCRYPTION_INFORMATION, SmpEncryptionInformationFields>((p) => ({ code: p.code, longTermKey: wireHex(p.ltk) }), (f) => `LTK ${f.longTermKey}`),
  [SMP_CODE.CENTRAL_IDENTIFICATION]: wording<typeof SMP_CODE.CENTRAL_IDENTIFICATION, SmpCentralIdentificationFields>(
    (p) => ({ code: p.code, ediv: p.ediv, rand: wireHex(p.rand) }),
    (f) => `EDIV ${hex(f.ediv, 4)}, Rand ${f.rand}`,
  ),
  [SMP_CODE.IDENTITY_INFORMATION]: wording<typeof SMP_CODE.IDENTITY_INFORMATION, SmpIdentityInformationFields>((p) => ({ code: p.code, identityResolvingKey: wireHex(p.irk) }), (f) => `IRK ${f.identityResolvingKey}`),
  [SMP_CODE.IDENTITY_ADDRESS_INFORMATION]: wording<typeof SMP_CODE.IDENTITY_ADDRESS_INFORMATION, SmpIdentityAddressFields>(
    (p) => ({ code: p.code, addressType: p.addressType, addressTypeName: p.addressType === 0 ? 'public' : p.addressType === 1 ? 'static random' : 'reserved', address: p.address }),
    (f) => `${f.address} (${f.addressTypeName})`,
  ),
  [SMP_CODE.SIGNING_INFORMATION]: wording<typeof SMP_CODE.SIGNING_INFORMATION, SmpSigningInformationFields>((p) => ({ code: p.code, signatureKey: wireHex(p.csrk) }), (f) => `CSRK ${f.signatureKey}`),
  [SMP_CODE.SECURITY_REQUEST]: wording<typeof SMP_CODE.SECURITY_REQUEST, SmpSecurityRequestFields>(
    (p) => ({ code: p.code, authReq: p.authReq, authReqFlags: decodeAuthReq(p.authReq) }),
    (f) => authReqText(f.authReqFlags),
  ),
  [SMP_CODE.PAIRING_PUBLIC_KEY]: wording<typeof SMP_CODE.PAIRING_PUBLIC_KEY, SmpPublicKeyFields>(
    (p) => ({ code: p.code, publicKeyX: wireHex(p.x), publicKeyY: wireHex(p.y) }),
    (f) => `X ${f.publicKeyX.slice(0, 16)}…, Y ${f.publicKeyY.slice(0, 16)}…`,
  ),
  [SMP_CODE.PAIRING_DHKEY_CHECK]: wording<typeof SMP_CODE.PAIRING_DHKEY_CHECK, SmpDhKeyCheckFields>((p) => ({ code: p.code, dhKeyCheck: wireHex(p.check) }), (f) => f.dhKeyCheck),
  [SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION]: wording<typeof SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION, SmpKeypressFields>(
    (p) => ({ code: p.code, notificationType: p.notification, notificationTypeName: keypressName(p.notification) }),
    (f) => f.notificationTypeName,
  ),
};

/** Decode one SMP PDU (the L2CAP payload on CID 0x0006). Never throws. */
export function decodeSmp(pdu: Buffer, handle?: number): Decoded<SmpFields> | Decoded<MalformedFields> {
  if (pdu.length === 0) return malformed('smp', 'SMP PDU', 'empty PDU: no command code', pdu, { handle, cid: 0x0006 });
  const code = pdu[0]!;
  const command = smpCommand(code);
  if (!command) {
    return malformed('smp', 'SMP PDU', `unknown SMP command code ${hex(code)}`, pdu, { code, cid: 0x0006, handle });
  }
  const name = 'SMP ' + command.name;
  try {
    // Walk the declared fields so a short PDU names the first field it lacks.
    const r = new ByteReader(pdu, 1);
    for (const f of command.fields) r.bytes(f.size, f.label);
    // Every SMP command has a fixed length. Vol 3 Part H 3.3.
    if (r.remaining) throw new DecodeProblem(`${r.remaining} unexpected trailing octet${r.remaining === 1 ? '' : 's'}`);
    const typed = command.decode(pdu) as SmpPdu;
    const wording = WORDINGS[typed.code] as Wording<SmpPdu['code'], SmpFields>;
    return decoded('smp', name, wording.fields(typed as never), pdu, wording.summarize, handle);
  } catch (e) {
    return malformed('smp', name, problemOf(e), pdu, { code, cid: 0x0006, handle });
  }
}

