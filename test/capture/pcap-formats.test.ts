// pcap link types 187, 201, 254 (HCI) read the same as tshark reads them; link-layer captures (256, 272) show
// advertising, the connection, LL control and SMP before encryption, and say encrypted payload is unreadable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture, type HciRecord } from '../../common/stack/capture/index.js';
import { explainFile } from '../../common/apps/explain/index.js';
import { blebenchRows, tsharkRows, tsharkRowsOf } from './decoded-rows.js';

const tmp = mkdtempSync(join(tmpdir(), 'blebench-pcap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A pcap file (https://www.tcpdump.org/manpages/pcap-savefile.5.txt) in either byte order. */
function pcap(linkType: number, packets: { ms: number; data: Buffer }[], big = false, nano = false): Buffer {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (big) b.writeUInt32BE(v >>> 0);
    else b.writeUInt32LE(v >>> 0);
    return b;
  };
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (big) b.writeUInt16BE(v);
    else b.writeUInt16LE(v);
    return b;
  };
  const parts: Buffer[] = [u32(nano ? 0xa1b23c4d : 0xa1b2c3d4), u16(2), u16(4), u32(0), u32(0), u32(65535), u32(linkType)];
  for (const p of packets) {
    const s = Math.floor(p.ms / 1000);
    const frac = Math.round((p.ms - s * 1000) * (nano ? 1e6 : 1e3));
    parts.push(u32(s), u32(frac), u32(p.data.length), u32(p.data.length), p.data);
  }
  return Buffer.concat(parts);
}

async function hciRecords(file: string): Promise<HciRecord[]> {
  const out: HciRecord[] = [];
  const cap = await openCapture(file);
  for await (const r of cap.records()) if (r.type === 'hci') out.push(r);
  return out;
}

const src = 'fixtures/captures/pairing-refused.btsnoop';

describe('pcap with HCI link types', () => {
  it('201 (H4 with direction), little- and big-endian, µs and ns: frame by frame as tshark reads it, findings as from the btsnoop', async () => {
    const recs = await hciRecords(src);
    const kinds = [[false, false], [true, true]] as const;
    const files = kinds.map(([big, nano]) => {
      const data = recs.map((r) => {
        const d = Buffer.alloc(4);
        d.writeUInt32BE(r.dir === 'rx' ? 1 : 0);
        return { ms: r.unixMs, data: Buffer.concat([d, r.packet]) };
      });
      const f = join(tmp, `h4phdr-${big}.pcap`);
      writeFileSync(f, pcap(201, data, big, nano));
      return f;
    });
    const theirs = tsharkRowsOf(files); // one tshark start for both (decoded-rows.ts)
    for (const [i, [big]] of kinds.entries()) {
      const f = files[i]!;
      const ours = await blebenchRows(f);
      expect(ours.rows, f).toEqual(theirs.get(f));
      const r = await explainFile(f);
      expect(r.info).toMatchObject({ format: 'pcap', linkType: 201, byteOrder: big ? 'big' : 'little' });
      expect(r.findings.map((x) => x.id)).toEqual(['pairing-refused']);
    }
  });
  it('254 (Linux monitor): opcodes and controller index from the header', async () => {
    const recs = await hciRecords(src);
    const op = (r: HciRecord) => ({ command: 2, event: 3, acl: r.dir === 'tx' ? 4 : 5, sco: 6, iso: 18 })[r.kind];
    const data = recs.map((r) => {
      const h = Buffer.alloc(4);
      h.writeUInt16BE(1, 0); // controller 1
      h.writeUInt16BE(op(r), 2);
      return { ms: r.unixMs, data: Buffer.concat([h, r.packet.subarray(1)]) };
    });
    const f = join(tmp, 'monitor.pcap');
    writeFileSync(f, pcap(254, data));
    expect((await blebenchRows(f)).rows).toEqual(tsharkRows(f));
    const r = await explainFile(f);
    expect(r.controllers).toEqual([1]);
    expect(r.findings.map((x) => x.id)).toEqual(['pairing-refused']);
  });
  it('187 (H4, no direction): commands go down and events come up; ACL direction is marked unknown', async () => {
    const recs = await hciRecords(src);
    const f = join(tmp, 'h4.pcap');
    writeFileSync(f, pcap(187, recs.map((r) => ({ ms: r.unixMs, data: r.packet }))));
    const back = await hciRecords(f);
    expect(back.map((r) => r.kind)).toEqual(recs.map((r) => r.kind));
    expect(back.filter((r) => r.kind !== 'acl').every((r, i, a) => r.dirKnown && r.dir === (r.kind === 'command' ? 'tx' : 'rx') && a.length > 0)).toBe(true);
    expect(back.filter((r) => r.kind === 'acl').every((r) => !r.dirKnown)).toBe(true);
  });
});

