// btsnoop records (datalinks 1001 H1, 1002 H4, 2001 Linux monitor), read from a stream.
// Wireshark wiretap/btsnoop.c; BlueZ src/shared/btsnoop.c; AOSP snoop_logger.cc. All integers big-endian.
import { BTSNOOP_DATALINK } from '../codes/capture.js';
import { BTSNOOP_EPOCH_OFFSET_US, BTSNOOP_FLAG_COMMAND_OR_EVENT, BTSNOOP_FLAG_RECEIVED, BTSNOOP_HEADER_LENGTH, BTSNOOP_RECORD_HEADER_LENGTH } from '../trace/btsnoop-format.js';
import type { ByteStream } from './byte-stream.js';
import { h4Packet, kindOfH4, type CaptureRecord } from './capture-record.js';
import { monitorRecord } from './monitor.js';
import type { ReadState } from './read-state.js';

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
  if (!(await s.need(BTSNOOP_HEADER_LENGTH))) return `the btsnoop header needs ${BTSNOOP_HEADER_LENGTH} octets, the file has ${s.buffered}`;
  const h = s.take(BTSNOOP_HEADER_LENGTH);
  const version = h.readUInt32BE(8);
  const datalink = h.readUInt32BE(12);
  if (version !== 1) return `btsnoop version ${version}; only version 1 exists`;
  if (!DATALINK_WORDS[datalink]) return `btsnoop datalink ${datalink} is not one blebench reads (1001, 1002, 2001)`;
  return { version, datalink };
}

export async function* btsnoopRecords(s: ByteStream, datalink: number, st: ReadState): AsyncGenerator<CaptureRecord> {
  for (;;) {
    const offset = s.offset;
    if (!(await s.need(1))) return;
    const record = st.frame + 1;
    if (!(await s.need(BTSNOOP_RECORD_HEADER_LENGTH))) {
      st.damage = { record, offset, problem: `the file ends inside the record header (${s.buffered} of ${BTSNOOP_RECORD_HEADER_LENGTH} octets)` };
      return;
    }
    const h = s.take(BTSNOOP_RECORD_HEADER_LENGTH);
    const originalLength = h.readUInt32BE(0);
    const included = h.readUInt32BE(4);
    const flags = h.readUInt32BE(8);
    const unixUs = (h.readUInt32BE(16) - EPOCH_HI) * 0x1_0000_0000 + (h.readUInt32BE(20) - EPOCH_LO);
    if (included > MAX_RECORD || included > originalLength) {
      st.damage = { record, offset, problem: `included length ${included} is impossible (original length ${originalLength})` };
      return;
    }
    if (!(await s.need(included))) {
      st.damage = { record, offset, problem: `the file ends inside the record: ${included} octets announced, ${s.buffered} present` };
      return;
    }
    const data = s.take(included);
    st.frame = record;
    const unixMs = unixUs / 1000;
    const at = { frame: record, unixMs, offset, controller: 0 };
    if (datalink === BTSNOOP_DATALINK.MONITOR) {
      yield monitorRecord(flags & 0xffff, flags >>> 16, data, { ...at, originalLength });
      continue;
    }
    const dir = flags & BTSNOOP_FLAG_RECEIVED ? 'rx' : 'tx';
    if (datalink === BTSNOOP_DATALINK.H1) {
      // Flags: bit 1 command/event vs ACL, bit 0 direction; SCO/ISO cannot be expressed. wiretap/btsnoop.c.
      const kind = flags & BTSNOOP_FLAG_COMMAND_OR_EVENT ? (dir === 'rx' ? 'event' : 'command') : 'acl';
      yield { ...at, type: 'hci', kind, dir, dirKnown: true, packet: h4Packet(kind, data), originalLength: originalLength + 1 };
      continue;
    }
    const kind = kindOfH4(data[0]);
    if (!kind) {
      yield { ...at, type: 'other', what: `unknown H4 indicator ${data.length ? `0x${data[0]!.toString(16).padStart(2, '0')}` : '(empty record)'}` };
      continue;
    }
    yield { ...at, type: 'hci', kind, dir, dirKnown: true, packet: Buffer.from(data), originalLength };
  }
}
