// The rogue peripheral's honest side: a tiny GATT server (GAP Device Name, one service with a
// readable/writable/notifying characteristic and its CCCD, and one that answers 0x05 so the central
// pairs) answering the central's requests correctly, so that the central walks through discovery,
// reads, subscriptions and pairing while the fuzz cases land among them. Vol 3 Part F 3.4, Part G 3-4.
import { ATT_DEFAULT_LE_MTU, ATT_ERROR, ATT_OP } from '../codes/att.js';
import { AUTH_REQ, ENCRYPTION_KEY_SIZE, IO_CAPABILITY, OOB_DATA_FLAG, SMP_CODE, SMP_REASON } from '../codes/smp.js';
import { toWire } from '../smp/byte-order.js';
import { debugKeyPair } from '../smp/p256.js';

/** The name the rogue advertises and the central driver looks for. */
export const ROGUE_NAME = 'blebench-rogue';

const PRIMARY_SERVICE = 0x2800;
const CHARACTERISTIC = 0x2803;
const CCCD = 0x2902;
const DEVICE_NAME = 0x2a00;
const GAP_SERVICE = 0x1800;
/** 16-bit UUIDs of the rogue's own service and characteristics (vendor range, for a test device). */
const ROGUE_SERVICE = 0xfff0;
const ROGUE_VALUE = 0xfff1;
const ROGUE_SECURE = 0xfff2;
/** Characteristic properties: read 0x02, write 0x08, notify 0x10, indicate 0x20. Vol 3 Part G 3.3.1.1. */
const PROP = { READ: 0x02, WRITE: 0x08, NOTIFY: 0x10, INDICATE: 0x20 } as const;

interface Attribute {
  handle: number;
  type: number;
  value: Buffer;
  /** Reading answers this ATT error instead (0x05 makes the central pair). */
  readError?: number;
}

const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);
const declaration = (props: number, valueHandle: number, uuid: number) => Buffer.concat([Buffer.from([props]), u16(valueHandle), u16(uuid)]);

export const ROGUE_DATABASE: readonly Attribute[] = [
  { handle: 0x0001, type: PRIMARY_SERVICE, value: u16(GAP_SERVICE) },
  { handle: 0x0002, type: CHARACTERISTIC, value: declaration(PROP.READ, 0x0003, DEVICE_NAME) },
  { handle: 0x0003, type: DEVICE_NAME, value: Buffer.from(ROGUE_NAME) },
  { handle: 0x0004, type: PRIMARY_SERVICE, value: u16(ROGUE_SERVICE) },
  { handle: 0x0005, type: CHARACTERISTIC, value: declaration(PROP.READ | PROP.WRITE | PROP.NOTIFY | PROP.INDICATE, 0x0006, ROGUE_VALUE) },
  { handle: 0x0006, type: ROGUE_VALUE, value: Buffer.from('rogue') },
  { handle: 0x0007, type: CCCD, value: u16(0) },
  { handle: 0x0008, type: CHARACTERISTIC, value: declaration(PROP.READ, 0x0009, ROGUE_SECURE) },
  { handle: 0x0009, type: ROGUE_SECURE, value: Buffer.from('secret'), readError: ATT_ERROR.INSUFFICIENT_AUTHENTICATION },
];
const LAST_HANDLE = 0xffff;

function errorRsp(request: number, handle: number, code: number): Buffer {
  return Buffer.concat([Buffer.from([ATT_OP.ERROR_RSP, request]), u16(handle), Buffer.from([code])]);
}

function serviceEnd(db: readonly Attribute[], handle: number): number {
  const next = db.find((a) => a.handle > handle && a.type === PRIMARY_SERVICE);
  return next ? next.handle - 1 : LAST_HANDLE;
}

