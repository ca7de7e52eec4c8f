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
import { tsharkBatch } from '../helpers/tshark-batch.js';
import { blebenchRows, tsharkRowsOf, type Row } from './decoded-rows.js';

const cli = resolve(import.meta.dirname, '../../bin/blebench.js');
const dir = mkdtempSync(join(tmpdir(), 'blebench-live-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(name: string): string {
  const file = join(dir, name);
  const r = spawnSync(process.execPath, [cli, 'central', '--btsnoop', file, '--log-level', 'silent'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return file;
}

const EXTS = ['btsnoop', 'pcapng', 'pklg'] as const;

describe('--btsnoop FILE writes the format its extension names', () => {
  // one blebench central run per format; then tshark reads the three files with one start per kind of question
  // (test/helpers/tshark-batch.ts): the rows of decoded-rows.ts, and the frames malformed or with error-level expert info
  const file: Record<string, string> = {};
  let rows = new Map<string, Row[]>();
  let malformed = new Map<string, number>();
  beforeAll(() => {
    for (const ext of EXTS) file[ext] = capture(`central.${ext}`);
    const files = EXTS.map((ext) => file[ext]!);
    rows = tsharkRowsOf(files);
    malformed = new Map([...tsharkBatch(files, { filter: '_ws.malformed || _ws.expert.severity == error', fields: [] })].map(([f, r]) => [f, r.rows.length]));
  }, 120_000);
  const reference = () => rows.get(file.btsnoop!)!;

  it('the .btsnoop of the run is read by tshark, nothing malformed (the reference)', () => {
    expect(reference().length).toBeGreaterThan(50);
    expect(malformed.get(file.btsnoop!)).toBe(0);
  });

  for (const [ext, format] of [['pcapng', 'pcapng'], ['pklg', 'pklg']] as const) {
    it(`.${ext}: found as ${format} from its content; tshark reads it whole, the same packets as the .btsnoop`, async () => {
      const f = file[ext]!;
      expect((await openCapture(f)).info.format).toMatch(new RegExp(format));
      expect(malformed.get(f)).toBe(0);
      const theirs = rows.get(f)!;
      expect(theirs.length).toBe(reference().length);
      const strip = (r: { kind: string; event: string; att: string; smp: string; dir: string }) => `${r.dir} ${r.kind} ${r.event} ${r.att} ${r.smp}`;
      expect(theirs.map(strip)).toEqual(reference().map(strip));
      const ours = await blebenchRows(f);
      expect(ours.damage).toBeUndefined();
      expect(ours.rows.map(strip)).toEqual(theirs.map(strip));
    });
  }
});
