// H4 stream framing: one whole HCI packet out per packet in, whatever the stream's read boundaries.
// Core v5.4 Vol 4 Part A 2 (packet indicator), Part E 5.4 (header layouts).
import { H4 } from '../../base/codes/hci.js';
import { hex } from '../../base/codes/code-table.js';

/** Header length after the indicator byte, and where the payload length sits in it. */
const LAYOUT: Record<number, { header: number; lengthAt: number; lengthSize: 1 | 2 }> = {
  [H4.COMMAND]: { header: 3, lengthAt: 2, lengthSize: 1 }, // opcode(2) len(1)
  [H4.ACL]: { header: 4, lengthAt: 2, lengthSize: 2 }, // handle+flags(2) len(2)
  [H4.SCO]: { header: 3, lengthAt: 2, lengthSize: 1 }, // handle+flags(2) len(1)
  [H4.EVENT]: { header: 2, lengthAt: 1, lengthSize: 1 }, // code(1) len(1)
  [H4.ISO]: { header: 4, lengthAt: 2, lengthSize: 2 }, // handle+flags(2) len(14 bits)
};

export class H4FramingError extends Error {
  readonly code = 'H4_FRAMING';
  constructor(readonly indicator: number) {
    super(`H4 stream out of sync: ${hex(indicator)} is not a packet indicator`);
  }
}

/** Total packet length (indicator included) if the header is complete, else undefined. Throws on a bad indicator. */
export function h4PacketLength(buf: Buffer, offset = 0): number | undefined {
  if (buf.length - offset < 1) return undefined;
  const indicator = buf[offset]!;
  const layout = LAYOUT[indicator];
  if (!layout) throw new H4FramingError(indicator);
  if (buf.length - offset < 1 + layout.header) return undefined;
  const at = offset + 1 + layout.lengthAt;
  let len = layout.lengthSize === 1 ? buf[at]! : buf.readUInt16LE(at);
  if (indicator === H4.ISO) len &= 0x3fff;
  return 1 + layout.header + len;
}

/**
 * Accumulates stream chunks and returns every complete packet they finish. Copes with a packet
 * split across reads and with several packets in one read.
 */
export class H4Framer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const total = h4PacketLength(buf, offset);
      if (total === undefined || buf.length - offset < total) break;
      // copy: the caller may keep packets while the stream reuses its buffers
      out.push(Buffer.from(buf.subarray(offset, offset + total)));
      offset += total;
    }
    this.pending = offset === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(offset));
    return out;
  }

  /** Bytes held back waiting for the rest of a packet. */
  get buffered(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}
