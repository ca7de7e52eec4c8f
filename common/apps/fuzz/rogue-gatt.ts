// The rogue peripheral's honest side: a tiny GATT server (GAP Device Name, one service with a
// readable/writable/notifying characteristic and its CCCD, and one that answers 0x05 so the central
// pairs) answering the central's requests correctly, so that the central walks through discovery,
// reads, subscriptions and pairing while the fuzz cases land among them. Vol 3 Part F 3.4, Part G 3-4.
import { ATT_DEFAULT_LE_MTU, ATT_ERROR, ATT_OP } from '../../base/codes/att.js';
import { ATT_LAST_HANDLE, attMethodOf, attUuid16, decodeAtt, encodeAtt } from '../../stack/att/index.js';
import { AUTH_REQ, ENCRYPTION_KEY_SIZE, IO_CAPABILITY, OOB_DATA_FLAG, SMP_CODE, SMP_REASON } from '../../base/codes/smp.js';
import { debugKeyPair } from '../../stack/smp/p256.js';
import { PAIRING_CONFIRM, PAIRING_FAILED, PAIRING_PUBLIC_KEY, PAIRING_RANDOM, PAIRING_REQUEST, PAIRING_RESPONSE } from '../../stack/smp/pdu.js';

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

const u16 = (v: number) => attUuid16(v);
/** Characteristic Properties, Value Handle, UUID. Vol 3 Part G 3.3.1. */
const declaration = (props: number, valueHandle: number, uuid: number) => Buffer.concat([Buffer.from([props]), u16(valueHandle), attUuid16(uuid)]);

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

function errorRsp(requestOpcode: number, handle: number, errorCode: number): Buffer {
  return encodeAtt({ opcode: ATT_OP.ERROR_RSP, requestOpcode, handle, errorCode });
}

function serviceEnd(db: readonly Attribute[], handle: number): number {
  const next = db.find((a) => a.handle > handle && a.type === PRIMARY_SERVICE);
  return next ? next.handle - 1 : ATT_LAST_HANDLE;
}

/** The 16-bit attribute type asked for, or undefined for a 128-bit one (the rogue's database has none). */
const type16 = (wire: Buffer): number | undefined => (wire.length === 2 ? wire.readUInt16LE(0) : undefined);

