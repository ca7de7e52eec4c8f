// btsnoop reader: the records of a capture, and the same timeline the tap would have built from them.
import { readFile } from 'node:fs/promises';
import { BlebenchError } from '../../base/errors/blebench-error.js';
import {
  BTSNOOP_EPOCH_OFFSET_US,
  BTSNOOP_FLAG_COMMAND_OR_EVENT,
  BTSNOOP_FLAG_RECEIVED,
  BTSNOOP_HEADER_LENGTH,
  BTSNOOP_MAGIC,
  BTSNOOP_RECORD_HEADER_LENGTH,
} from './btsnoop-format.js';
import { PacketDecoder, type DecoderOptions } from './packet-decoder.js';
import { TraceEntry, emptyScratch, type Decoded, type Direction } from './timeline.js';

/** The file is no btsnoop capture (its header is wrong): bad input. */
export class BtsnoopFormatError extends BlebenchError {
  readonly code = 'CAPTURE_UNREADABLE';
}

export interface BtsnoopRecord {
  originalLength: number;
  includedLength: number;
  flags: number;
  cumulativeDrops: number;
  /** µs since midnight 1 Jan 0 AD, as stored. */
  timestamp: bigint;
  /** ms since the Unix epoch (float). */
  unixMs: number;
  /** Flag bit 0: 'tx' sent (host → controller), 'rx' received. */
  dir: Direction;
  /** Flag bit 1. */
  commandOrEvent: boolean;
  packet: Buffer;
}

export interface BtsnoopCapture {
  version: number;
  datalink: number;
  records: BtsnoopRecord[];
  /** Set when the file ends inside a record; the records before it are still returned. */
  truncated?: string;
}

/** Parse a whole capture. Throws BtsnoopFormatError when the file header is wrong. */
export function parseBtsnoop(buf: Buffer): BtsnoopCapture {
  if (buf.length < BTSNOOP_HEADER_LENGTH || !buf.subarray(0, 8).equals(BTSNOOP_MAGIC)) {
    throw new BtsnoopFormatError('not a btsnoop file: the first 8 octets are not "btsnoop\\0"');
  }
  const version = buf.readUInt32BE(8);
  const datalink = buf.readUInt32BE(12);
  if (version !== 1) throw new BtsnoopFormatError(`btsnoop version ${version}; only version 1 exists`);
  const records: BtsnoopRecord[] = [];
  const capture: BtsnoopCapture = { version, datalink, records };
  let o = BTSNOOP_HEADER_LENGTH;
  while (o < buf.length) {
    if (buf.length - o < BTSNOOP_RECORD_HEADER_LENGTH) {
      capture.truncated = `record header at offset ${o} has ${buf.length - o} of 24 octets`;
      break;
    }
    const originalLength = buf.readUInt32BE(o);
    const includedLength = buf.readUInt32BE(o + 4);
    const flags = buf.readUInt32BE(o + 8);
    const cumulativeDrops = buf.readUInt32BE(o + 12);
    const timestamp = buf.readBigInt64BE(o + 16);
    if (buf.length - o - BTSNOOP_RECORD_HEADER_LENGTH < includedLength) {
      capture.truncated = `record at offset ${o} says ${includedLength} octets, ${buf.length - o - BTSNOOP_RECORD_HEADER_LENGTH} left`;
      break;
    }
    const start = o + BTSNOOP_RECORD_HEADER_LENGTH;
    records.push({
      originalLength,
      includedLength,
      flags,
      cumulativeDrops,
      timestamp,
      unixMs: Number(timestamp - BTSNOOP_EPOCH_OFFSET_US) / 1000,
      dir: flags & BTSNOOP_FLAG_RECEIVED ? 'rx' : 'tx',
      commandOrEvent: (flags & BTSNOOP_FLAG_COMMAND_OR_EVENT) !== 0,
      packet: buf.subarray(start, start + includedLength),
    });
    o = start + includedLength;
  }
  return capture;
}

export async function readBtsnoop(path: string): Promise<BtsnoopCapture> {
  return parseBtsnoop(await readFile(path));
}

/** The timeline a tap would have built from these records; ms counts from the first record. */
export function decodeCapture(records: readonly BtsnoopRecord[], options: DecoderOptions = {}): TraceEntry[] {
  const decoder = new PacketDecoder(options);
  const out: TraceEntry[] = [];
  const scratch: Decoded<object>[] = [];
  const t0 = records[0]?.unixMs ?? 0;
  for (const r of records) {
    decoder.decode(r.dir, r.packet, scratch);
    for (const d of scratch) out.push(new TraceEntry(out.length, r.unixMs - t0, r.dir, d));
    emptyScratch(scratch);
  }
  return out;
}
