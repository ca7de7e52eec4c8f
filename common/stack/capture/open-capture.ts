// Open any capture blebench reads: the format found from the content (magic numbers, PacketLogger's length
// field), gzip undone, records read as a stream. Damage stops reading and is named (record number, offset);
// a file that yields nothing readable is bad input (exit 2).
import { BadInputError } from '../../base/errors/blebench-error.js';
import { BTSNOOP_MAGIC } from '../trace/btsnoop-format.js';
import { PCAPNG_BLOCK } from '../../base/codes/capture.js';
import { byteStreamOf, openByteStream, type ByteStream } from './byte-stream.js';
import { DATALINK_WORDS, btsnoopBatches, readBtsnoopHeader } from './btsnoop-read.js';
import type { CaptureDamage, CaptureInfo, CaptureRecord } from './capture-record.js';
import { LINKTYPE_WORDS } from './pcap-packet.js';
import { pcapMagic, pcapRecords, readPcapHeader } from './pcap-read.js';
import { PcapngReader } from './pcapng-read.js';
import { pklgByteOrder, pklgRecords } from './pklg-read.js';
import type { ReadState } from './read-state.js';

const SNIFF = 16;

export class CaptureFormatError extends BadInputError {
  constructor(file: string, message: string, hint?: string) {
    super('CAPTURE_UNREADABLE', message, { file }, hint ? { hint } : undefined);
  }
}

export interface Capture {
  file: string;
  info: CaptureInfo;
  /** Every record in file order; call once (this or batches()). */
  records(): AsyncGenerator<CaptureRecord>;
  /** The same records in batches (whole buffered runs), for speed on long files; call once. */
  batches(): AsyncGenerator<CaptureRecord[]>;
  /** After records() ended: where reading stopped on damage, if it did. */
  readonly damage: CaptureDamage | undefined;
  /** After records() ended: how many records were read. */
  readonly recordsRead: number;
  close(): void;
}

const HINT = 'blebench reads btsnoop (1001, 1002, 2001), Apple PacketLogger (.pklg), pcap and pcapng (link types 187, 201, 254, 251, 256, 272), gzip-compressed or not';

/** Open a capture file. Throws CaptureFormatError (exit 2) when the file is not a capture blebench reads. */
export async function openCapture(file: string): Promise<Capture> {
  let opened: Awaited<ReturnType<typeof openByteStream>>;
  try {
    opened = await openByteStream(file);
  } catch (e) {
    throw new CaptureFormatError(file, `cannot open ${file}: ${(e as Error).message}`);
  }
  try {
    return await fromStream(file, opened.stream, opened.gzip, opened.close);
  } catch (e) {
    opened.close();
    throw e;
  }
}

/** The same, over bytes in memory. */
export async function captureOf(name: string, bytes: Buffer): Promise<Capture> {
  return fromStream(name, byteStreamOf(bytes), false, () => undefined);
}

async function fromStream(file: string, s: ByteStream, gzip: boolean, close: () => void): Promise<Capture> {
  await s.need(SNIFF);
  if (s.error) throw new CaptureFormatError(file, `${file} is damaged before its first record: ${s.error.message}`, HINT);
  const head = Buffer.from(s.peek(SNIFF));
  if (head.length === 0) throw new CaptureFormatError(file, `${file} is empty: no capture to read`, HINT);
  const st: ReadState = { frame: 0 };
  let info: CaptureInfo;
  let gen: AsyncGenerator<CaptureRecord[]>;
  if (head.subarray(0, 8).equals(BTSNOOP_MAGIC)) {
    const h = await readBtsnoopHeader(s);
    if (typeof h === 'string') throw new CaptureFormatError(file, `${file}: ${h}`, HINT);
    info = { format: 'btsnoop', variant: `btsnoop datalink ${DATALINK_WORDS[h.datalink]}`, linkType: h.datalink, gzip };
    gen = btsnoopBatches(s, h.datalink, st);
  } else if (pcapMagic(head)) {
    const h = await readPcapHeader(s);
    if (typeof h === 'string') throw new CaptureFormatError(file, `${file}: ${h}`, HINT);
    if (!LINKTYPE_WORDS[h.linkType]) throw new CaptureFormatError(file, `${file}: pcap link type ${h.linkType} is not Bluetooth HCI or LE link layer`, HINT);
    info = { format: 'pcap', variant: `pcap link type ${LINKTYPE_WORDS[h.linkType]}`, linkType: h.linkType, gzip, byteOrder: h.byteOrder };
    gen = single(pcapRecords(s, h, st));
  } else if (head.length >= 4 && head.readUInt32BE(0) === PCAPNG_BLOCK.SECTION_HEADER) {
    const r = new PcapngReader(s);
    const problem = await r.start(st);
    if (problem) throw new CaptureFormatError(file, `${file}: ${problem}`, HINT);
    const lt = r.interfaces[0]?.linkType ?? -1;
    if (lt >= 0 && !LINKTYPE_WORDS[lt]) throw new CaptureFormatError(file, `${file}: pcapng link type ${lt} is not Bluetooth HCI or LE link layer`, HINT);
    info = { format: 'pcapng', variant: `pcapng link type ${LINKTYPE_WORDS[lt] ?? '(no interface)'}`, linkType: lt, gzip, byteOrder: r.byteOrder };
    gen = single(r.records(st));
  } else {
    const order = pklgByteOrder(head);
    if (!order) throw new CaptureFormatError(file, `${file} is not a capture blebench reads (its first octets are ${head.subarray(0, 8).toString('hex')})`, HINT);
    info = { format: 'pklg', variant: `Apple PacketLogger, ${order}-endian`, linkType: -1, gzip, byteOrder: order };
    gen = single(pklgRecords(s, order, st));
  }
  let done = false;
  const capture: Capture = {
    file,
    info,
    async *records() {
      for await (const batch of capture.batches()) yield* batch;
    },
    async *batches() {
      try {
        yield* gen;
        if (s.error && !st.damage) st.damage = { record: st.frame + 1, offset: s.offset, problem: `the file cannot be read past here: ${s.error.message}` };
      } finally {
        done = true;
        close();
      }
    },
    get damage() {
      return done ? st.damage : undefined;
    },
    get recordsRead() {
      return st.frame;
    },
    close,
  };
  return capture;
}

async function* single(g: AsyncGenerator<CaptureRecord>): AsyncGenerator<CaptureRecord[]> {
  for await (const r of g) yield [r];
}

/** Words for damage: "record 12 at offset 340: the file ends inside the record …". */
export function damageText(d: CaptureDamage): string {
  return `record ${d.record} at offset ${d.offset}: ${d.problem}`;
}