// Link layer, Core v5.4 Vol 6 Part B 2.3 (advertising), 2.4 (data PDUs), 2.4.2 (LL control).
const AA = 0x50654a3b;
const adv = (type: number, payload: Buffer) => Buffer.concat([u32le(0x8e89bed6), Buffer.from([type, payload.length]), payload, Buffer.alloc(3)]);
const data = (llid: number, payload: Buffer) => Buffer.concat([u32le(AA), Buffer.from([llid, payload.length]), payload, Buffer.alloc(3)]);
function u32le(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}
const addrLe = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex').reverse();
const central = 'C0:11:22:33:44:55';
const periph = 'D0:66:77:88:99:AA';
const air = [
  adv(0x00, Buffer.concat([addrLe(periph), Buffer.from([2, 1, 6])])),
  adv(0x05, Buffer.concat([addrLe(central), addrLe(periph), u32le(AA), Buffer.alloc(18)])),
  data(0x02, Buffer.from([7, 0, 6, 0, 0x01, 0x03, 0, 0x01, 16, 0, 1])), // SMP Pairing Request
  data(0x02, Buffer.from([7, 0, 6, 0, 0x02, 0x03, 0, 0x01, 16, 0, 1])), // SMP Pairing Response
  data(0x03, Buffer.concat([Buffer.from([0x03]), Buffer.alloc(8, 1), Buffer.from([0x34, 0x12]), Buffer.alloc(12)])), // LL_ENC_REQ
  data(0x03, Buffer.concat([Buffer.from([0x04]), Buffer.alloc(12)])), // LL_ENC_RSP
  data(0x03, Buffer.from([0x05])), // LL_START_ENC_REQ
  data(0x03, Buffer.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee])), // ciphertext + MIC
  data(0x02, Buffer.alloc(12, 0x5a)), // ciphertext
];

describe('link-layer captures', () => {
  it('256 (LE LL with radio header): advertising, CONNECT_IND, SMP in clear, LL_ENC_REQ; after LL_START_ENC unreadable', async () => {
    const phdr = (ch: number) => Buffer.concat([Buffer.from([ch, 0xc4, 0x9c, 0]), u32le(AA), Buffer.from([0x13, 0x00])]);
    const f = join(tmp, 'll256.pcap');
    writeFileSync(f, pcap(256, air.map((d, i) => ({ ms: 1_700_000_000_000 + i, data: Buffer.concat([phdr(i < 2 ? 37 : 5), d]) }))));
    const r = await explainFile(f);
    expect(r.connections).toHaveLength(1);
    const c = r.connections[0]!;
    expect(c.centralAddress).toBe(central);
    expect(c.peripheralAddress).toBe(periph);
    const story = c.lines.map((l) => l.text).join('\n');
    expect(story).toMatch(/CONNECT_IND: C0:11:22:33:44:55 \(central\) connects to D0:66:77:88:99:AA/);
    expect(story).toMatch(/SMP Pairing Request/);
    expect(story).toMatch(/LL_ENC_REQ: EDIV 0x1234/);
    expect(story).toMatch(/ciphertext and cannot be read without the key/);
    expect(r.encryptedLlPackets).toBe(2);
    const ts = execFileSync('tshark', ['-r', f, '-T', 'fields', '-e', 'frame.number', '-e', 'btle.control_opcode', '-e', 'btsmp.opcode'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = ts.trim().split('\n').map((l) => l.split('\t'));
    expect(rows[2]![2]).toBe('0x01'); // frame 3: SMP Pairing Request, as we read it
    expect(rows[4]![1]).toBe('0x03'); // frame 5: LL_ENC_REQ
    expect(c.lines.find((l) => /LL_ENC_REQ/.test(l.text))!.frame).toBe(5);
  });
  it('272 (nRF Sniffer): the sender from the flags; LL_REJECT_EXT_IND 0x06 is a peripheral without the key; LL_TERMINATE_IND reason', async () => {
    // The nRF Sniffer's header, version 3 (Wireshark packet-nordic_ble.c): board id; payload length u16, protocol
    // version, packet counter u16, packet id (0x02 an advertising PDU, 0x06 a data PDU); then the 10-octet
    // event header: its length, flags (bit 1 central → peripheral), channel, RSSI, event counter, timestamp.
    let counter = 0;
    const nordic = (flags: number, d: Buffer) => {
      const id = d.readUInt32LE(0) === 0x8e89bed6 ? 0x02 : 0x06;
      const uart = Buffer.alloc(6);
      uart.writeUInt16LE(10 + d.length, 0);
      uart[2] = 3;
      uart.writeUInt16LE(counter++, 3);
      uart[5] = id;
      return Buffer.concat([Buffer.from([0x00]), uart, Buffer.from([10, flags, 5, 60, 0, 0, 0, 0, 0, 0]), d]);
    };
    const frames = [
      nordic(0x01, air[1]!),
      nordic(0x03, air[4]!), // LL_ENC_REQ from the central (flag bit 1)
      nordic(0x01, data(0x03, Buffer.from([0x11, 0x03, 0x06]))), // LL_REJECT_EXT_IND: LL_ENC_REQ rejected, 0x06
      nordic(0x03, data(0x03, Buffer.from([0x02, 0x13]))), // LL_TERMINATE_IND 0x13
    ];
    const f = join(tmp, 'll272.pcap');
    writeFileSync(f, pcap(272, frames.map((d, i) => ({ ms: 1_700_000_000_000 + i, data: d }))));
    const r = await explainFile(f);
    expect(r.findings.map((x) => x.id)).toEqual(['peripheral-lost-bond']);
    const c = r.connections[0]!;
    expect(c.disconnect).toMatchObject({ frame: 4, reason: 0x13, by: 'central' });
    expect(c.lines.map((l) => l.text)).toContain('LL_REJECT_EXT_IND: LL_ENC_REQ rejected with 0x06 PIN or Key Missing');
    // Wireshark's nordic_ble dissector reads the same frames: the same LL control opcodes, frame by frame.
    const ts = execFileSync('tshark', ['-r', f, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.malformed', '-e', 'btle.control_opcode', '-e', 'btle.control.error_code', '-e', 'nordic_ble.direction'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = ts.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.map((r) => r[1])).toEqual(['', '', '', '']); // nothing malformed
    expect(rows.map((r) => r[2])).toEqual(['', '0x03', '0x11', '0x02']);
    expect(rows[2]![3]).toBe('0x06');
    expect(rows.slice(1).map((r) => r[4])).toEqual(['1', '0', '1']); // central → peripheral, as blebench read the senders
  });
});