/** The answer to one PDU from the central (undefined: none is due). Never throws on garbage. */
export function answerAtt(octets: Buffer, db: readonly Attribute[] = ROGUE_DATABASE): Buffer | undefined {
  const op = octets[0];
  if (op === undefined) return undefined;
  const decoded = decodeAtt(octets);
  // Only requests are answered: a malformed one with 0x04 Invalid PDU, one the rogue does not serve with 0x06. Vol 3 Part F 3.4.1.1.
  if (attMethodOf(op) !== 'request') return undefined;
  if (!decoded.ok) return errorRsp(op, 0, decoded.problem === 'unknown-opcode' ? ATT_ERROR.REQUEST_NOT_SUPPORTED : ATT_ERROR.INVALID_PDU);
  const pdu = decoded.pdu;
  const mtu = ATT_DEFAULT_LE_MTU;
  switch (pdu.opcode) {
    case ATT_OP.EXCHANGE_MTU_REQ:
      return encodeAtt({ opcode: ATT_OP.EXCHANGE_MTU_RSP, serverRxMtu: mtu });
    case ATT_OP.READ_BY_GROUP_TYPE_REQ:
    case ATT_OP.READ_BY_TYPE_REQ: {
      const group = pdu.opcode === ATT_OP.READ_BY_GROUP_TYPE_REQ;
      const t = type16(group ? pdu.attributeGroupType : pdu.attributeType);
      const found = db.filter((a) => a.handle >= pdu.startingHandle && a.handle <= pdu.endingHandle && a.type === t && !a.readError);
      if (!found.length) return errorRsp(pdu.opcode, pdu.startingHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
      // Entries of the first one's length, as many as fit the MTU. Vol 3 Part F 3.4.4.2, 3.4.4.10.
      const same = found.filter((a) => a.value.length === found[0]!.value.length);
      const header = group ? 4 : 2;
      const fit = same.slice(0, Math.max(1, Math.floor((mtu - 2) / (header + found[0]!.value.length))));
      return group
        ? encodeAtt({ opcode: ATT_OP.READ_BY_GROUP_TYPE_RSP, attributeData: fit.map((a) => ({ handle: a.handle, endGroupHandle: serviceEnd(db, a.handle), value: a.value })) })
        : encodeAtt({ opcode: ATT_OP.READ_BY_TYPE_RSP, attributeData: fit.map((a) => ({ handle: a.handle, value: a.value })) });
    }
    case ATT_OP.FIND_INFORMATION_REQ: {
      const found = db.filter((a) => a.handle >= pdu.startingHandle && a.handle <= pdu.endingHandle).slice(0, Math.floor((mtu - 2) / 4));
      if (!found.length) return errorRsp(pdu.opcode, pdu.startingHandle, ATT_ERROR.ATTRIBUTE_NOT_FOUND);
      return encodeAtt({ opcode: ATT_OP.FIND_INFORMATION_RSP, information: found.map((a) => ({ handle: a.handle, uuid: attUuid16(a.type) })) });
    }
    case ATT_OP.READ_REQ:
    case ATT_OP.READ_BLOB_REQ: {
      const a = db.find((x) => x.handle === pdu.handle);
      if (!a) return errorRsp(pdu.opcode, pdu.handle, ATT_ERROR.INVALID_HANDLE);
      if (a.readError) return errorRsp(pdu.opcode, pdu.handle, a.readError);
      const offset = pdu.opcode === ATT_OP.READ_BLOB_REQ ? pdu.offset : 0;
      const value = a.value.subarray(offset, offset + mtu - 1);
      return encodeAtt(pdu.opcode === ATT_OP.READ_REQ ? { opcode: ATT_OP.READ_RSP, value } : { opcode: ATT_OP.READ_BLOB_RSP, value });
    }
    case ATT_OP.WRITE_REQ:
      return encodeAtt({ opcode: ATT_OP.WRITE_RSP });
    default:
      return errorRsp(pdu.opcode, 0, ATT_ERROR.REQUEST_NOT_SUPPORTED);
  }
}

/** A fixed stand-in for every 128-bit value the rogue sends (its confirms and randoms are wrong on purpose). */
const ROGUE_VALUE_128 = Buffer.alloc(16, 0x5a);
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
  switch (pdu[0]) {
    case SMP_CODE.PAIRING_REQUEST: {
      if (pdu.length !== PAIRING_REQUEST.length) return [PAIRING_FAILED.encode({ reason: SMP_REASON.INVALID_PARAMETERS })];
      const req = PAIRING_REQUEST.decode(pdu);
      return [
        PAIRING_RESPONSE.encode({
          ioCapability: IO_CAPABILITY.NO_INPUT_NO_OUTPUT,
          oobDataFlag: OOB_DATA_FLAG.NOT_PRESENT,
          authReq: AUTH_REQ.BONDING | (req.authReq & AUTH_REQ.SC),
          maxKeySize: ENCRYPTION_KEY_SIZE.MAX,
          initiatorKeyDistribution: req.initiatorKeyDistribution & KEY_DIST_LE,
          responderKeyDistribution: req.responderKeyDistribution & KEY_DIST_LE,
        }),
      ];
    }
    case SMP_CODE.PAIRING_PUBLIC_KEY: {
      const debug = debugKeyPair();
      return [PAIRING_PUBLIC_KEY.encode({ x: debug.x, y: debug.y }), PAIRING_CONFIRM.encode({ confirm: ROGUE_VALUE_128 })];
    }
    case SMP_CODE.PAIRING_CONFIRM:
      return [PAIRING_CONFIRM.encode({ confirm: ROGUE_VALUE_128 })];
    case SMP_CODE.PAIRING_RANDOM:
      return [PAIRING_RANDOM.encode({ random: ROGUE_VALUE_128 })];
    default:
      return [];
  }
}
