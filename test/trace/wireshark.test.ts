// Independent decoders read our btsnoop captures: Wireshark's tshark (required: CI installs the Debian
// package `tshark`) and BlueZ's btmon (package `bluez`; checked when present).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tap } from '../../common/stack/trace/tap.js';
import { tsharkBatch, tsharkQueries } from '../helpers/tshark-batch.js';
import { HANDLE, att, centralSession, connectionComplete, evt, fragments, pdu, peripheralSession, type Step } from './packets.js';

const dir = mkdtempSync(join(tmpdir(), 'blebench-wireshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function capture(name: string, steps: Step[]): Promise<string> {
  const path = join(dir, name);
  const tap = new Tap({ name });
  tap.attachBtsnoop(path);
  for (const [d, p] of steps) tap.observe(d, p);
  await tap.close();
  return path;
}

function btmon(path: string): string {
  const r = spawnSync('btmon', ['-r', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.error, 'btmon ran').toBeUndefined();
  expect(r.status, `btmon exit status\n${r.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}

const malformedIn = (text: string) => text.split('\n').filter((l) => /Malformed|Expert Info \(Error/i.test(l));

describe('tshark reads the captures', () => {
  let central: string;
  let peripheral: string;
  let bad: string;
  let notifications: string;
  /** tshark -r F -V of each capture, one tshark start for all (test/helpers/tshark-batch.ts splits it by frame). */
  let verbose: Map<string, string>;
  /** tshark -r central: the summary lines. */
  let summary: string;
  /** -T fields: every frame of the central session; the ATT frames (-Y btatt) of the notifications. */
  let fields: { central: string[][]; notifications: string[][] };
  beforeAll(async () => {
    central = await capture('central.btsnoop', centralSession());
    peripheral = await capture('peripheral.btsnoop', peripheralSession());
    // A negative control: the same checks must see these as broken.
    bad = await capture('bad.btsnoop', [
      ['rx', connectionComplete({ handle: HANDLE, role: 0, peerType: 1, peer: 'C0:DE:C0:FF:EE:01' })],
      ['rx', pdu(HANDLE, 4, Buffer.from([0x01, 0x0a, 0x03]))], // ATT Error Response cut short
      ['rx', evt(0x05, [0x00, 0x40])], // Disconnection Complete cut short
    ]);
    const steps: Step[] = [centralSession()[13]!]; // LE Connection Complete
    for (let i = 0; i < 100; i++) steps.push(['rx', pdu(HANDLE, 4, att.ntf(0x0010, Buffer.alloc(244, i)))]);
    for (const p of fragments(HANDLE, 4, att.writeReq(0x0012, Buffer.alloc(100, 0xee)))) steps.push(['tx', p]);
    notifications = await capture('notifications.btsnoop', steps);
    verbose = new Map([...tsharkBatch([central, peripheral, bad], { verbose: true })].map(([f, r]) => [f, r.rows.map((x) => x[1]).join('\n')]));
    summary = tsharkBatch([central]).get(central)!.rows.map((r) => r[1]).join('\n');
    const [c, n] = tsharkQueries([{ file: central }, { file: notifications, filter: 'btatt' }], { fields: ['frame.p2p_dir', 'hci_h4.type', 'btatt.opcode', 'btatt.handle', '_ws.malformed'] });
    fields = { central: c!.rows.map((r) => r.slice(1, 3)), notifications: n!.rows.map((r) => r.slice(3)) };
  });

  it('decodes the central session with no malformed packet and no error-level expert info', () => {
    const text = verbose.get(central)!;
    expect(malformedIn(text)).toEqual([]);
    expect(text).toContain('Error Code: Insufficient Authentication (0x05)');
    for (const op of ['Pairing Request (0x01)', 'Pairing Response (0x02)', 'Pairing Confirm (0x03)', 'Pairing Random (0x04)']) {
      expect(text).toContain(`Opcode: ${op}`);
    }
    expect(text).toContain('Encryption Change');
  });

  it('shows the same story in the one-line summaries, the fragmented Read Response reassembled', () => {
    const lines = summary;
    expect(lines).toMatch(/ATT .*Error Response - Insufficient Authentication, Handle: 0x0003/);
    expect(lines).toMatch(/SMP .*Pairing Request/);
    expect(lines).toMatch(/SMP .*Pairing Response/);
    expect(lines).toMatch(/ATT .*Read Response, Handle: 0x0003/);
    expect(lines).toMatch(/ATT .*Handle Value Notification, Handle: 0x0010/);
    expect(lines).not.toMatch(/Malformed/);
  });

  it('reads direction and packet type from the record flags', () => {
    const steps = centralSession();
    expect(fields.central).toHaveLength(steps.length);
    fields.central.forEach(([p2p, type], i) => {
      const [d, p] = steps[i]!;
      expect(p2p, `frame ${i + 1}`).toBe(d === 'tx' ? '0' : '1'); // 0 sent, 1 received
      expect(Number(type)).toBe(p[0]);
    });
  });

  it('decodes the peripheral session (LTK requests, replies, Encryption Change 0x06) without malformed packets', () => {
    const text = verbose.get(peripheral)!;
    expect(malformedIn(text)).toEqual([]);
    expect(text).toContain('LE Long Term Key Request');
    expect(text).toMatch(/PIN or Key Missing \(0x06\)/);
  });

  it('counts 100 notifications of 244 bytes and a write fragmented host → controller', () => {
    const rows = fields.notifications.map((r) => r.join('\t'));
    expect(rows.filter((r) => r.startsWith('0x1b\t0x0010'))).toHaveLength(100);
    expect(rows.filter((r) => r.startsWith('0x12\t0x0012'))).toHaveLength(1);
    expect(rows.filter((r) => r.split('\t')[2])).toEqual([]);
  });

  it('flags the deliberately broken capture (the check can fail)', () => {
    expect(malformedIn(verbose.get(bad)!).length).toBeGreaterThan(0);
  });

  it('btmon reads the captures without complaint and flags the broken one', () => {
    const text = btmon(central);
    expect(text.split('\n').filter((l) => /invalid|malformed/i.test(l))).toEqual([]);
    expect(text).toContain('Error: Insufficient Authentication (0x05)');
    expect(text).toContain('SMP: Pairing Request (0x01)');
    expect(text).toContain('SMP: Pairing Random (0x04)');
    expect(btmon(peripheral)).not.toMatch(/invalid|malformed/i);
    expect(btmon(bad)).toMatch(/invalid (packet )?size/);
  });
});
