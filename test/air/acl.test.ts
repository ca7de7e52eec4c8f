// ACL data: Core v5.4 Vol 4 Part E 4.1 (flow control), 5.4.2 (packet boundary flags), 7.7.19
// (Number Of Completed Packets), 7.7.26 (Data Buffer Overflow).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EVT, H4 } from '../../common/base/codes/hci.js';
import { Radio } from '../../common/stack/air/index.js';
import { l2cap, type TestHost } from './helpers/host.js';
import { connectedPair, u16, type Pair } from './helpers/setup.js';

const ATT_CID = 0x0004;
let pair: Pair | undefined;
afterEach(() => {
  pair?.radio.close();
  pair = undefined;
});

/** Completed packets reported to a host, per handle. */
function completed(h: TestHost, handle: number): number {
  let n = 0;
  for (const e of h.eventsOf(EVT.NUMBER_OF_COMPLETED_PACKETS)) {
    for (let i = 0; i < e.params[0]!; i++) if (e.params.readUInt16LE(1 + 4 * i) === handle) n += e.params.readUInt16LE(3 + 4 * i);
  }
  return n;
}

/** Split an L2CAP PDU into host fragments of the given sizes (the last takes the rest). */
function fragments(pdu: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < pdu.length; i += size) out.push(pdu.subarray(i, i + size));
  return out;
}

describe('ACL routing', () => {
  it('fragments arrive with their boundaries: first 0b10, continuing 0b01, on the peer\'s handle; NOCP counts each', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    const pdu = l2cap(ATT_CID, Buffer.alloc(600, 0xab).fill(0x12, 0, 1));
    const frags = fragments(pdu, 251);
    frags.forEach((f, i) => c.sendAcl(cHandle, i === 0 ? 0b00 : 0b01, f));
    await p.waitAcl(() => p.acl.length === frags.length, 'all fragments');
    expect(p.acl.map((a) => [a.handle, a.pb, a.data.length])).toEqual(frags.map((f, i) => [pHandle, i === 0 ? 0b10 : 0b01, f.length]));
    expect(Buffer.concat(p.acl.map((a) => a.data)).equals(pdu)).toBe(true);
    await c.waitEvent(() => completed(c, cHandle) === frags.length, 'completed packets');
    expect(c.eventsOf(EVT.NUMBER_OF_COMPLETED_PACKETS).length).toBeLessThanOrEqual(frags.length); // batched
  });

  it('the peripheral\'s packets reach the central the same way', async () => {
    pair = await connectedPair();
    const { c, p, cHandle, pHandle } = pair;
    p.sendAcl(pHandle, 0b10, l2cap(ATT_CID, [0x1b, 0x03, 0x00, 0x01]));
    const a = await c.waitAcl(() => true, 'notification');
    expect([a.handle, a.pb, [...a.data]]).toEqual([cHandle, 0b10, [4, 0, 4, 0, 0x1b, 3, 0, 1]]);
    await p.waitEvent(() => completed(p, pHandle) === 1, 'NOCP');
  });

  it('a packet longer than LE Read Buffer Size is dropped and counted, with no NOCP', async () => {
    pair = await connectedPair();
    const { c, p, central, cHandle } = pair;
    c.sendAcl(cHandle, 0b00, Buffer.alloc(252));
    c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [0x0a, 1, 0]));
    await p.waitAcl(() => true, 'the good packet');
    await c.barrier(0x1009);
    expect(central.counters.aclTooLong).toBe(1);
    expect(p.acl).toHaveLength(1);
    expect(completed(c, cHandle)).toBe(1);
  });

  it('more packets than buffers: Data Buffer Overflow (link type ACL) and the extra one dropped', async () => {
    pair = await connectedPair(new Radio());
    const { c, p, central, cHandle } = pair;
    for (let i = 0; i < 9; i++) c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [0x52, i]));
    const e = await c.waitEvent((ev) => ev.code === EVT.DATA_BUFFER_OVERFLOW, 'overflow');
    expect(e.params[0]).toBe(0x01);
    await p.waitAcl(() => p.acl.length === 8, 'eight packets');
    expect(central.counters.aclOverflow).toBe(1);
  });

  it('packets for a handle that just disconnected are flushed: never delivered, never completed', async () => {
    pair = await connectedPair();
    const { c, p, central, cHandle } = pair;
    await c.ok(0x0406, [...u16(cHandle), 0x13]);
    c.sendAcl(cHandle, 0b00, l2cap(ATT_CID, [0x0a, 1, 0]));
    await c.barrier(0x1009);
    await p.barrier(0x1009);
    expect(p.acl).toHaveLength(0);
    expect(central.counters.aclUnknownHandle).toBe(1);
    expect(c.eventsOf(EVT.NUMBER_OF_COMPLETED_PACKETS)).toHaveLength(0);
  });

  it('10,000 notifications of 244 bytes go through with NOCP flow control, quickly', async () => {
    pair = await connectedPair();
    const { c, p, pHandle, peripheral } = pair;
    const total = 10_000;
    const pdu = l2cap(ATT_CID, Buffer.concat([Buffer.from([0x1b, 0x10, 0x00]), Buffer.alloc(241, 7)]));
    let sent = 0;
    let outstanding = 0;
    const start = Date.now();
    const pump = () => {
      while (sent < total && outstanding < peripheral.options.aclBufferCount) {
        p.sendAcl(pHandle, 0b00, pdu);
        sent++;
        outstanding++;
      }
    };
    p.endpoint.onPacket((pk) => {
      if (pk[0] === H4.EVENT && pk[1] === EVT.NUMBER_OF_COMPLETED_PACKETS) {
        for (let i = 0; i < pk[3]!; i++) outstanding -= pk.readUInt16LE(6 + 4 * i);
        pump();
      }
    });
    pump();
    await c.waitAcl(() => c.acl.length === total, 'every notification', 20_000);
    const ms = Date.now() - start;
    expect(c.acl.every((a) => a.data.length === pdu.length)).toBe(true);
    expect(peripheral.counters.aclOverflow).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });

  it('property: any PDU split any way arrives with the same boundaries and bytes, and every fragment is completed', async () => {
    pair = await connectedPair();
    const { c, p, cHandle } = pair;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 1, max: 251 }), async (len, size) => {
        const before = p.acl.length;
        const done = completed(c, cHandle);
        const pdu = l2cap(ATT_CID, Buffer.alloc(len, len & 0xff));
        const frags = fragments(pdu, size);
        // respect the 8 buffers: wait for completions between bursts
        for (let i = 0; i < frags.length; i++) {
          if (i - (completed(c, cHandle) - done) >= 8) await c.waitEvent(() => i - (completed(c, cHandle) - done) < 8, 'buffer free');
          c.sendAcl(cHandle, i === 0 ? 0b00 : 0b01, frags[i]!);
        }
        await p.waitAcl(() => p.acl.length === before + frags.length, 'fragments');
        const got = p.acl.slice(before);
        expect(got.map((a) => a.data.length)).toEqual(frags.map((f) => f.length));
        expect(got.map((a) => a.pb)).toEqual(frags.map((_, i) => (i === 0 ? 0b10 : 0b01)));
        expect(Buffer.concat(got.map((a) => a.data)).equals(pdu)).toBe(true);
        await c.waitEvent(() => completed(c, cHandle) - done === frags.length, 'all completed');
      }),
      { numRuns: 40 },
    );
  });
});
