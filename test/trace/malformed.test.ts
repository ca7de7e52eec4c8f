import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OP } from '../../common/base/codes/hci.js';
import { Tap } from '../../common/stack/trace/tap.js';
import type { MalformedFields, TimelineEntry } from '../../common/stack/trace/timeline.js';
import { HANDLE, acl, att, cc, cmd, connectionComplete, disconnectionComplete, evt, l2, pdu, smp } from './packets.js';

const LAYERS = new Set(['hci-cmd', 'hci-evt', 'hci-acl', 'l2cap', 'att', 'smp', 'l2cap-sig', 'hci-sco', 'hci-iso', 'malformed']);

function feed(...packets: [('tx' | 'rx'), Buffer][]): TimelineEntry[] {
  const tap = new Tap({ aclEntries: false });
  tap.observe('rx', connectionComplete({ handle: HANDLE, role: 0, peerType: 1, peer: 'C0:DE:C0:FF:EE:01' }));
  for (const [d, p] of packets) tap.observe(d, p);
  return tap.entries.slice(1) as TimelineEntry[];
}
const only = (entries: TimelineEntry[]): TimelineEntry => {
  expect(entries).toHaveLength(1);
  return entries[0]!;
};
const problem = (e: TimelineEntry) => (e.fields as unknown as MalformedFields).problem;

