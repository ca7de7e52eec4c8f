// Apple PacketLogger (.pklg) records, both byte orders, read from a stream. No file header: records back to
// back, each `length` (4) = octets that follow, seconds (4), microseconds (4), type (1), payload.
// Wireshark wiretap/packetlogger.c and epan/dissectors/packet-packetlogger.c; BlueZ src/shared/btsnoop.c pklg_read_hci.
import { PKLG_HEADER_AFTER_LENGTH, PKLG_TYPE } from '../../base/codes/capture.js';
import type { ByteStream } from './byte-stream.js';
import { h4Packet, type CaptureRecord, type HciKind } from './capture-record.js';
import { cString } from './monitor.js';
import type { ReadState } from './read-state.js';
import type { Direction } from '../trace/timeline.js';
import { hex } from '../../base/codes/code-table.js';

const MAX_LENGTH = 0x10000;
const US_PER_S = 1_000_000;

const HCI_OF_TYPE: Readonly<Record<number, readonly [HciKind, Direction]>> = {
  [PKLG_TYPE.HCI_COMMAND]: ['command', 'tx'],
  [PKLG_TYPE.HCI_EVENT]: ['event', 'rx'],
  [PKLG_TYPE.ACL_SENT]: ['acl', 'tx'],
  [PKLG_TYPE.ACL_RECEIVED]: ['acl', 'rx'],
  [PKLG_TYPE.SCO_SENT]: ['sco', 'tx'],
  [PKLG_TYPE.SCO_RECEIVED]: ['sco', 'rx'],
  [PKLG_TYPE.ISO_SENT]: ['iso', 'tx'],
  [PKLG_TYPE.ISO_RECEIVED]: ['iso', 'rx'],
};

const TEXT_TYPES: Readonly<Record<number, string>> = {
  [PKLG_TYPE.KERNEL]: 'kernel',
  [PKLG_TYPE.KERNEL_DEBUG]: 'kernel debug',
  [PKLG_TYPE.ERROR]: 'error',
  [PKLG_TYPE.POWER]: 'power',
  [PKLG_TYPE.NOTE]: 'note',
  [PKLG_TYPE.CONFIG]: 'config',
  [PKLG_TYPE.NEW_CONTROLLER]: 'new controller',
};

const KNOWN_TYPES = new Set<number>(Object.values(PKLG_TYPE));

/** The PacketLogger type for an H4 packet kind and direction (writers). */
export function pklgTypeOf(kind: HciKind, dir: Direction): number {
  for (const [t, [k, d]] of Object.entries(HCI_OF_TYPE)) if (k === kind && (d === dir || kind === 'command' || kind === 'event')) return Number(t);
  return PKLG_TYPE.HCI_EVENT;
}

/**
 * The byte order of a PacketLogger file from its first record, or undefined when it is not one: the length
 * must be 9..65535 in one order, microseconds below 10^6 and the type one PacketLogger writes. Wireshark and
 * BlueZ decide from the same length field.
 */
export function pklgByteOrder(head: Buffer): 'big' | 'little' | undefined {
  if (head.length < 4 + PKLG_HEADER_AFTER_LENGTH) return undefined;
  for (const order of ['big', 'little'] as const) {
    const len = order === 'big' ? head.readUInt32BE(0) : head.readUInt32LE(0);
    const us = order === 'big' ? head.readUInt32BE(8) : head.readUInt32LE(8);
    if (len >= PKLG_HEADER_AFTER_LENGTH && len < MAX_LENGTH && us < US_PER_S && KNOWN_TYPES.has(head[12]!)) return order;
  }
  return undefined;
}

export async function* pklgRecords(s: ByteStream, order: 'big' | 'little', st: ReadState): AsyncGenerator<CaptureRecord> {
  const big = order === 'big';
  for (;;) {
    const offset = s.offset;
    if (!(s.buffered >= 1 || (await s.need(1)))) return;
    const record = st.frame + 1;
    if (!(s.buffered >= 4 + PKLG_HEADER_AFTER_LENGTH || (await s.need(4 + PKLG_HEADER_AFTER_LENGTH)))) {
      st.damage = { record, offset, problem: `the file ends inside the record header (${s.buffered} of ${4 + PKLG_HEADER_AFTER_LENGTH} octets)` };
      return;
    }
    const h = s.peek(4 + PKLG_HEADER_AFTER_LENGTH);
    const len = big ? h.readUInt32BE(0) : h.readUInt32LE(0);
    const secs = big ? h.readUInt32BE(4) : h.readUInt32LE(4);
    const us = big ? h.readUInt32BE(8) : h.readUInt32LE(8);
    const type = h[12]!;
    if (len < PKLG_HEADER_AFTER_LENGTH || len >= MAX_LENGTH) {
      st.damage = { record, offset, problem: `record length ${len} is impossible (${PKLG_HEADER_AFTER_LENGTH}..${MAX_LENGTH - 1})` };
      return;
    }
    if (!(s.buffered >= 4 + len || (await s.need(4 + len)))) {
      st.damage = { record, offset, problem: `the file ends inside the record: ${len} octets announced after the length, ${s.buffered - 4} present` };
      return;
    }
    s.skip(4 + PKLG_HEADER_AFTER_LENGTH);
    const payload = s.take(len - PKLG_HEADER_AFTER_LENGTH);
    st.frame = record;
    const base = { frame: record, unixMs: secs * 1000 + us / 1000, controller: 0, offset };
    const hci = HCI_OF_TYPE[type];
    if (hci) {
      const [kind, dir] = hci;
      yield { frame: record, unixMs: base.unixMs, controller: 0, offset, type: 'hci', kind, dir, dirKnown: true, packet: h4Packet(kind, payload), originalLength: payload.length + 1 };
    } else if (type === PKLG_TYPE.SYSLOG) {
      yield { ...base, type: 'note', source: 'syslog', text: syslogText(payload) };
    } else if (TEXT_TYPES[type]) {
      yield { ...base, type: 'note', source: TEXT_TYPES[type]!, text: cString(payload) };
    } else {
      yield { ...base, type: 'other', what: type === PKLG_TYPE.LMP_SENT || type === PKLG_TYPE.LMP_RECEIVED ? 'LMP' : `PacketLogger type ${hex(type)}` };
    }
  }
}

/** Syslog record: pid u32, message type u8, then process, sender, subsystem, category, message (NUL-terminated). */
function syslogText(p: Buffer): string {
  const parts: string[] = [];
  let o = 5;
  while (o < p.length && parts.length < 5) {
    const nul = p.indexOf(0, o);
    const end = nul < 0 ? p.length : nul;
    parts.push(p.subarray(o, end).toString('utf8'));
    o = end + 1;
  }
  const [process = '', , subsystem = '', category = '', message = ''] = parts;
  const where = [process, [subsystem, category].filter(Boolean).join('/')].filter(Boolean).join(' ');
  return where ? `${where}: ${message}` : message;
}
