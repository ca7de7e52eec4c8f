// Both taps of one hand-built LE exchange, fed as spec-correct packets through real Taps: the central's
// tap sees what the central's host sent as tx; the peripheral's tap sees the same PDU as rx.
import { OP } from '../../common/base/codes/hci.js';
import { IO_CAPABILITY } from '../../common/base/codes/smp.js';
import type { Timelines } from '../../common/apps/scenario/index.js';
import { Tap } from '../../common/stack/trace/index.js';
import { CENTRAL_ADDR, HANDLE, LTK, PERIPHERAL_ADDR, STK, att, cc, cmd, connectionComplete, cs, disconnectionComplete, encryptionChange, ltkRequest, pdu, smp } from '../trace/packets.js';

const ATT_CID = 0x0004;
const SMP_CID = 0x0006;
/** The Encrypted Everything value handle and its CCCD in these sessions. */
export const VALUE_HANDLE = 0x0030;
export const CCCD_HANDLE = 0x0031;
const BONDING = 0x01;
const ENC_KEY = 0x01;
const rand16 = (seed: number) => Buffer.from(Array.from({ length: 16 }, (_, i) => (seed + i * 7) & 0xff));
const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);

type Who = 'central' | 'peripheral';

export class Session {
  readonly central = new Tap({ name: 'central' });
  readonly peripheral = new Tap({ name: 'peripheral' });

  /** A PDU over the air: the sender's tap sees tx, the receiver's rx. */
  air(from: Who, cid: number, payload: Buffer): this {
    const packet = pdu(HANDLE, cid, payload);
    this[from].observe('tx', packet);
    this[from === 'central' ? 'peripheral' : 'central'].observe('rx', Buffer.from(packet));
    return this;
  }

  hci(at: Who, dir: 'tx' | 'rx', packet: Buffer): this {
    this[at].observe(dir, packet);
    return this;
  }

  /** Where each tap is now: the next entry's seq. */
  mark(): { central: number; peripheral: number } {
    return { central: this.central.entries.length, peripheral: this.peripheral.entries.length };
  }

  get timelines(): Timelines {
    return { central: this.central.entries, peripheral: this.peripheral.entries };
  }
}

export interface StoryOptions {
  /** The central's IO capability in its Pairing Request (noble: NoInputNoOutput). */
  ioCapability?: number;
  /** A broken peripheral that answers the first read with the value instead of 0x05. */
  leakBeforeEncryption?: boolean;
  /** Stop after the first read: no pairing at all. */
  noPairing?: boolean;
  notifications?: readonly string[];
}

/**
 * The project's story: connect, read → 0x05, LE legacy Just Works pairing, Encryption Change on both
 * sides, keys distributed, read again → value, CCCD write, notifications. Returns the session and the
 * seq marks between phases (for step windows).
 */
export function story(o: StoryOptions = {}) {
  const s = new Session();
  const h = HANDLE;
  s.hci('central', 'rx', connectionComplete({ handle: h, role: 0, peerType: 1, peer: PERIPHERAL_ADDR }));
  s.hci('peripheral', 'rx', connectionComplete({ handle: h, role: 1, peerType: 0, peer: CENTRAL_ADDR }));
  s.air('central', ATT_CID, att.mtuReq(256)).air('peripheral', ATT_CID, att.mtuRsp(247));
  const afterConnect = s.mark();
  s.air('central', ATT_CID, att.readReq(VALUE_HANDLE));
  s.air('peripheral', ATT_CID, o.leakBeforeEncryption ? att.readRsp(Buffer.from('secret')) : att.errorRsp(0x0a, VALUE_HANDLE, 0x05));
  const afterFirstRead = s.mark();
  if (o.noPairing) return { session: s, marks: { afterConnect, afterFirstRead, afterPairing: afterFirstRead, afterSecondRead: afterFirstRead, end: s.mark() } };
  const io = o.ioCapability ?? IO_CAPABILITY.NO_INPUT_NO_OUTPUT;
  s.air('central', SMP_CID, smp.pairingReq(io, 0x00, BONDING, 16, 0x00, ENC_KEY));
  s.air('peripheral', SMP_CID, smp.pairingRsp(IO_CAPABILITY.NO_INPUT_NO_OUTPUT, 0x00, BONDING, 16, 0x00, ENC_KEY));
  s.air('central', SMP_CID, smp.confirm(rand16(1))).air('peripheral', SMP_CID, smp.confirm(rand16(2)));
  s.air('central', SMP_CID, smp.random(rand16(3))).air('peripheral', SMP_CID, smp.random(rand16(4)));
  s.hci('central', 'tx', cmd(OP.LE_ENABLE_ENCRYPTION, Buffer.concat([u16(h), Buffer.alloc(8), u16(0), STK])));
  s.hci('central', 'rx', cs(OP.LE_ENABLE_ENCRYPTION));
  s.hci('peripheral', 'rx', ltkRequest(h, Buffer.alloc(8), 0));
  s.hci('peripheral', 'tx', cmd(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, Buffer.concat([u16(h), STK])));
  s.hci('peripheral', 'rx', cc(OP.LE_LONG_TERM_KEY_REQUEST_REPLY, Buffer.concat([Buffer.from([0x00]), u16(h)])));
  s.hci('central', 'rx', encryptionChange(0x00, h, 0x01));
  s.hci('peripheral', 'rx', encryptionChange(0x00, h, 0x01));
  s.air('peripheral', SMP_CID, smp.encInfo(LTK)).air('peripheral', SMP_CID, smp.centralId(0x1234, Buffer.from('0102030405060708', 'hex')));
  const afterPairing = s.mark();
  s.air('central', ATT_CID, att.readReq(VALUE_HANDLE)).air('peripheral', ATT_CID, att.readRsp(Buffer.from('secret')));
  const afterSecondRead = s.mark();
  s.air('central', ATT_CID, att.writeReq(CCCD_HANDLE, Buffer.from([0x01, 0x00]))).air('peripheral', ATT_CID, att.writeRsp());
  for (const n of o.notifications ?? ['one', 'two', 'three']) s.air('peripheral', ATT_CID, att.ntf(VALUE_HANDLE, Buffer.from(n)));
  return { session: s, marks: { afterConnect, afterFirstRead, afterPairing, afterSecondRead, end: s.mark() } };
}

/** The link lost to a fault: Disconnection Complete (0x08) on both sides, during pairing. */
export function lostDuringPairing() {
  const s = new Session();
  const h = HANDLE;
  s.hci('central', 'rx', connectionComplete({ handle: h, role: 0, peerType: 1, peer: PERIPHERAL_ADDR }));
  s.hci('peripheral', 'rx', connectionComplete({ handle: h, role: 1, peerType: 0, peer: CENTRAL_ADDR }));
  s.air('central', SMP_CID, smp.pairingReq(IO_CAPABILITY.NO_INPUT_NO_OUTPUT, 0, BONDING, 16, 0, ENC_KEY));
  s.air('peripheral', SMP_CID, smp.pairingRsp(IO_CAPABILITY.NO_INPUT_NO_OUTPUT, 0, BONDING, 16, 0, ENC_KEY));
  s.hci('central', 'rx', disconnectionComplete(0x00, h, 0x08));
  s.hci('peripheral', 'rx', disconnectionComplete(0x00, h, 0x08));
  return s;
}
