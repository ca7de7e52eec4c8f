// Text records kept as notes: PacketLogger notes and syslog (both byte orders), btmon's New Index, Index Info,
// System Note and User Logging; one timeline per controller; capture convert keeps notes where the format can.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureOf, openCapture, type CaptureRecord } from '../../common/stack/capture/index.js';
import { explainFile } from '../../common/apps/explain/index.js';
import { tsharkRows } from './decoded-rows.js';

const tmp = mkdtempSync(join(tmpdir(), 'blebench-notes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pklgRecord(big: boolean, type: number, payload: Buffer, secs = 1_767_268_800, us = 250_000): Buffer {
  const h = Buffer.alloc(13);
  if (big) {
    h.writeUInt32BE(9 + payload.length, 0);
    h.writeUInt32BE(secs, 4);
    h.writeUInt32BE(us, 8);
  } else {
    h.writeUInt32LE(9 + payload.length, 0);
    h.writeUInt32LE(secs, 4);
    h.writeUInt32LE(us, 8);
  }
  h[12] = type;
  return Buffer.concat([h, payload]);
}

async function all(bytes: Buffer): Promise<CaptureRecord[]> {
  const cap = await captureOf('mem', bytes);
  const out: CaptureRecord[] = [];
  for await (const r of cap.records()) out.push(r);
  return out;
}

describe('notes', () => {
  for (const big of [false, true]) {
    it(`PacketLogger ${big ? 'big' : 'little'}-endian: a command, a note and a syslog line, as tshark numbers them`, async () => {
      const syslog = Buffer.concat([Buffer.from([1, 0, 0, 0, 3]), Buffer.from('bluetoothd\0sender\0com.apple.bluetooth\0Server.LE\0pairing failed\0')]);
      const bytes = Buffer.concat([pklgRecord(big, 0x00, Buffer.from([0x03, 0x0c, 0x00])), pklgRecord(big, 0xfc, Buffer.from('hello\0')), pklgRecord(big, 0xf7, syslog)]);
      const recs = await all(bytes);
      expect(recs.map((r) => r.type)).toEqual(['hci', 'note', 'note']);
      expect(recs[0]).toMatchObject({ kind: 'command', dir: 'tx', unixMs: 1_767_268_800_250 });
      expect(recs[1]).toMatchObject({ frame: 2, source: 'note', text: 'hello' });
      expect(recs[2]).toMatchObject({ frame: 3, source: 'syslog', text: 'bluetoothd com.apple.bluetooth/Server.LE: pairing failed' });
      const f = join(tmp, `notes-${big}.pklg`);
      writeFileSync(f, bytes);
      expect(tsharkRows(f).map((r) => r.frame)).toEqual([1, 2, 3]);
      expect((await openCapture(f)).info.byteOrder).toBe(big ? 'big' : 'little');
    });
  }
  it('btsnoop 2001: New Index, Index Info, System Note, User Logging; packets on two controllers are two timelines', async () => {
    const rec = (controller: number, op: number, payload: Buffer) => {
      const h = Buffer.alloc(24);
      h.writeUInt32BE(payload.length, 0);
      h.writeUInt32BE(payload.length, 4);
      h.writeUInt32BE((controller << 16) | op, 8);
      h.writeUInt32BE(0x00e03ab4, 16);
      return Buffer.concat([h, payload]);
    };
    const addr = Buffer.from([0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
    const conn = (handle: number, role: number) => Buffer.from([0x3e, 0x13, 0x01, 0x00, handle, 0x00, role, 0x00, ...addr, 0x18, 0, 0, 0, 0x48, 0, 0]);
    const bytes = Buffer.concat([
      Buffer.from('btsnoop\0', 'latin1'),
      Buffer.from([0, 0, 0, 1, 0, 0, 0x07, 0xd1]),
      rec(0, 0, Buffer.concat([Buffer.from([0, 3]), addr, Buffer.from('hci0\0\0\0\0')])),
      rec(0, 10, Buffer.concat([addr, Buffer.from([0x02, 0x00])])),
      rec(0, 12, Buffer.from('Bluetooth daemon 5.66\0')),
      rec(1, 13, Buffer.concat([Buffer.from([6, 11]), Buffer.from('bluetoothd\0'), Buffer.from('Starting SDP server\0')])),
      rec(0, 3, conn(0x40, 0)),
      rec(1, 3, conn(0x41, 1)),
    ]);
    const recs = await all(bytes);
    expect(recs.filter((r) => r.type === 'note').map((r) => (r as { text: string }).text)).toEqual([
      'controller 0 added: primary, UART, 11:22:33:44:55:66, "hci0"',
      'controller 0: 11:22:33:44:55:66, manufacturer 2',
      'Bluetooth daemon 5.66',
      'bluetoothd: Starting SDP server',
    ]);
    const f = join(tmp, 'monitor.btsnoop');
    writeFileSync(f, bytes);
    const r = await explainFile(f);
    expect(r.controllers).toEqual([0, 1]);
    expect(r.connections.map((c) => [c.controller, c.hostRole])).toEqual([[0, 'central'], [1, 'peripheral']]);
    expect(tsharkRows(f).map((x) => x.frame)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('capture convert keeps notes in btsnoop 2001 and PacketLogger, says it drops them in pcapng 201', async () => {
    const src = join(tmp, 'with-note.pklg');
    writeFileSync(src, Buffer.concat([pklgRecord(false, 0x00, Buffer.from([0x03, 0x0c, 0x00])), pklgRecord(false, 0xfc, Buffer.from('kept\0'))]));
    const out2001 = join(tmp, 'out.btsnoop');
    let r = spawnSync('node', ['bin/blebench.js', 'capture', 'convert', src, out2001, '--format', 'btsnoop-2001'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect((await all(readFileSync(out2001))).map((x) => x.type)).toEqual(['hci', 'note']);
    r = spawnSync('node', ['bin/blebench.js', 'capture', 'convert', src, join(tmp, 'out.pcapng')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/1 notes not written: pcapng has no place for text records/);
    r = spawnSync('node', ['bin/blebench.js', 'capture', 'convert', join(tmp, 'nope'), join(tmp, 'x.pklg')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot open/);
  });
});
