// Hand-built captures for the patterns no scenario on the virtual radio makes yet (host privacy/RPAs,
// Android's filtered snoop); the others are made by
// scenarios (fixtures/captures/make.sh). Built from the Core v5.4 layouts with test/trace/packets.ts, written in
// every format by blebench's writers. hand-built.test.ts checks the committed fixtures are exactly these.
import { closeSync, openSync, writeSync } from 'node:fs';
import { OP } from '../../common/base/codes/hci.js';
import { CaptureWriter, type WriteFormat } from '../../common/stack/capture/index.js';
import { BTSNOOP_EPOCH_OFFSET_US } from '../../common/stack/trace/btsnoop-format.js';
import type { Direction } from '../../common/stack/trace/timeline.js';
import { att, cmd, connectionComplete, disconnectionComplete, encryptionChange, pdu, smp, cs } from '../trace/packets.js';

type Rec = [ms: number, dir: Direction, packet: Buffer];
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const H = 0x0040;
const ATT_CID = 0x0004;
const SMP_CID = 0x0006;
const zero8 = Buffer.alloc(8);
const key16 = (b: number) => Buffer.alloc(16, b);
const u16 = (v: number) => Buffer.from([v & 0xff, v >> 8]);

const central = (peer = 'C0:11:22:33:44:55', peerType = 0) => [0, 'rx', connectionComplete({ handle: H, role: 0, peerType, peer })] as Rec;
const at = (ms: number, recs: [Direction, Buffer][]): Rec[] => recs.map(([d, p], i) => [ms + i, d, p]);
const disconnect = (ms: number, reason: number, local = true): Rec[] =>
  local ? at(ms, [['tx', cmd(OP.DISCONNECT, [H & 0xff, H >> 8, reason])], ['rx', cs(OP.DISCONNECT)], ['rx', disconnectionComplete(0, H, 0x16)]]) : at(ms, [['rx', disconnectionComplete(0, H, reason)]]);
const read = (ms: number, handle: number, error?: number): Rec[] =>
  at(ms, [['tx', pdu(H, ATT_CID, att.readReq(handle))], ['rx', pdu(H, ATT_CID, error === undefined ? att.readRsp(Buffer.from('ok')) : att.errorRsp(0x0a, handle, error))]]);

/** Central side: Just Works legacy pairing with bonding, encryption, the peripheral's keys. */
function bondAsCentral(ms: number): Rec[] {
  return at(ms, [
    ['tx', pdu(H, SMP_CID, smp.pairingReq(0x03, 0, 0x01, 16, 0x00, 0x01))],
    ['rx', pdu(H, SMP_CID, smp.pairingRsp(0x03, 0, 0x01, 16, 0x00, 0x01))],
    ['tx', pdu(H, SMP_CID, smp.confirm(key16(1)))],
    ['rx', pdu(H, SMP_CID, smp.confirm(key16(2)))],
    ['tx', pdu(H, SMP_CID, smp.random(key16(3)))],
    ['rx', pdu(H, SMP_CID, smp.random(key16(4)))],
    ['tx', cmd(OP.LE_ENABLE_ENCRYPTION, Buffer.concat([u16(H), zero8, u16(0), key16(5)]))],
    ['rx', cs(OP.LE_ENABLE_ENCRYPTION)],
    ['rx', encryptionChange(0, H, 1)],
    ['rx', pdu(H, SMP_CID, smp.encInfo(key16(6)))],
    ['rx', pdu(H, SMP_CID, smp.centralId(0x1234, Buffer.alloc(8, 7)))],
  ]);
}

export const HAND_BUILT: Readonly<Record<string, Rec[]>> = {
  // (every pattern's capture is made by a scenario now but filtered-capture, written below)
};

export function writeHandBuilt(name: string, path: string, format: WriteFormat): void {
  writeRecords(HAND_BUILT[name]!, path, format);
}

function writeRecords(recs: readonly Rec[], path: string, format: WriteFormat): void {
  const w = new CaptureWriter(path, format);
  for (const [ms, dir, packet] of recs) w.write({ type: 'hci', dir, packet, unixMs: T0 + ms, controller: 0 });
  w.close();
}

/**
 * Central side: Pairing Request and Response, then `silentMs` of nothing before the peer disconnects (0x13),
 * for the edges of the pairing-timeout rule.
 */
export function writeStalledPairing(silentMs: number, path: string): void {
  const recs: Rec[] = [
    central(),
    ...at(20, [
      ['tx', pdu(H, SMP_CID, smp.pairingReq(0x04, 0, 0x0d, 16, 0x03, 0x03))],
      ['rx', pdu(H, SMP_CID, smp.pairingRsp(0x03, 0, 0x09, 16, 0x03, 0x03))],
    ]),
    ...disconnect(21 + silentMs, 0x13, false),
  ];
  writeRecords(recs, path, 'btsnoop-1002');
}

/**
 * Android's filtered snoop (btsnoop 1002, flags as AOSP writes them): every ACL packet longer than 14 octets
 * is cut to 14 (H4 indicator included) with its original length kept. AOSP snoop_logger.cc.
 */
export function writeFilteredAndroid(path: string): void {
  const recs: Rec[] = [
    central(),
    ...read(10, 0x000e, 0x05),
    ...bondAsCentral(20),
    ...read(40, 0x000e),
    ...disconnect(50, 0x13),
  ];
  const fd = openSync(path, 'w', 0o644);
  const header = Buffer.concat([Buffer.from('btsnoop\0', 'latin1'), Buffer.from([0, 0, 0, 1, 0, 0, 0x03, 0xea])]);
  writeSync(fd, header);
  for (const [ms, dir, packet] of recs) {
    const data = packet[0] === 0x02 ? packet.subarray(0, Math.min(packet.length, 14)) : packet;
    const flags = packet[0] === 0x01 ? 2 : packet[0] === 0x04 ? 3 : dir === 'rx' ? 1 : 0;
    const h = Buffer.alloc(24);
    h.writeUInt32BE(packet.length, 0);
    h.writeUInt32BE(data.length, 4);
    h.writeUInt32BE(flags, 8);
    h.writeBigInt64BE(BigInt(T0 + ms) * 1000n + BTSNOOP_EPOCH_OFFSET_US, 16);
    writeSync(fd, h);
    writeSync(fd, data);
  }
  closeSync(fd);
}
