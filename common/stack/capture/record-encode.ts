// The bytes of each capture format, without a file: the file header, one HCI packet's record, one note's
// record. CaptureWriter (whole files, synchronous) and the tap's BtsnoopWriter (a live capture, asynchronous
// chunks) both write these. Layouts: docs in common/base/codes/capture.ts and the readers beside this file.
import { ANDROID_FILTERED_ACL_LENGTH, BTSNOOP_DATALINK, LINKTYPE, MONITOR_OP, PCAPNG_BLOCK, PCAPNG_BYTE_ORDER_MAGIC, PKLG_HEADER_AFTER_LENGTH, PKLG_TYPE } from '../../base/codes/capture.js';
import { BTSNOOP_EPOCH_OFFSET_US, BTSNOOP_FLAG_COMMAND_OR_EVENT, BTSNOOP_FLAG_RECEIVED, BTSNOOP_MAGIC, BTSNOOP_RECORD_HEADER_LENGTH } from '../trace/btsnoop-format.js';
import type { Direction } from '../trace/timeline.js';
import { kindOfH4 } from './capture-record.js';
import { monitorOpOf } from './monitor.js';
import { pklgTypeOf } from './pklg-read.js';

/**
 * `btsnoop-android-filtered`: btsnoop 1002 as Android writes it in its filtered snoop mode: every ACL packet
 * cut to 14 octets (the H4 indicator included), its original length kept (AOSP snoop_logger.cc). It shows
 * what `blebench explain` says of a bug report taken that way.
 */
export type WriteFormat = 'btsnoop-1001' | 'btsnoop-1002' | 'btsnoop-2001' | 'btsnoop-android-filtered' | 'pklg' | 'pklg-be' | 'pcapng' | 'pcapng-254';
export const WRITE_FORMATS: readonly WriteFormat[] = ['btsnoop-1001', 'btsnoop-1002', 'btsnoop-2001', 'btsnoop-android-filtered', 'pklg', 'pklg-be', 'pcapng', 'pcapng-254'];

const EPOCH_HI = Number(BTSNOOP_EPOCH_OFFSET_US >> 32n);
const EPOCH_LO = Number(BTSNOOP_EPOCH_OFFSET_US & 0xffffffffn);
const TWO32 = 0x1_0000_0000;

/** The format a file name asks for: .pklg → PacketLogger, .pcapng → pcapng, anything else btsnoop. */
export function formatFromExtension(path: string, monitor: boolean): WriteFormat {
  const p = path.toLowerCase();
  if (p.endsWith('.pklg')) return 'pklg';
  if (p.endsWith('.pcapng')) return monitor ? 'pcapng-254' : 'pcapng';
  return monitor ? 'btsnoop-2001' : 'btsnoop-1002';
}

/** What a file of this format starts with (PacketLogger: nothing). */
export function encodeHeader(format: WriteFormat): Buffer {
  if (format.startsWith('btsnoop')) {
    const h = Buffer.alloc(16);
    BTSNOOP_MAGIC.copy(h, 0);
    h.writeUInt32BE(1, 8);
    h.writeUInt32BE(format === 'btsnoop-1001' ? BTSNOOP_DATALINK.H1 : format === 'btsnoop-2001' ? BTSNOOP_DATALINK.MONITOR : BTSNOOP_DATALINK.H4, 12);
    return h;
  }
  if (format.startsWith('pcapng')) {
    // Section Header Block (little-endian, version 1.0, section length unknown), then one Interface Description Block.
    const shb = Buffer.alloc(28);
    shb.writeUInt32LE(PCAPNG_BLOCK.SECTION_HEADER, 0);
    shb.writeUInt32LE(28, 4);
    shb.writeUInt32LE(PCAPNG_BYTE_ORDER_MAGIC, 8);
    shb.writeUInt16LE(1, 12);
    shb.writeUInt16LE(0, 14);
    shb.writeBigInt64LE(-1n, 16);
    shb.writeUInt32LE(28, 24);
    const idb = Buffer.alloc(20);
    idb.writeUInt32LE(PCAPNG_BLOCK.INTERFACE_DESCRIPTION, 0);
    idb.writeUInt16LE(format === 'pcapng-254' ? LINKTYPE.BLUETOOTH_LINUX_MONITOR : LINKTYPE.BLUETOOTH_HCI_H4_WITH_PHDR, 8);
    idb.writeUInt32LE(20, 4);
    idb.writeUInt32LE(0, 12); // snap length: no limit
    idb.writeUInt32LE(20, 16);
    return Buffer.concat([shb, idb]);
  }
  return Buffer.alloc(0);
}

/**
 * One HCI packet (H4, indicator first) as a record of the format; `us`: µs since the Unix epoch. Undefined
 * when the format cannot hold it (an unknown indicator; SCO/ISO in btsnoop 1001).
 */
