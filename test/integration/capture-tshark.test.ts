// The btsnoop files the tap writes during a real noble+bleno exchange are read by independent
// decoders: Wireshark's tshark (and BlueZ's btmon) with no malformed packet, the ATT error and the
// SMP PDUs shown by name. CI installs tshark and bluez (.ci/run); a missing tool fails the test.
import { openWorld } from '../../world/open-world.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { ATT_OP } from '../../common/base/codes/att.js';
import { parseBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { BtsnoopWriter } from '../../common/stack/trace/btsnoop-writer.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNoble } from '../../central/noble/load.js';
import { runSeamCheck } from '../../central/seam-check.js';
import { SEAM_CHECK, serveSeamCheck } from '../../peripheral/seam-check-service.js';
import { tsharkBatch } from '../helpers/tshark-batch.js';

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-capture-'));
const central = path.join(dir, 'central.btsnoop');
const peripheral = path.join(dir, 'peripheral.btsnoop');

beforeAll(async () => {
  const world = await openWorld({ radio: { name: 'capture' }, peripheral: { kind: 'bleno' }, central: { kind: 'transport' }, capture: { peripheral, central } });
  try {
    await serveSeamCheck(world.bleno.bleno);
    const n = await loadNoble(world.ct);
    world.addPart('noble', () => n.close());
    const res = await runSeamCheck(n.noble, SEAM_CHECK);
    expect(res.secureValue).toEqual(SEAM_CHECK.secureValue);
  } finally {
    await world.close();
  }
});

const tshark = (file: string, ...args: string[]) => execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
/** tshark -r F -V of both captures, one tshark start for both (test/helpers/tshark-batch.ts splits it by frame). */
let read: Map<string, string> | undefined;
const verbose = (file: string) => (read ??= new Map([...tsharkBatch([central, peripheral], { verbose: true })].map(([f, r]) => [f, r.rows.map((x) => x[1]).join('\n')]))).get(file)!;

describe('captures read by independent decoders', () => {
  it.each([
    ['central', central],
    ['peripheral', peripheral],
  ])('tshark reads the %s capture with no malformed packet', (_side, file) => {
    const text = verbose(file);
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toMatch(/Malformed Packet/i);
    const expert = tshark(file, '-q', '-z', 'expert,error');
    expect(expert).not.toMatch(/Malformed/i);
  });

  it('tshark shows the ATT error and the SMP pairing PDUs by name', () => {
    const text = verbose(central);
    expect(text).toMatch(/Insufficient Authentication/);
    expect(text).toMatch(/Pairing Request/);
    expect(text).toMatch(/Pairing Response/);
    expect(text).toMatch(/Pairing Confirm/);
    expect(text).toMatch(/Pairing Random/);
    expect(text).toMatch(/Encryption Change/);
    const att = tshark(central, '-Y', 'btatt.opcode == 0x01', '-T', 'fields', '-e', 'btatt.error_code');
    expect(att.trim().split('\n')).toContain('0x05');
  });

  it('btmon reads the capture (less the ATT Read By Type Requests it crashes on)', () => {
    // BlueZ 5.66's btmon (Debian 12) dies with SIGSEGV on any ATT Read By Type Request read from a
    // btsnoop file, even a capture of just a connection and that one valid PDU (tshark decodes it
    // cleanly). So btmon gets the capture without those records; everything else must read cleanly.
    const records = parseBtsnoop(readFileSync(central)).records;
    const isReadByTypeReq = (p: Buffer) => p[0] === 0x02 && p.length >= 10 && p.readUInt16LE(7) === 0x0004 && p[9] === ATT_OP.READ_BY_TYPE_REQ;
    const kept = records.filter((r) => !isReadByTypeReq(r.packet));
    expect(kept.length).toBeGreaterThan(records.length - 10);
    const file = path.join(dir, 'central-for-btmon.btsnoop');
    const w = new BtsnoopWriter(file);
    for (const r of kept) w.write(r.dir, r.packet, Math.round(r.unixMs * 1000));
    return w.close().then(() => {
      const r = spawnSync('btmon', ['-r', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Error: Insufficient Authentication \(0x05\)/);
      expect(r.stdout).toMatch(/SMP: Pairing Request \(0x01\)/);
      expect(r.stdout).toMatch(/Encryption Change/);
      expect(r.stdout.split('\n').filter((l) => /invalid|malformed/i.test(l))).toEqual([]);
    });
  });
});
