import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { H4 } from '../../common/base/codes/hci.js';
import { H4Framer, H4FramingError } from '../../common/stack/h4/h4-framer.js';

// Arbitrary well-formed H4 packets of every kind.
const packet = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 255 })).map(([op, p]) =>
    Buffer.concat([Buffer.from([H4.COMMAND, op & 0xff, op >> 8, p.length]), Buffer.from(p)]),
  ),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 600 })).map(([h, p]) => {
    const hdr = Buffer.alloc(5);
    hdr[0] = H4.ACL;
    hdr.writeUInt16LE(h, 1);
    hdr.writeUInt16LE(p.length, 3);
    return Buffer.concat([hdr, Buffer.from(p)]);
  }),
  fc.tuple(fc.integer({ min: 0, max: 0xff }), fc.uint8Array({ maxLength: 255 })).map(([code, p]) =>
    Buffer.concat([Buffer.from([H4.EVENT, code, p.length]), Buffer.from(p)]),
  ),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 255 })).map(([h, p]) =>
    Buffer.concat([Buffer.from([H4.SCO, h & 0xff, h >> 8, p.length]), Buffer.from(p)]),
  ),
);

describe('H4 stream framing', () => {
  it('yields exactly the packets sent, under any split and coalescing of reads', () => {
    fc.assert(
      fc.property(fc.array(packet, { minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 60 }), (pkts, cuts) => {
        const stream = Buffer.concat(pkts);
        const framer = new H4Framer();
        const out: Buffer[] = [];
        let at = 0;
        let i = 0;
        while (at < stream.length) {
          const n = cuts[i++ % cuts.length]!;
          out.push(...framer.push(stream.subarray(at, at + n)));
          at += n;
        }
        expect(out).toEqual(pkts);
        expect(framer.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a partial packet back until the rest arrives, byte by byte', () => {
    const pkt = Buffer.from([H4.EVENT, 0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00]);
    const framer = new H4Framer();
    for (let i = 0; i < pkt.length - 1; i++) expect(framer.push(pkt.subarray(i, i + 1))).toEqual([]);
    expect(framer.push(pkt.subarray(pkt.length - 1))).toEqual([pkt]);
  });

  it('returns copies that later reads cannot overwrite', () => {
    const chunk = Buffer.from([H4.EVENT, 0x0e, 0x01, 0x07]);
    const [p] = new H4Framer().push(chunk);
    chunk.fill(0);
    expect(p).toEqual(Buffer.from([H4.EVENT, 0x0e, 0x01, 0x07]));
  });

  it('names a byte that is no packet indicator', () => {
    expect(() => new H4Framer().push(Buffer.from([0x09, 1, 2]))).toThrow(H4FramingError);
    expect(() => new H4Framer().push(Buffer.from([0x09]))).toThrow(/0x09 is not a packet indicator/);
  });
});