/** The answer to one PDU from the central (undefined: none is due). Never throws on garbage. */
export function answerAtt(pdu: Buffer, db: readonly Attribute[] = ROGUE_DATABASE): Buffer | undefined {
  const op = pdu[0];
  if (op === undefined) return undefined;
  const mtu = ATT_DEFAULT_LE_MTU;
  const range = () => (pdu.length >= 5 ? ([pdu.readUInt16LE(1), pdu.readUInt16LE(3)] as const) : undefined);
  const type16 = () => (pdu.length === 7 ? pdu.readUInt16LE(5) : undefined);
  switch (op) {
    case ATT_OP.EXCHANGE_MTU_REQ:
      return Buffer.concat([Buffer.from([ATT_OP.EXCHANGE_MTU_RSP]), u16(mtu)]);
    case ATT_OP.READ_BY_GROUP_TYPE_REQ:
    case ATT_OP.READ_BY_TYPE_REQ: {
      const r = range();
      const t = type16();
      if (!r || t === undefined) return errorRsp(op, 0, ATT_ERROR.INVALID_PDU);
      const found = db.filter((a) => a.handle >= r[0] && a.handle <= r[1] && a.type === t && !a.readError);
      if (!found.length) return errorRsp(op, r[0], ATT_ERROR.ATTRIBUTE_NOT_FOUND);
      const group = op === ATT_OP.READ_BY_GROUP_TYPE_REQ;
      const entry = (a: Attribute) => Buffer.concat([u16(a.handle), ...(group ? [u16(serviceEnd(db, a.handle))] : []), a.value]);
      const first = entry(found[0]!);
      const entries = found.map(entry).filter((e) => e.length === first.length);
      const fit = entries.slice(0, Math.max(1, Math.floor((mtu - 2) / first.length)));
      return Buffer.concat([Buffer.from([group ? ATT_OP.READ_BY_GROUP_TYPE_RSP : ATT_OP.READ_BY_TYPE_RSP, first.length]), ...fit]);
    }
    case ATT_OP.FIND_INFORMATION_REQ: {
      const r = range();
      if (!r) return errorRsp(op, 0, ATT_ERROR.INVALID_PDU);
      const found = db.filter((a) => a.handle >= r[0] && a.handle <= r[1]).slice(0, Math.floor((mtu - 2) / 4));
      if (!found.length) return errorRsp(op, r[0], ATT_ERROR.ATTRIBUTE_NOT_FOUND);
      return Buffer.concat([Buffer.from([ATT_OP.FIND_INFORMATION_RSP, 0x01]), ...found.map((a) => Buffer.concat([u16(a.handle), u16(a.type)]))]);
    }
    case ATT_OP.READ_REQ:
    case ATT_OP.READ_BLOB_REQ: {
      if (pdu.length < 3) return errorRsp(op, 0, ATT_ERROR.INVALID_PDU);
      const h = pdu.readUInt16LE(1);
      const a = db.find((x) => x.handle === h);
      if (!a) return errorRsp(op, h, ATT_ERROR.INVALID_HANDLE);
      if (a.readError) return errorRsp(op, h, a.readError);
      const offset = op === ATT_OP.READ_BLOB_REQ && pdu.length >= 5 ? pdu.readUInt16LE(3) : 0;
      return Buffer.concat([Buffer.from([op === ATT_OP.READ_REQ ? ATT_OP.READ_RSP : ATT_OP.READ_BLOB_RSP]), a.value.subarray(offset, offset + mtu - 1)]);
    }
    case ATT_OP.WRITE_REQ:
      return pdu.length >= 3 ? Buffer.from([ATT_OP.WRITE_RSP]) : errorRsp(op, 0, ATT_ERROR.INVALID_PDU);
    case ATT_OP.HANDLE_VALUE_CFM:
    case ATT_OP.WRITE_CMD:
    case ATT_OP.SIGNED_WRITE_CMD:
      return undefined;
    default:
      // Responses and notifications from a central are no requests; an unknown request gets 0x06.
      return op & 0x01 || op === ATT_OP.HANDLE_VALUE_NTF ? undefined : errorRsp(op, 0, ATT_ERROR.REQUEST_NOT_SUPPORTED);
  }
}

/** A fixed stand-in for every 128-bit value the rogue sends (its confirms and randoms are wrong on purpose). */
const ROGUE_VALUE_128 = Buffer.alloc(16, 0x5a);
const PAIRING_FEATURES_LENGTH = 7;
/** Key distribution bits the rogue accepts: EncKey, IdKey, SignKey. Vol 3 Part H 3.6.1. */
const KEY_DIST_LE = 0x07;

/**
 * The rogue's side of pairing, enough to lead the central through the phases without ever
 * agreeing: it answers a Pairing Request (NoInputNoOutput, so Just Works, SC when asked), a public
 * key with the spec's debug key and a Pairing Confirm, a Pairing Confirm with its own, and a
 * Pairing Random with a value that cannot match, so the central must end it with Pairing Failed
 * (0x04 Confirm Value Failed). Vol 3 Part H 2.3.5.5-2.3.5.6, 3.5.
 */
export function answerSmp(pdu: Buffer): Buffer[] {
  const v128 = (code: number) => Buffer.concat([Buffer.from([code]), ROGUE_VALUE_128]);
  switch (pdu[0]) {
    case SMP_CODE.PAIRING_REQUEST: {
      if (pdu.length !== PAIRING_FEATURES_LENGTH) return [Buffer.from([SMP_CODE.PAIRING_FAILED, SMP_REASON.INVALID_PARAMETERS])];
      const authReq = AUTH_REQ.BONDING | (pdu[3]! & AUTH_REQ.SC);
      return [Buffer.from([SMP_CODE.PAIRING_RESPONSE, IO_CAPABILITY.NO_INPUT_NO_OUTPUT, OOB_DATA_FLAG.NOT_PRESENT, authReq, ENCRYPTION_KEY_SIZE.MAX, pdu[5]! & KEY_DIST_LE, pdu[6]! & KEY_DIST_LE])];
    }
    case SMP_CODE.PAIRING_PUBLIC_KEY: {
      const debug = debugKeyPair();
      return [Buffer.concat([Buffer.from([SMP_CODE.PAIRING_PUBLIC_KEY]), toWire(debug.x), toWire(debug.y)]), v128(SMP_CODE.PAIRING_CONFIRM)];
    }
    case SMP_CODE.PAIRING_CONFIRM:
      return [v128(SMP_CODE.PAIRING_CONFIRM)];
    case SMP_CODE.PAIRING_RANDOM:
      return [v128(SMP_CODE.PAIRING_RANDOM)];
    default:
      return [];
  }
}
