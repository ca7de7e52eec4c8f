// pcapng files: blocks (type, total length, body, total length) in the section's byte order; interfaces
// carry the link type and timestamp resolution; Enhanced, Simple and (obsolete) Packet Blocks are frames.
// IETF draft-ietf-opsawg-pcapng sections 4.1-4.4, 4.6 (block layouts), 4.2 (if_tsresol).
import { PCAPNG_BLOCK, PCAPNG_BYTE_ORDER_MAGIC, PCAPNG_OPTION_IF_TSRESOL } from '../../base/codes/capture.js';
import type { ByteStream } from './byte-stream.js';
import type { CaptureRecord } from './capture-record.js';
import { LinkLayerSession } from './link-layer.js';
import { pcapPacketRecord } from './pcap-packet.js';
import type { ReadState } from './read-state.js';

const MAX_BLOCK = 0x100000;
const MIN_BLOCK = 12;

interface Interface {
  linkType: number;
  /** Seconds per timestamp unit. */
  unit: number;
  snapLength: number;
}

export class PcapngReader {
  byteOrder: 'big' | 'little' = 'little';
  readonly interfaces: Interface[] = [];
  private readonly ll = new LinkLayerSession();

  constructor(private readonly s: ByteStream) {}

  /** Read blocks up to the first interface (so the link type is known); stops early on damage. */
  async start(st: ReadState): Promise<string | undefined> {
    const first = await this.block(st);
    if (typeof first === 'string') return first;
    if (!first || first.type !== PCAPNG_BLOCK.SECTION_HEADER) return 'the file does not start with a pcapng Section Header Block';
    // The interfaces normally follow at once: read them so the link type is known before the first packet.
    while ((await this.s.need(8)) && this.u32(this.s.peek(4), 0) === PCAPNG_BLOCK.INTERFACE_DESCRIPTION) {
      const r = await this.block(st);
      if (typeof r === 'string') return r;
    }
    return undefined;
  }

  private u32(b: Buffer, o: number): number {
    return this.byteOrder === 'big' ? b.readUInt32BE(o) : b.readUInt32LE(o);
  }

  private u16(b: Buffer, o: number): number {
    return this.byteOrder === 'big' ? b.readUInt16BE(o) : b.readUInt16LE(o);
  }

  /** One block: its type and body (a view), after handling section and interface blocks. */
  private async block(st: ReadState): Promise<{ type: number; body: Buffer; offset: number } | string | undefined> {
    const s = this.s;
    const offset = s.offset;
    if (!(await s.need(1))) return undefined;
    if (!(await s.need(MIN_BLOCK))) return `the file ends inside a block header at offset ${offset}`;
    const h = s.peek(MIN_BLOCK);
    const type = this.byteOrder === 'big' ? h.readUInt32BE(0) : h.readUInt32LE(0);
    if (type === PCAPNG_BLOCK.SECTION_HEADER) {
      const bom = h.readUInt32LE(8);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.byteOrder = 'little';
      else if (h.readUInt32BE(8) === PCAPNG_BYTE_ORDER_MAGIC) this.byteOrder = 'big';
      else return `Section Header Block at offset ${offset} has no byte-order magic`;
      this.interfaces.length = 0;
    }
    const total = this.u32(h, 4);
    if (total < MIN_BLOCK || total > MAX_BLOCK || total % 4 !== 0) return `block at offset ${offset} says its length is ${total}`;
    if (!(await s.need(total))) return `the file ends inside a block at offset ${offset}: ${total} octets announced, ${s.buffered} present`;
    const b = s.take(total);
    if (this.u32(b, total - 4) !== total) return `block at offset ${offset}: the trailing length does not repeat the leading one`;
    const body = b.subarray(8, total - 4);
    if (type === PCAPNG_BLOCK.INTERFACE_DESCRIPTION) this.interfaces.push(this.interface(body));
    return { type, body, offset };
  }

  private interface(body: Buffer): Interface {
    const linkType = this.u16(body, 0);
    const snapLength = this.u32(body, 4);
    let unit = 1e-6;
    let o = 8;
    while (o + 4 <= body.length) {
      const code = this.u16(body, o);
      const len = this.u16(body, o + 2);
      if (code === 0) break;
      if (code === PCAPNG_OPTION_IF_TSRESOL && len >= 1) {
        const v = body[o + 4]!;
        unit = v & 0x80 ? 2 ** -(v & 0x7f) : 10 ** -(v & 0x7f);
      }
      o += 4 + len + ((4 - (len % 4)) % 4);
    }
    return { linkType, unit, snapLength };
  }

  async *records(st: ReadState): AsyncGenerator<CaptureRecord> {
    for (;;) {
      const record = st.frame + 1;
      const offset = this.s.offset;
      const blk = await this.block(st);
      if (blk === undefined) return;
      if (typeof blk === 'string') {
        st.damage = { record, offset, problem: blk };
        return;
      }
      const { type, body } = blk;
      let ifIndex = 0;
      let ts = 0;
      let data: Buffer;
      let original: number;
      if (type === PCAPNG_BLOCK.ENHANCED_PACKET || type === PCAPNG_BLOCK.PACKET_OBSOLETE) {
        if (body.length < 20) {
          st.damage = { record, offset, problem: 'packet block too short' };
          return;
        }
        ifIndex = type === PCAPNG_BLOCK.ENHANCED_PACKET ? this.u32(body, 0) : this.u16(body, 0);
        ts = this.u32(body, 4) * 0x1_0000_0000 + this.u32(body, 8);
        const captured = this.u32(body, 12);
        original = this.u32(body, 16);
        if (20 + captured > body.length) {
          st.damage = { record, offset, problem: `packet block says ${captured} captured octets, ${body.length - 20} present` };
          return;
        }
        data = body.subarray(20, 20 + captured);
      } else if (type === PCAPNG_BLOCK.SIMPLE_PACKET) {
        original = this.u32(body, 0);
        const iface = this.interfaces[0];
        data = body.subarray(4, 4 + Math.min(original, iface?.snapLength || original, body.length - 4));
      } else {
        continue; // section, interface, statistics, name resolution, custom blocks are not frames
      }
      const iface = this.interfaces[ifIndex];
      if (!iface) {
        st.damage = { record, offset, problem: `packet on interface ${ifIndex}, which no Interface Description Block declared` };
        return;
      }
      st.frame = record;
      yield pcapPacketRecord(iface.linkType, data, { frame: record, unixMs: ts * iface.unit * 1000, offset, originalLength: original }, this.ll);
    }
  }
}
