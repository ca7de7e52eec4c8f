// pcap (libpcap) files: a 24-octet header in the writer's byte order, then records (ts seconds, ts µs or ns,
// included length, original length). https://www.tcpdump.org/manpages/pcap-savefile.5.txt
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from '../../base/codes/capture.js';
import type { ByteStream } from './byte-stream.js';
import type { CaptureRecord } from './capture-record.js';
import { LinkLayerSession } from './link-layer.js';
import { pcapPacketRecord } from './pcap-packet.js';
import type { ReadState } from './read-state.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
const MAX_PACKET = 0x40000;

export interface PcapHeader {
  byteOrder: 'big' | 'little';
  nanoseconds: boolean;
  linkType: number;
}

export function pcapMagic(head: Buffer): Omit<PcapHeader, 'linkType'> | undefined {
  if (head.length < 4) return undefined;
  const be = head.readUInt32BE(0);
  const le = head.readUInt32LE(0);
  if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) return { byteOrder: 'big', nanoseconds: be === PCAP_MAGIC_NS };
  if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) return { byteOrder: 'little', nanoseconds: le === PCAP_MAGIC_NS };
  return undefined;
}

export async function readPcapHeader(s: ByteStream): Promise<PcapHeader | string> {
  if (!(s.buffered >= FILE_HEADER || (await s.need(FILE_HEADER)))) return `the pcap header needs ${FILE_HEADER} octets, the file has ${s.buffered}`;
  const h = s.take(FILE_HEADER);
  const magic = pcapMagic(h)!;
  const linkType = (magic.byteOrder === 'big' ? h.readUInt32BE(20) : h.readUInt32LE(20)) & 0x0fffffff;
  return { ...magic, linkType };
}

export async function* pcapRecords(s: ByteStream, hdr: PcapHeader, st: ReadState): AsyncGenerator<CaptureRecord> {
  const big = hdr.byteOrder === 'big';
  const ll = new LinkLayerSession();
  for (;;) {
    const offset = s.offset;
    if (!(s.buffered >= 1 || (await s.need(1)))) return;
    const record = st.frame + 1;
    if (!(s.buffered >= RECORD_HEADER || (await s.need(RECORD_HEADER)))) {
      st.damage = { record, offset, problem: `the file ends inside the record header (${s.buffered} of ${RECORD_HEADER} octets)` };
      return;
    }
    const h = s.take(RECORD_HEADER);
    const secs = big ? h.readUInt32BE(0) : h.readUInt32LE(0);
    const frac = big ? h.readUInt32BE(4) : h.readUInt32LE(4);
    const included = big ? h.readUInt32BE(8) : h.readUInt32LE(8);
    const original = big ? h.readUInt32BE(12) : h.readUInt32LE(12);
    if (included > MAX_PACKET) {
      st.damage = { record, offset, problem: `included length ${included} is impossible` };
      return;
    }
    if (!(s.buffered >= included || (await s.need(included)))) {
      st.damage = { record, offset, problem: `the file ends inside the record: ${included} octets announced, ${s.buffered} present` };
      return;
    }
    const data = s.take(included);
    st.frame = record;
    const unixMs = secs * 1000 + (hdr.nanoseconds ? frac / 1e6 : frac / 1000);
    yield pcapPacketRecord(hdr.linkType, data, { frame: record, unixMs, offset, originalLength: original }, ll);
  }
}
