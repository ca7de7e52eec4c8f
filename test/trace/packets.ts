// Hand-built H4 packets, straight from the Core v5.4 layouts, for the trace tests.
// Vol 4 Part E 5.4 (HCI packets), 7 (parameters); Vol 3 Part A 3 (L2CAP), Part F 3.4 (ATT), Part H 3.5-3.6 (SMP).
import { EVT, LE_EVT, OP } from '../../common/base/codes/hci.js';
import type { Direction } from '../../common/stack/trace/timeline.js';

export type Step = [Direction, Buffer];

const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const cat = (...parts: (Buffer | number[])[]) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
/** 'AA:BB:CC:DD:EE:FF' → little-endian octets. */
export const addr = (text: string) => Buffer.from(text.replace(/:/g, ''), 'hex').reverse();

export function cmd(op: number, params: Buffer | number[] = []): Buffer {
  const p = Buffer.isBuffer(params) ? params : Buffer.from(params);
  return cat([0x01], u16(op), [p.length], p);
}
export function evt(code: number, params: Buffer | number[] = []): Buffer {
  const p = Buffer.isBuffer(params) ? params : Buffer.from(params);
  return cat([0x04, code, p.length], p);
}
export const le = (sub: number, params: Buffer | number[]) => evt(EVT.LE_META, cat([sub], Buffer.isBuffer(params) ? params : Buffer.from(params)));
/** Command Complete with Num_HCI_Command_Packets 1. 7.7.14. */
export const cc = (op: number, ret: Buffer | number[] = [0x00]) => evt(EVT.COMMAND_COMPLETE, cat([1], u16(op), Buffer.isBuffer(ret) ? ret : Buffer.from(ret)));
/** Command Status. 7.7.15. */
export const cs = (op: number, status = 0) => evt(EVT.COMMAND_STATUS, cat([status, 1], u16(op)));

/** ACL packet; pb 0b00 first non-flushable, 0b01 continuing, 0b10 first flushable. 5.4.2. */
export function acl(handle: number, pb: number, data: Buffer): Buffer {
  return cat([0x02], u16((handle & 0x0fff) | (pb << 12)), u16(data.length), data);
}
/** Basic L2CAP frame. Vol 3 Part A 3.1. */
export const l2 = (cid: number, payload: Buffer) => cat(u16(payload.length), u16(cid), payload);
/** One ACL packet carrying one whole PDU. */
export const pdu = (handle: number, cid: number, payload: Buffer) => acl(handle, 0b00, l2(cid, payload));
/** A PDU split into ACL fragments of at most `max` octets. */
export function fragments(handle: number, cid: number, payload: Buffer, max = 27): Buffer[] {
  const frame = l2(cid, payload);
  const out: Buffer[] = [];
  for (let o = 0; o < frame.length; o += max) out.push(acl(handle, o === 0 ? 0b00 : 0b01, frame.subarray(o, o + max)));
  return out;
}

// ATT, Vol 3 Part F 3.4
export const att = {
  mtuReq: (mtu: number) => cat([0x02], u16(mtu)),
  mtuRsp: (mtu: number) => cat([0x03], u16(mtu)),
  errorRsp: (reqOp: number, handle: number, code: number) => cat([0x01, reqOp], u16(handle), [code]),
  readReq: (handle: number) => cat([0x0a], u16(handle)),
  readRsp: (value: Buffer) => cat([0x0b], value),
  writeReq: (handle: number, value: Buffer) => cat([0x12], u16(handle), value),
  writeRsp: () => Buffer.from([0x13]),
  ntf: (handle: number, value: Buffer) => cat([0x1b], u16(handle), value),
  ind: (handle: number, value: Buffer) => cat([0x1d], u16(handle), value),
  cfm: () => Buffer.from([0x1e]),
};

// SMP, Vol 3 Part H 3.5-3.6
export const smp = {
  pairingReq: (io: number, oob: number, authReq: number, maxKey: number, ik: number, rk: number) => Buffer.from([0x01, io, oob, authReq, maxKey, ik, rk]),
  pairingRsp: (io: number, oob: number, authReq: number, maxKey: number, ik: number, rk: number) => Buffer.from([0x02, io, oob, authReq, maxKey, ik, rk]),
  confirm: (v: Buffer) => cat([0x03], v),
  random: (v: Buffer) => cat([0x04], v),
  failed: (reason: number) => Buffer.from([0x05, reason]),
  encInfo: (ltk: Buffer) => cat([0x06], ltk),
  centralId: (ediv: number, rand: Buffer) => cat([0x07], u16(ediv), rand),
  securityRequest: (authReq: number) => Buffer.from([0x0b, authReq]),
};

