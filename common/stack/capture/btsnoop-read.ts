// btsnoop records (datalinks 1001 H1, 1002 H4, 2001 Linux monitor), read from a stream.
// Wireshark wiretap/btsnoop.c; BlueZ src/shared/btsnoop.c; AOSP snoop_logger.cc. All integers big-endian.
import { BTSNOOP_DATALINK } from '../../base/codes/capture.js';
import { BTSNOOP_EPOCH_OFFSET_US, BTSNOOP_FLAG_COMMAND_OR_EVENT, BTSNOOP_FLAG_RECEIVED, BTSNOOP_HEADER_LENGTH, BTSNOOP_RECORD_HEADER_LENGTH } from '../trace/btsnoop-format.js';
import type { ByteStream } from './byte-stream.js';
import { h4Packet, kindOfH4, type CaptureRecord } from './capture-record.js';
import { monitorRecord } from './monitor.js';
import type { ReadState } from './read-state.js';
import { hex } from '../../base/codes/code-table.js';

// The epoch offset split in 32-bit halves so the subtraction stays exact in doubles (the sum exceeds 2^53).
const EPOCH_HI = Number(BTSNOOP_EPOCH_OFFSET_US >> 32n);
const EPOCH_LO = Number(BTSNOOP_EPOCH_OFFSET_US & 0xffffffffn);
/** A record longer than this is damage, not a packet (HCI packets are at most 64 KiB + headers). */
const MAX_RECORD = 0x10000 + 16;

export const DATALINK_WORDS: Readonly<Record<number, string>> = {
  [BTSNOOP_DATALINK.H1]: '1001 (HCI, un-encapsulated)',
  [BTSNOOP_DATALINK.H4]: '1002 (HCI UART, H4)',
  [BTSNOOP_DATALINK.MONITOR]: '2001 (Linux monitor, btmon -w)',
};

/** Read the 16-octet header; the stream is left at the first record. */
export async function readBtsnoopHeader(s: ByteStream): Promise<{ version: number; datalink: number } | string> {
  if (!(s.buffered >= BTSNOOP_HEADER_LENGTH || (await s.need(BTSNOOP_HEADER_LENGTH)))) return `the btsnoop header needs ${BTSNOOP_HEADER_LENGTH} octets, the file has ${s.buffered}`;
  const h = s.take(BTSNOOP_HEADER_LENGTH);
  const version = h.readUInt32BE(8);
  const datalink = h.readUInt32BE(12);
  if (version !== 1) return `btsnoop version ${version}; only version 1 exists`;
  if (!DATALINK_WORDS[datalink]) return `btsnoop datalink ${datalink} is not one blebench reads (1001, 1002, 2001)`;
  return { version, datalink };
}

const BATCH = 4096;

/**
 * The records in batches: as many whole records as are buffered are parsed without waiting, so a long file
 * costs one await per 64 KiB, not per record.
 */
export async function* btsnoopBatches(s: ByteStream, datalink: number, st: ReadState): AsyncGenerator<CaptureRecord[]> {
  for (;;) {
    const batch: CaptureRecord[] = [];
    let want = BTSNOOP_RECORD_HEADER_LENGTH;
    while (batch.length < BATCH && s.buffered >= BTSNOOP_RECORD_HEADER_LENGTH) {
      const h = s.peek(BTSNOOP_RECORD_HEADER_LENGTH);
      const originalLength = h.readUInt32BE(0);
      const included = h.readUInt32BE(4);
      if (included > MAX_RECORD || included > originalLength) {
        if (batch.length) yield batch;
        st.damage = { record: st.frame + 1, offset: s.offset, problem: `included length ${included} is impossible (original length ${originalLength})` };
        return;
      }
      if (s.buffered < BTSNOOP_RECORD_HEADER_LENGTH + included) {
        want = BTSNOOP_RECORD_HEADER_LENGTH + included;
        break;
      }
      const offset = s.offset;
      const flags = h.readUInt32BE(8);
      const unixUs = (h.readUInt32BE(16) - EPOCH_HI) * 0x1_0000_0000 + (h.readUInt32BE(20) - EPOCH_LO);
      s.skip(BTSNOOP_RECORD_HEADER_LENGTH);
      const data = s.take(included);
      const record = ++st.frame;
      batch.push(btsnoopRecord(datalink, flags, data, originalLength, { frame: record, unixMs: unixUs / 1000, offset, controller: 0 }));
    }
    if (batch.length) yield batch;
    if (batch.length === BATCH) continue;
    const offset = s.offset;
    if (!(await s.need(want))) {
      if (s.buffered === 0) return;
      const header = s.buffered < BTSNOOP_RECORD_HEADER_LENGTH;
      st.damage = {
        record: st.frame + 1,
        offset,
        problem: header
          ? `the file ends inside the record header (${s.buffered} of ${BTSNOOP_RECORD_HEADER_LENGTH} octets)`
          : `the file ends inside the record: ${want - BTSNOOP_RECORD_HEADER_LENGTH} octets announced, ${s.buffered - BTSNOOP_RECORD_HEADER_LENGTH} present`,
      };
      return;
    }
  }
}

/** Copy a view into a packet of its own (cheaper than Buffer.from for small packets). */
function copy(b: Buffer): Buffer {
  const c = Buffer.allocUnsafe(b.length);
  b.copy(c);
  return c;
}

// Records are built as literals with every field named: object spread here costs more than the whole decode.
function btsnoopRecord(datalink: number, flags: number, data: Buffer, originalLength: number, at: { frame: number; unixMs: number; offset: number; controller: number }): CaptureRecord {
  if (datalink === BTSNOOP_DATALINK.MONITOR) return monitorRecord(flags & 0xffff, flags >>> 16, data, { frame: at.frame, unixMs: at.unixMs, offset: at.offset, originalLength });
  const dir = flags & BTSNOOP_FLAG_RECEIVED ? 'rx' : 'tx';
  if (datalink === BTSNOOP_DATALINK.H1) {
    // Flags: bit 1 command/event vs ACL, bit 0 direction; SCO/ISO cannot be expressed. wiretap/btsnoop.c.
    const kind = flags & BTSNOOP_FLAG_COMMAND_OR_EVENT ? (dir === 'rx' ? 'event' : 'command') : 'acl';
    return { frame: at.frame, unixMs: at.unixMs, controller: 0, offset: at.offset, type: 'hci', kind, dir, dirKnown: true, packet: h4Packet(kind, data), originalLength: originalLength + 1 };
  }
  const kind = kindOfH4(data[0]);
  if (!kind) return { frame: at.frame, unixMs: at.unixMs, controller: 0, offset: at.offset, type: 'other', what: `unknown H4 indicator ${data.length ? `${hex(data[0]!)}` : '(empty record)'}` };
  return { frame: at.frame, unixMs: at.unixMs, controller: 0, offset: at.offset, type: 'hci', kind, dir, dirKnown: true, packet: copy(data), originalLength };
}
