// Independent decoders read our btsnoop captures: Wireshark's tshark (required: CI installs the Debian
// package `tshark`) and BlueZ's btmon (package `bluez`; checked when present).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tap } from '../../common/stack/trace/tap.js';
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

function tshark(args: string[]): string {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error('tshark is not installed: apt-get install -y tshark (Debian/Ubuntu package "tshark"). This check must not be skipped.');
    }
    throw new Error(`tshark ${args.join(' ')} failed: ${err.message}\n${err.stderr ?? ''}`);
  }
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
  beforeAll(async () => {
    central = await capture('central.btsnoop', centralSession());
    peripheral = await capture('peripheral.btsnoop', peripheralSession());
    // A negative control: the same checks must see these as broken.
    bad = await capture('bad.btsnoop', [
      ['rx', connectionComplete({ handle: HANDLE, role: 0, peerType: 1, peer: 'C0:DE:C0:FF:EE:01' })],
      ['rx', pdu(HANDLE, 4, Buffer.from([0x01, 0x0a, 0x03]))], // ATT Error Response cut short
      ['rx', evt(0x05, [0x00, 0x40])], // Disconnection Complete cut short
    ]);
  });

  it('decodes the central session with no malformed packet and no error-level expert info', () => {
    const text = tshark(['-r', central, '-V']);
    expect(malformedIn(text)).toEqual([]);
    expect(text).toContain('Error Code: Insufficient Authentication (0x05)');
    for (const op of ['Pairing Request (0x01)', 'Pairing Response (0x02)', 'Pairing Confirm (0x03)', 'Pairing Random (0x04)']) {
      expect(text).toContain(`Opcode: ${op}`);
    }
    expect(text).toContain('Encryption Change');
  });

  it('shows the same story in the one-line summaries, the fragmented Read Response reassembled', () => {
    const lines = tshark(['-r', central]);
    expect(lines).toMatch(/ATT .*Error Response - Insufficient Authentication, Handle: 0x0003/);
    expect(lines).toMatch(/SMP .*Pairing Request/);
    expect(lines).toMatch(/SMP .*Pairing Response/);
    expect(lines).toMatch(/ATT .*Read Response, Handle: 0x0003/);
    expect(lines).toMatch(/ATT .*Handle Value Notification, Handle: 0x0010/);
    expect(lines).not.toMatch(/Malformed/);
  });

  it('reads direction and packet type from the record flags', () => {
    const fields = tshark(['-r', central, '-T', 'fields', '-e', 'frame.p2p_dir', '-e', 'hci_h4.type']).trim().split('\n');
    const steps = centralSession();
    expect(fields).toHaveLength(steps.length);
    fields.forEach((line, i) => {
      const [p2p, type] = line.split('\t');
      const [d, p] = steps[i]!;
      expect(p2p, `frame ${i + 1}`).toBe(d === 'tx' ? '0' : '1'); // 0 sent, 1 received
      expect(Number(type)).toBe(p[0]);
    });
  });

  it('decodes the peripheral session (LTK requests, replies, Encryption Change 0x06) without malformed packets', () => {
    const text = tshark(['-r', peripheral, '-V']);
    expect(malformedIn(text)).toEqual([]);
    expect(text).toContain('LE Long Term Key Request');
    expect(text).toMatch(/PIN or Key Missing \(0x06\)/);
  });

  it('counts 100 notifications of 244 bytes and a write fragmented host → controller', async () => {
    const steps: Step[] = [centralSession()[13]!]; // LE Connection Complete
    for (let i = 0; i < 100; i++) steps.push(['rx', pdu(HANDLE, 4, att.ntf(0x0010, Buffer.alloc(244, i)))]);
    for (const p of fragments(HANDLE, 4, att.writeReq(0x0012, Buffer.alloc(100, 0xee)))) steps.push(['tx', p]);
    const path = await capture('notifications.btsnoop', steps);
    const rows = tshark(['-r', path, '-Y', 'btatt', '-T', 'fields', '-e', 'btatt.opcode', '-e', 'btatt.handle', '-e', '_ws.malformed']).trim().split('\n');
    expect(rows.filter((r) => r.startsWith('0x1b\t0x0010'))).toHaveLength(100);
    expect(rows.filter((r) => r.startsWith('0x12\t0x0012'))).toHaveLength(1);
    expect(rows.filter((r) => r.split('\t')[2])).toEqual([]);
  });

  it('flags the deliberately broken capture (the check can fail)', () => {
    expect(malformedIn(tshark(['-r', bad, '-V'])).length).toBeGreaterThan(0);
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
