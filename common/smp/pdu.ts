// SMP commands as typed values, encoded and parsed for the engine. Core v5.4 Vol 3 Part H 3.3 (every
// command has a fixed length), 3.5 (pairing), 3.6 (key distribution). Multi-octet fields travel least
// significant octet first; the values here are in the spec's order (byte-order.ts converts).
import { SMP_CODE, SMP_REASON, smpCodeName } from '../codes/smp.js';
import { addressBytes, addressText, fromWire, toWire } from './byte-order.js';
import type { AddressType } from './byte-order.js';

/** Pairing Request / Pairing Response parameters. Vol 3 Part H 3.5.1, 3.5.2. */
export interface PairingFeatures {
  ioCapability: number;
  oobDataFlag: number;
  authReq: number;
  maxKeySize: number;
  initiatorKeyDistribution: number;
  responderKeyDistribution: number;
}

export type SmpPdu =
  | ({ code: typeof SMP_CODE.PAIRING_REQUEST | typeof SMP_CODE.PAIRING_RESPONSE } & PairingFeatures)
  | { code: typeof SMP_CODE.PAIRING_CONFIRM; confirm: Buffer }
  | { code: typeof SMP_CODE.PAIRING_RANDOM; random: Buffer }
  | { code: typeof SMP_CODE.PAIRING_FAILED; reason: number }
  | { code: typeof SMP_CODE.ENCRYPTION_INFORMATION; ltk: Buffer }
  | { code: typeof SMP_CODE.CENTRAL_IDENTIFICATION; ediv: number; rand: Buffer }
  | { code: typeof SMP_CODE.IDENTITY_INFORMATION; irk: Buffer }
  | { code: typeof SMP_CODE.IDENTITY_ADDRESS_INFORMATION; addressType: AddressType; address: string }
  | { code: typeof SMP_CODE.SIGNING_INFORMATION; csrk: Buffer }
  | { code: typeof SMP_CODE.SECURITY_REQUEST; authReq: number }
  | { code: typeof SMP_CODE.PAIRING_PUBLIC_KEY; x: Buffer; y: Buffer }
  | { code: typeof SMP_CODE.PAIRING_DHKEY_CHECK; check: Buffer }
  | { code: typeof SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION; notification: number };

export type SmpPduOf<C extends SmpPdu['code']> = Extract<SmpPdu, { code: C }>;

/** Length of each command, code octet included. Vol 3 Part H 3.5-3.6. */
const LENGTH: Record<number, number> = {
  [SMP_CODE.PAIRING_REQUEST]: 7,
  [SMP_CODE.PAIRING_RESPONSE]: 7,
  [SMP_CODE.PAIRING_CONFIRM]: 17,
  [SMP_CODE.PAIRING_RANDOM]: 17,
  [SMP_CODE.PAIRING_FAILED]: 2,
  [SMP_CODE.ENCRYPTION_INFORMATION]: 17,
  [SMP_CODE.CENTRAL_IDENTIFICATION]: 11,
  [SMP_CODE.IDENTITY_INFORMATION]: 17,
  [SMP_CODE.IDENTITY_ADDRESS_INFORMATION]: 8,
  [SMP_CODE.SIGNING_INFORMATION]: 17,
  [SMP_CODE.SECURITY_REQUEST]: 2,
  [SMP_CODE.PAIRING_PUBLIC_KEY]: 65,
  [SMP_CODE.PAIRING_DHKEY_CHECK]: 17,
  [SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION]: 2,
};

export type ParsedSmp = { ok: true; pdu: SmpPdu } | { ok: false; reason: number; why: string };

