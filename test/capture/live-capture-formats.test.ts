// `--btsnoop FILE` writes pcapng or PacketLogger by the file's extension (the tap's live writer with
// common/stack/capture's record bytes): blebench central on mock, once per format; tshark reads each file with no
// malformed packet, the same number of packets as the btsnoop of the same run, and the same sequence of
// direction, HCI packet kind, event code, ATT opcode and SMP code as blebench reads back.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../common/stack/capture/index.js';
import { blebenchRows, tsharkRows } from './decoded-rows.js';

const cli = resolve(import.meta.dirname, '../../bin/blebench.js');
const dir = mkdtempSync(join(tmpdir(), 'blebench-live-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(name: string): string {
  const file = join(dir, name);
  const r = spawnSync(process.execPath, [cli, 'central', '--btsnoop', file, '--log-level', 'silent'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

function malformed(file: string): number {
  const out = spawnSync('tshark', ['-r', file, '-Y', '_ws.malformed || _ws.expert.severity == error', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.split('\n').filter(Boolean).length;
}

describe('--btsnoop FILE writes the format its extension names', () => {
  let btsnoop = '';
  let reference: ReturnType<typeof tsharkRows> = [];
  beforeAll(() => {
    btsnoop = capture('central.btsnoop');
    reference = tsharkRows(btsnoop);
  }, 60_000);

  it('the .btsnoop of the run is read by tshark, nothing malformed (the reference)', () => {
    expect(reference.length).toBeGreaterThan(50);
    expect(malformed(btsnoop)).toBe(0);
  });

  for (const [ext, format] of [['pcapng', 'pcapng'], ['pklg', 'pklg']] as const) {
    it(`.${ext}: found as ${format} from its content; tshark reads it whole, the same packets as the .btsnoop`, async () => {
      const file = capture(`central.${ext}`);
      expect((await openCapture(file)).info.format).toMatch(new RegExp(format));
      expect(malformed(file)).toBe(0);
      const rows = tsharkRows(file);
      expect(rows.length).toBe(reference.length);
      const strip = (r: { kind: string; event: string; att: string; smp: string; dir: string }) => `${r.dir} ${r.kind} ${r.event} ${r.att} ${r.smp}`;
      expect(rows.map(strip)).toEqual(reference.map(strip));
      const ours = await blebenchRows(file);
      expect(ours.damage).toBeUndefined();
      expect(ours.rows.map(strip)).toEqual(rows.map(strip));
    });
  }
});