export function encodeHci(format: WriteFormat, dir: Direction, packet: Buffer, us: number, controller = 0): Buffer | undefined {
  const kind = kindOfH4(packet[0]);
  if (!kind) return undefined;
  const hci = packet.subarray(1);
  switch (format) {
    case 'btsnoop-1001':
    case 'btsnoop-1002':
    case 'btsnoop-android-filtered': {
      const flags = (dir === 'rx' ? BTSNOOP_FLAG_RECEIVED : 0) | (kind === 'command' || kind === 'event' ? BTSNOOP_FLAG_COMMAND_OR_EVENT : 0);
      if (format === 'btsnoop-1001') return kind === 'command' || kind === 'event' || kind === 'acl' ? btsnoop(flags, us, hci) : undefined; // 1001 cannot say SCO/ISO
      if (format === 'btsnoop-android-filtered' && kind === 'acl' && packet.length > ANDROID_FILTERED_ACL_LENGTH) return btsnoop(flags, us, packet.subarray(0, ANDROID_FILTERED_ACL_LENGTH), packet.length);
      return btsnoop(flags, us, packet);
    }
    case 'btsnoop-2001':
      return btsnoop((controller << 16) | monitorOpOf(kind, dir), us, hci);
    case 'pklg':
    case 'pklg-be':
      return pklg(format, pklgTypeOf(kind, dir), us, hci);
    case 'pcapng': {
      const d = Buffer.alloc(4);
      d.writeUInt32BE(dir === 'rx' ? 1 : 0, 0);
      return epb(us, [d, packet]);
    }
    case 'pcapng-254':
      return epb(us, [monitorHeader(controller, monitorOpOf(kind, dir)), hci]);
  }
}

/** A text note as a record, where the format has a place for one (btsnoop 2001, PacketLogger, pcapng 254). */
export function encodeNote(format: WriteFormat, text: string, us: number, controller = 0): Buffer | undefined {
  const t = Buffer.from(text + '\0', 'utf8');
  if (format === 'btsnoop-2001') return btsnoop((controller << 16) | MONITOR_OP.SYSTEM_NOTE, us, t);
  if (format === 'pklg' || format === 'pklg-be') return pklg(format, PKLG_TYPE.NOTE, us, t);
  if (format === 'pcapng-254') return epb(us, [monitorHeader(controller, MONITOR_OP.SYSTEM_NOTE), t]);
  return undefined;
}

/** One btsnoop record; `originalLength` when the packet was cut to `data` (Android's filtered mode). */
function btsnoop(flags: number, us: number, data: Buffer, originalLength = data.length): Buffer {
  const h = Buffer.allocUnsafe(BTSNOOP_RECORD_HEADER_LENGTH + data.length);
  h.writeUInt32BE(originalLength, 0);
  h.writeUInt32BE(data.length, 4);
  h.writeUInt32BE(flags >>> 0, 8);
  h.writeUInt32BE(0, 12);
  // µs since 0 AD, in 32-bit halves so the sum stays exact.
  const usHi = Math.floor(us / TWO32);
  let lo = EPOCH_LO + (us - usHi * TWO32);
  let hi = EPOCH_HI + usHi;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  h.writeUInt32BE(hi >>> 0, 16);
  h.writeUInt32BE(lo >>> 0, 20);
  data.copy(h, BTSNOOP_RECORD_HEADER_LENGTH);
  return h;
}

function pklg(format: 'pklg' | 'pklg-be', type: number, us: number, data: Buffer): Buffer {
  const h = Buffer.allocUnsafe(4 + PKLG_HEADER_AFTER_LENGTH + data.length);
  const secs = Math.floor(us / 1e6);
  const micros = us - secs * 1e6;
  if (format === 'pklg-be') {
    h.writeUInt32BE(PKLG_HEADER_AFTER_LENGTH + data.length, 0);
    h.writeUInt32BE(secs, 4);
    h.writeUInt32BE(micros, 8);
  } else {
    h.writeUInt32LE(PKLG_HEADER_AFTER_LENGTH + data.length, 0);
    h.writeUInt32LE(secs, 4);
    h.writeUInt32LE(micros, 8);
  }
  h[12] = type;
  data.copy(h, 4 + PKLG_HEADER_AFTER_LENGTH);
  return h;
}

/** Enhanced Packet Block on interface 0, µs timestamps (the default if_tsresol). */
function epb(us: number, parts: Buffer[]): Buffer {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const pad = (4 - (len % 4)) % 4;
  const total = 32 + len + pad;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(PCAPNG_BLOCK.ENHANCED_PACKET, 0);
  b.writeUInt32LE(total, 4);
  b.writeUInt32LE(0, 8);
  b.writeUInt32LE(Math.floor(us / TWO32), 12);
  b.writeUInt32LE(us % TWO32, 16);
  b.writeUInt32LE(len, 20);
  b.writeUInt32LE(len, 24);
  let o = 28;
  for (const p of parts) o += p.copy(b, o);
  b.writeUInt32LE(total, total - 4);
  return b;
}

function monitorHeader(controller: number, op: number): Buffer {
  const h = Buffer.allocUnsafe(4);
  h.writeUInt16BE(controller, 0);
  h.writeUInt16BE(op, 2);
  return h;
}