/** LE Connection Complete. 7.7.65.1. */
export function connectionComplete(o: { status?: number; handle: number; role: 0 | 1; peerType: number; peer: string; interval?: number; latency?: number; timeout?: number }): Buffer {
  return le(LE_EVT.CONNECTION_COMPLETE, cat([o.status ?? 0], u16(o.handle), [o.role, o.peerType], addr(o.peer), u16(o.interval ?? 24), u16(o.latency ?? 0), u16(o.timeout ?? 72), [0x00]));
}
export const encryptionChange = (status: number, handle: number, enabled: number) => evt(EVT.ENCRYPTION_CHANGE, cat([status], u16(handle), [enabled]));
export const disconnectionComplete = (status: number, handle: number, reason: number) => evt(EVT.DISCONNECTION_COMPLETE, cat([status], u16(handle), [reason]));
export const ltkRequest = (handle: number, rand: Buffer, ediv: number) => le(LE_EVT.LONG_TERM_KEY_REQUEST, cat(u16(handle), rand, u16(ediv)));
export const nocp = (handle: number, n: number) => evt(EVT.NUMBER_OF_COMPLETED_PACKETS, cat([1], u16(handle), u16(n)));

export const CENTRAL_ADDR = '00:11:22:33:44:55';
export const PERIPHERAL_ADDR = 'C0:DE:C0:FF:EE:01';
export const HANDLE = 0x0040;
export const STK = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
export const LTK = Buffer.from('0f0e0d0c0b0a09080706050403020100', 'hex');
export const LONG_VALUE = Buffer.from(Array.from({ length: 60 }, (_, i) => i));

/**
 * The central's side of a session: scan, connect, read a protected characteristic (0x05), LE legacy
 * Just Works pairing, encryption, the read again (a response fragmented over three ACL packets), a
 * notification, key size, disconnect.
 */
export function centralSession(): Step[] {
  const h = HANDLE;
  const rand16 = (seed: number) => Buffer.from(Array.from({ length: 16 }, (_, i) => (seed + i * 7) & 0xff));
  const advData = cat([0x02, 0x01, 0x06], [0x09, 0x09], Buffer.from('blebench'));
  return [
    ['tx', cmd(OP.RESET)],
    ['rx', cc(OP.RESET)],
    ['tx', cmd(OP.READ_BD_ADDR)],
    ['rx', cc(OP.READ_BD_ADDR, cat([0x00], addr(CENTRAL_ADDR)))],
    ['tx', cmd(OP.LE_SET_SCAN_PARAMETERS, cat([0x01], u16(0x0010), u16(0x0010), [0x00, 0x00]))],
    ['rx', cc(OP.LE_SET_SCAN_PARAMETERS)],
    ['tx', cmd(OP.LE_SET_SCAN_ENABLE, [0x01, 0x01])],
    ['rx', cc(OP.LE_SET_SCAN_ENABLE)],
    ['rx', le(LE_EVT.ADVERTISING_REPORT, cat([0x01, 0x00, 0x01], addr(PERIPHERAL_ADDR), [advData.length], advData, [0xc4]))],
    ['tx', cmd(OP.LE_SET_SCAN_ENABLE, [0x00, 0x00])],
    ['rx', cc(OP.LE_SET_SCAN_ENABLE)],
    ['tx', cmd(OP.LE_CREATE_CONNECTION, cat(u16(0x0060), u16(0x0030), [0x00, 0x01], addr(PERIPHERAL_ADDR), [0x00], u16(24), u16(40), u16(0), u16(72), u16(0), u16(0)))],
    ['rx', cs(OP.LE_CREATE_CONNECTION)],
    ['rx', connectionComplete({ handle: h, role: 0, peerType: 1, peer: PERIPHERAL_ADDR })],
    ['tx', pdu(h, 4, att.mtuReq(256))],
    ['rx', pdu(h, 4, att.mtuRsp(247))],
    ['rx', nocp(h, 1)],
    ['tx', pdu(h, 4, att.readReq(0x0003))],
    ['rx', pdu(h, 4, att.errorRsp(0x0a, 0x0003, 0x05))],
    ['tx', pdu(h, 6, smp.pairingReq(0x03, 0x00, 0x01, 16, 0x00, 0x01))],
    ['rx', pdu(h, 6, smp.pairingRsp(0x03, 0x00, 0x01, 16, 0x00, 0x01))],
    ['tx', pdu(h, 6, smp.confirm(rand16(1)))],
    ['rx', pdu(h, 6, smp.confirm(rand16(2)))],
    ['tx', pdu(h, 6, smp.random(rand16(3)))],
    ['rx', pdu(h, 6, smp.random(rand16(4)))],
    ['tx', cmd(OP.LE_ENABLE_ENCRYPTION, cat(u16(h), Buffer.alloc(8), u16(0), STK))],
    ['rx', cs(OP.LE_ENABLE_ENCRYPTION)],
    ['rx', encryptionChange(0x00, h, 0x01)],
    ['rx', pdu(h, 6, smp.encInfo(LTK))],
    ['rx', pdu(h, 6, smp.centralId(0x1234, Buffer.from('0102030405060708', 'hex')))],
    ['tx', pdu(h, 4, att.readReq(0x0003))],
    ...fragments(h, 4, att.readRsp(LONG_VALUE)).map((p): Step => ['rx', p]),
    ['rx', pdu(h, 4, att.ntf(0x0010, Buffer.from('cafe', 'hex')))],
    ['tx', cmd(OP.READ_ENCRYPTION_KEY_SIZE, u16(h))],
    ['rx', cc(OP.READ_ENCRYPTION_KEY_SIZE, cat([0x00], u16(h), [16]))],
    ['tx', cmd(OP.DISCONNECT, cat(u16(h), [0x13]))],
    ['rx', cs(OP.DISCONNECT)],
    ['rx', disconnectionComplete(0x00, h, 0x16)],
  ];
}