describe('malformed input becomes a malformed entry naming what is wrong', () => {
  it('truncated ATT Error Response', () => {
    const e = only(feed(['rx', pdu(HANDLE, 4, Buffer.from([0x01, 0x0a, 0x03]))]));
    expect(e.layer).toBe('malformed');
    expect(e.name).toBe('Malformed ATT Error Response');
    expect(e.handle).toBe(HANDLE);
    expect(e.fields).toMatchObject({ expected: 'att', code: 0x01, cid: 4 });
    // The reason is common/stack/att's, the layout every ATT user shares. Vol 3 Part F 3.4.1.1.
    expect(problem(e)).toBe('Error Response has 4 octets of parameters, not 2');
    expect(e.summary).toBe(`Malformed ATT Error Response: ${problem(e)}`);
  });

  it('ATT Read Request with a trailing octet', () => {
    const e = only(feed(['tx', pdu(HANDLE, 4, Buffer.from([0x0a, 0x03, 0x00, 0xff]))]));
    expect(e.name).toBe('Malformed ATT Read Request');
    expect(problem(e)).toBe('Read Request has 2 octets of parameters, not 3');
  });

  it('a Multiple Handle Value Notification with one tuple (it carries two or more, Vol 3 Part F 3.4.7.4)', () => {
    const e = only(feed(['rx', pdu(HANDLE, 4, Buffer.from([0x23, 0x03, 0x00, 0x01, 0x00, 0xaa]))]));
    expect(e.name).toBe('Malformed ATT Multiple Handle Value Notification');
    expect(problem(e)).toBe('Multiple Handle Value Notification carries two or more tuples, not 1');
  });

  it('unknown ATT opcode', () => {
    const e = only(feed(['tx', pdu(HANDLE, 4, Buffer.from([0x7f, 0x01]))]));
    expect(e.name).toBe('Malformed ATT PDU');
    expect(problem(e)).toBe('unknown ATT opcode 0x7F');
    expect(e.fields).toMatchObject({ code: 0x7f });
  });

  it('empty ATT PDU, unknown SMP code, SMP Pairing Request of the wrong length', () => {
    expect(problem(only(feed(['tx', pdu(HANDLE, 4, Buffer.alloc(0))])))).toMatch(/empty PDU/);
    expect(problem(only(feed(['rx', pdu(HANDLE, 6, Buffer.from([0x42]))])))).toBe('unknown SMP command code 0x42');
    const short = only(feed(['tx', pdu(HANDLE, 6, smp.pairingReq(3, 0, 1, 16, 0, 1).subarray(0, 5))]));
    expect(short.name).toBe('Malformed SMP Pairing Request');
    expect(problem(short)).toMatch(/Initiator Key Distribution needs 1 octet/);
    const long = only(feed(['rx', pdu(HANDLE, 6, Buffer.from([0x05, 0x08, 0x00]))]));
    expect(long.name).toBe('Malformed SMP Pairing Failed');
    expect(problem(long)).toMatch(/trailing/);
  });

  it('HCI command and event whose length octet disagrees with the packet', () => {
    const c = only(feed(['tx', Buffer.from([0x01, 0x0c, 0x20, 0x02, 0x01])]));
    expect(c.name).toBe('Malformed HCI LE Set Scan Enable');
    expect(problem(c)).toBe('Parameter_Total_Length says 2 octets, 1 present');
    const ev = only(feed(['rx', Buffer.from([0x04, 0x05, 0x04, 0x00, 0x40, 0x00])]));
    expect(ev.name).toBe('Malformed HCI Event 0x05');
    expect(ev.fields).toMatchObject({ expected: 'hci-evt', code: 0x05 });
  });

  it('HCI parameters that are consistent in length but too short for the command or event', () => {
    const c = only(feed(['tx', cmd(OP.LE_SET_SCAN_ENABLE, [0x01])]));
    expect(c.name).toBe('Malformed HCI LE Set Scan Enable');
    expect(problem(c)).toMatch(/filterDuplicates needs 1 octet/);
    const ev = only(feed(['rx', disconnectionComplete(0, HANDLE, 0x13).subarray(0, 5)]));
    expect(ev.layer).toBe('malformed');
    const d = only(feed(['rx', evt(0x05, [0x00, 0x40, 0x00])]));
    expect(d.name).toBe('Malformed HCI Event 0x05');
    expect(problem(d)).toMatch(/reason needs 1 octet/);
  });

  it('Command Complete for a failed command may carry the status alone', () => {
    const e = only(feed(['rx', cc(OP.READ_BD_ADDR, [0x01])]));
    expect(e.layer).toBe('hci-evt');
    expect(e.fields).toMatchObject({ status: 1, statusName: 'Unknown HCI Command', commandName: 'Read BD_ADDR' });
  });

  it('ACL whose Data_Total_Length disagrees with the packet', () => {
    const p = acl(HANDLE, 0, l2(4, att.readReq(3)));
    const e = only(feed(['tx', p.subarray(0, p.length - 1)]));
    expect(e.name).toBe('Malformed HCI ACL Data');
    expect(problem(e)).toMatch(/Data_Total_Length says 7 octets, 6 present/);
  });

  it('ACL continuation without a start', () => {
    const e = only(feed(['rx', acl(HANDLE, 0b01, Buffer.from([1, 2, 3]))]));
    expect(e.name).toBe('Malformed L2CAP PDU');
    expect(problem(e)).toMatch(/ACL continuation without a start/);
  });

  it('a start while a PDU is incomplete reports the dropped PDU, then decodes the new one', () => {
    const frame = l2(4, att.readRsp(Buffer.alloc(40, 1)));
    const entries = feed(['rx', acl(HANDLE, 0b10, frame.subarray(0, 20))], ['rx', pdu(HANDLE, 4, att.readReq(3))]);
    expect(entries.map((e) => e.name)).toEqual(['Malformed L2CAP PDU', 'ATT Read Request']);
    expect(problem(entries[0]!)).toMatch(/incomplete PDU dropped \(a new start fragment arrived\): 16 octets of 41 payload octets/);
  });

  it('a continuation that overruns the L2CAP length', () => {
    const frame = l2(4, att.readRsp(Buffer.alloc(30, 1)));
    const entries = feed(['rx', acl(HANDLE, 0, frame.subarray(0, 20))], ['rx', acl(HANDLE, 1, Buffer.concat([frame.subarray(20), Buffer.from([9, 9])]))]);
    expect(entries).toHaveLength(1);
    expect(problem(entries[0]!)).toMatch(/overruns the L2CAP Length/);
  });

  it('an L2CAP header split across fragments still reassembles', () => {
    const frame = l2(4, att.ntf(0x10, Buffer.alloc(10, 7)));
    const e = only(feed(['rx', acl(HANDLE, 0, frame.subarray(0, 2))], ['rx', acl(HANDLE, 1, frame.subarray(2, 5))], ['rx', acl(HANDLE, 1, frame.subarray(5))]));
    expect(e.name).toBe('ATT Handle Value Notification');
  });

  it('a disconnection drops half-built PDUs on that handle', () => {
    const frame = l2(4, att.readRsp(Buffer.alloc(40, 1)));
    const entries = feed(['rx', acl(HANDLE, 0, frame.subarray(0, 20))], ['rx', disconnectionComplete(0, HANDLE, 0x08)]);
    expect(entries.map((e) => e.name)).toEqual(['HCI Disconnection Complete', 'Malformed L2CAP PDU']);
    expect(problem(entries[1]!)).toMatch(/the link disconnected/);
  });

  it('fragments in the two directions do not mix', () => {
    const a = l2(4, att.readRsp(Buffer.alloc(30, 1)));
    const b = l2(4, att.writeReq(0x20, Buffer.alloc(30, 2)));
    const entries = feed(
      ['rx', acl(HANDLE, 0, a.subarray(0, 20))],
      ['tx', acl(HANDLE, 0, b.subarray(0, 20))],
      ['rx', acl(HANDLE, 1, a.subarray(20))],
      ['tx', acl(HANDLE, 1, b.subarray(20))],
    );
    expect(entries.map((e) => `${e.dir} ${e.name}`)).toEqual(['rx ATT Read Response', 'tx ATT Write Request']);
  });

  it('empty packet and unknown H4 indicator', () => {
    expect(problem(only(feed(['rx', Buffer.alloc(0)])))).toMatch(/empty packet/);
    expect(problem(only(feed(['rx', Buffer.from([0x07, 1, 2])])))).toBe('unknown H4 packet indicator 0x07');
  });

  it('LE signaling: BR/EDR-only code, wrong command length, zero identifier', () => {
    expect(problem(only(feed(['rx', pdu(HANDLE, 5, Buffer.from([0x08, 0x01, 0x00, 0x00]))])))).toMatch(/Echo Request \(0x08\) is not valid on the LE signaling channel/);
    expect(problem(only(feed(['rx', pdu(HANDLE, 5, Buffer.from([0x13, 0x01, 0x04, 0x00, 0x00, 0x00]))])))).toMatch(/Length says 4 octets, 2 present/);
    expect(problem(only(feed(['rx', pdu(HANDLE, 5, Buffer.from([0x13, 0x00, 0x02, 0x00, 0x00, 0x00]))])))).toMatch(/Identifier 0x00/);
  });
});