/** One SMP PDU from the peer → a typed command, or the Pairing Failed reason it deserves. Never throws. */
export function parseSmp(buf: Buffer): ParsedSmp {
  if (buf.length === 0) return { ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: 'an empty SMP PDU' };
  const code = buf[0]!;
  const expected = LENGTH[code];
  // A reserved code: Command Not Supported. Vol 3 Part H 3.3.
  if (expected === undefined) return { ok: false, reason: SMP_REASON.COMMAND_NOT_SUPPORTED, why: `the reserved SMP code 0x${code.toString(16).padStart(2, '0')}` };
  if (buf.length !== expected) {
    return { ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: `${smpCodeName(code)} of ${buf.length} octets (it has ${expected})` };
  }
  const v128 = () => fromWire(buf.subarray(1, 17));
  switch (code) {
    case SMP_CODE.PAIRING_REQUEST:
    case SMP_CODE.PAIRING_RESPONSE:
      return {
        ok: true,
        pdu: {
          code,
          ioCapability: buf[1]!,
          oobDataFlag: buf[2]!,
          authReq: buf[3]!,
          maxKeySize: buf[4]!,
          initiatorKeyDistribution: buf[5]!,
          responderKeyDistribution: buf[6]!,
        },
      };
    case SMP_CODE.PAIRING_CONFIRM:
      return { ok: true, pdu: { code, confirm: v128() } };
    case SMP_CODE.PAIRING_RANDOM:
      return { ok: true, pdu: { code, random: v128() } };
    case SMP_CODE.PAIRING_FAILED:
      return { ok: true, pdu: { code, reason: buf[1]! } };
    case SMP_CODE.ENCRYPTION_INFORMATION:
      return { ok: true, pdu: { code, ltk: v128() } };
    case SMP_CODE.CENTRAL_IDENTIFICATION:
      return { ok: true, pdu: { code, ediv: buf.readUInt16LE(1), rand: fromWire(buf.subarray(3, 11)) } };
    case SMP_CODE.IDENTITY_INFORMATION:
      return { ok: true, pdu: { code, irk: v128() } };
    case SMP_CODE.IDENTITY_ADDRESS_INFORMATION: {
      const t = buf[1]!;
      if (t > 1) return { ok: false, reason: SMP_REASON.INVALID_PARAMETERS, why: `Identity Address Information with the reserved address type ${t}` };
      return { ok: true, pdu: { code, addressType: t === 1 ? 'random' : 'public', address: addressText(fromWire(buf.subarray(2, 8))) } };
    }
    case SMP_CODE.SIGNING_INFORMATION:
      return { ok: true, pdu: { code, csrk: v128() } };
    case SMP_CODE.SECURITY_REQUEST:
      return { ok: true, pdu: { code, authReq: buf[1]! } };
    case SMP_CODE.PAIRING_PUBLIC_KEY:
      return { ok: true, pdu: { code, x: fromWire(buf.subarray(1, 33)), y: fromWire(buf.subarray(33, 65)) } };
    case SMP_CODE.PAIRING_DHKEY_CHECK:
      return { ok: true, pdu: { code, check: v128() } };
    default:
      return { ok: true, pdu: { code: SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION, notification: buf[1]! } };
  }
}

/** A typed command → the octets of the SMP PDU. */
export function encodeSmp(pdu: SmpPdu): Buffer {
  const head = Buffer.from([pdu.code]);
  switch (pdu.code) {
    case SMP_CODE.PAIRING_REQUEST:
    case SMP_CODE.PAIRING_RESPONSE:
      return Buffer.from([pdu.code, pdu.ioCapability, pdu.oobDataFlag, pdu.authReq, pdu.maxKeySize, pdu.initiatorKeyDistribution, pdu.responderKeyDistribution]);
    case SMP_CODE.PAIRING_CONFIRM:
      return Buffer.concat([head, toWire(pdu.confirm)]);
    case SMP_CODE.PAIRING_RANDOM:
      return Buffer.concat([head, toWire(pdu.random)]);
    case SMP_CODE.PAIRING_FAILED:
      return Buffer.from([pdu.code, pdu.reason]);
    case SMP_CODE.ENCRYPTION_INFORMATION:
      return Buffer.concat([head, toWire(pdu.ltk)]);
    case SMP_CODE.CENTRAL_IDENTIFICATION: {
      const ediv = Buffer.alloc(2);
      ediv.writeUInt16LE(pdu.ediv);
      return Buffer.concat([head, ediv, toWire(pdu.rand)]);
    }
    case SMP_CODE.IDENTITY_INFORMATION:
      return Buffer.concat([head, toWire(pdu.irk)]);
    case SMP_CODE.IDENTITY_ADDRESS_INFORMATION:
      return Buffer.concat([head, Buffer.from([pdu.addressType === 'random' ? 1 : 0]), toWire(addressBytes(pdu.address))]);
    case SMP_CODE.SIGNING_INFORMATION:
      return Buffer.concat([head, toWire(pdu.csrk)]);
    case SMP_CODE.SECURITY_REQUEST:
      return Buffer.from([pdu.code, pdu.authReq]);
    case SMP_CODE.PAIRING_PUBLIC_KEY:
      return Buffer.concat([head, toWire(pdu.x), toWire(pdu.y)]);
    case SMP_CODE.PAIRING_DHKEY_CHECK:
      return Buffer.concat([head, toWire(pdu.check)]);
    case SMP_CODE.PAIRING_KEYPRESS_NOTIFICATION:
      return Buffer.from([pdu.code, pdu.notification]);
  }
}