/**
 * The peripheral's side: advertise, a central connects, asks for encryption with a key this host does not
 * have (negative reply → Encryption Change 0x06), then reconnects and encrypts with the stored LTK.
 */
export function peripheralSession(): Step[] {
  const rand = Buffer.from('1122334455667788', 'hex');
  const advData = cat([0x02, 0x01, 0x06], Buffer.alloc(28));
  return [
    ['tx', cmd(OP.LE_SET_RANDOM_ADDRESS, addr(PERIPHERAL_ADDR))],
    ['rx', cc(OP.LE_SET_RANDOM_ADDRESS)],
    ['tx', cmd(OP.LE_SET_ADVERTISING_PARAMETERS, cat(u16(0x00a0), u16(0x00a0), [0x00, 0x01, 0x00], Buffer.alloc(6), [0x07, 0x00]))],
    ['rx', cc(OP.LE_SET_ADVERTISING_PARAMETERS)],
    ['tx', cmd(OP.LE_SET_ADVERTISING_DATA, cat([3], advData))],
    ['rx', cc(OP.LE_SET_ADVERTISING_DATA)],
    ['tx', cmd(OP.LE_SET_ADVERTISING_ENABLE, [0x01])],
    ['rx', cc(OP.LE_SET_ADVERTISING_ENABLE)],
    ['rx', connectionComplete({ handle: 0x0001, role: 1, peerType: 0, peer: CENTRAL_ADDR })],
    ['rx', ltkRequest(0x0001, rand, 0xbeef)],
    ['tx', cmd(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, u16(0x0001))],
    ['rx', cc(OP.LE_LONG_TERM_KEY_REQUEST_NEGATIVE_REPLY, cat([0x00], u16(0x0001)))],
    ['rx', encryptionChange(0x06, 0x0001, 0x00)],
    ['rx', disconnectionComplete(0x00, 0x0001, 0x13)],
    ['rx', connectionComplete({ handle: 0x0001, role: 1, peerType: 0, peer: CENTRAL_ADDR })],
    ['rx', ltkRequest(0x0001, rand, 0xbeef)],
    ['tx', cmd(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, cat(u16(0x0001), LTK))],
    ['rx', cc(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, cat([0x00], u16(0x0001)))],
    ['rx', encryptionChange(0x00, 0x0001, 0x01)],
  ];
}