describe('random bytes never make the tap throw', () => {
  const check = (entries: readonly TimelineEntry[]) => {
    for (const e of entries) {
      expect(LAYERS.has(e.layer)).toBe(true);
      expect(typeof e.summary).toBe('string');
      expect(e.summary.length).toBeGreaterThan(0);
      expect(e.summary).not.toMatch(/summary failed/);
      // a decoder bug would show as 'decoder error': every problem must be a named format problem
      if (e.layer === 'malformed') expect(problem(e)).not.toMatch(/^decoder error/);
      JSON.stringify(e);
    }
  };

  it('arbitrary buffers as packets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<'tx' | 'rx'>('tx', 'rx'), fc.uint8Array({ maxLength: 300 })), { maxLength: 40 }), (pkts) => {
        const tap = new Tap({ aclEntries: true });
        for (const [d, b] of pkts) tap.observe(d, Buffer.from(b));
        check(tap.entries);
      }),
      { numRuns: 500 },
    );
  });

  it('well-framed HCI packets with random contents (every indicator, valid lengths)', () => {
    const packet = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 255 })).map(([op, p]) => cmd(op, Buffer.from(p))),
      fc.tuple(fc.constantFrom(0x05, 0x08, 0x0e, 0x0f, 0x13, 0x30, 0x3e, 0x59, 0xff, 0x10), fc.uint8Array({ maxLength: 255 })).map(([c, p]) => evt(c, Buffer.from(p))),
      fc.tuple(fc.constantFrom(0x01, 0x02, 0x03, 0x05, 0x0a, 0x0d), fc.uint8Array({ maxLength: 254 })).map(([s, p]) => evt(0x3e, Buffer.concat([Buffer.from([s]), Buffer.from(p)]))),
      fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 300 })).map(([hf, p]) => {
        const b = Buffer.from(p);
        const h = Buffer.alloc(5);
        h[0] = 0x02;
        h.writeUInt16LE(hf, 1);
        h.writeUInt16LE(b.length, 3);
        return Buffer.concat([h, b]);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<'tx' | 'rx'>('tx', 'rx'), packet), { maxLength: 40 }), (pkts) => {
        const tap = new Tap();
        for (const [d, b] of pkts) tap.observe(d, b);
        check(tap.entries);
      }),
      { numRuns: 500 },
    );
  });

  it('whole L2CAP PDUs with random ATT, SMP and signaling payloads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(4, 5, 6, 0x40), fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 1, max: 40 })), { maxLength: 30 }),
        (pdus) => {
          const tap = new Tap();
          tap.observe('rx', connectionComplete({ handle: HANDLE, role: 1, peerType: 0, peer: '00:11:22:33:44:55' }));
          for (const [cid, p, frag] of pdus) {
            const frame = l2(cid, Buffer.from(p));
            for (let o = 0; o < frame.length; o += frag) tap.observe('rx', acl(HANDLE, o === 0 ? 0 : 1, frame.subarray(o, o + frag)));
          }
          check(tap.entries);
          // every PDU became exactly one upper-layer entry, decoded or malformed
          expect(tap.entries.length).toBe(1 + pdus.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
