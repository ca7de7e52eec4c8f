// Every fixture capture in every format: what blebench reads, frame by frame, equals tshark's reading of the
// same file (direction, HCI packet kind, event code, ATT opcode, SMP code). btsnoop 2001 also against btmon.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ATT_OP } from '../../common/base/codes/att.js';
import { CaptureWriter, openCapture } from '../../common/stack/capture/index.js';
import { blebenchRows, tsharkRowsOf, type Row } from './decoded-rows.js';

const tmp = mkdtempSync(join(tmpdir(), 'blebench-capture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * BlueZ 5.66's btmon crashes on any ATT Read By Type Request read from a file (README, "Known limits"), so its
 * count is taken on a copy without those records, written by our btsnoop 2001 writer.
 */
async function withoutReadByType(file: string): Promise<{ path: string; packets: number }> {
  const path = join(tmp, file.replace(/\W/g, '_'));
  const w = new CaptureWriter(path, 'btsnoop-2001');
  const cap = await openCapture(file);
  for await (const r of cap.records()) {
    // L2CAP basic header at ACL data offset 4; the ATT opcode follows it (H4 indicator + 4 ACL header octets first).
    if (r.type === 'hci' && r.kind === 'acl' && r.packet.length > 9 && r.packet.readUInt16LE(7) === 0x0004 && r.packet[9] === ATT_OP.READ_BY_TYPE_REQ) continue;
    if (r.type === 'hci') w.write(r);
  }
  w.close();
  return { path, packets: w.written };
}

const DIR = 'fixtures/captures';
const files = readdirSync(DIR, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).filter((f) => !f.endsWith('.md') && !f.endsWith('.sh') && !f.endsWith('.ts'));

/** tshark's rows of every fixture, read with one tshark start for all (decoded-rows.ts). */
let tsharkRead: Map<string, Row[]> | undefined;
const tsharkRows = (file: string): Row[] => (tsharkRead ??= tsharkRowsOf(files.map((f) => join(DIR, f)))).get(file)!;

describe('fixture captures read the same as tshark reads them', () => {
  it('there is a fixture per format for each scenario-made pattern', () => {
    for (const ext of ['btsnoop', 'btsnoop-1001', 'btsnoop-2001', 'pklg', 'pklg-be', 'pcapng']) expect(files.filter((f) => f.endsWith(`.${ext}`)).length).toBeGreaterThanOrEqual(9);
  });
  for (const f of files) {
    it(`${f}: every frame's direction, kind, event code, ATT opcode and SMP code`, async () => {
      const path = join(DIR, f);
      const ours = await blebenchRows(path);
      expect(ours.damage).toBeUndefined();
      const theirs = tsharkRows(path);
      expect(theirs.length).toBeGreaterThan(4);
      if (f.startsWith('filtered-capture')) {
        // ACL cut to 14 octets: tshark still shows the opcodes of the cut SMP PDUs; blebench's decoder marks
        // those packets malformed (the ACL length says more than is there). The rest must agree.
        const head = (rows: typeof theirs) => rows.map((r) => ({ frame: r.frame, dir: r.dir, kind: r.kind, event: r.event }));
        expect(head(ours.rows)).toEqual(head(theirs));
        return;
      }
      expect(ours.rows).toEqual(theirs);
      // The decoded sequence has security in it, so agreeing means something.
      expect(ours.rows.some((r) => r.smp !== '' || r.att !== '' || r.event === '0x05' || r.event === '0x08')).toBe(true);
    });
  }
  for (const f of files.filter((x) => x.endsWith('.btsnoop-2001'))) {
    it(`${f}: btmon -r counts the same packets`, async () => {
      const copy = await withoutReadByType(join(DIR, f));
      const ours = await blebenchRows(copy.path);
      expect(ours.rows.length).toBe(copy.packets);
      const text = execFileSync('btmon', ['-r', copy.path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
      // btmon starts each packet with its direction mark (< sent, > received) in column 0.
      const btmonPackets = text.split('\n').filter((l) => /^[<>]/.test(l)).length;
      expect(btmonPackets).toBe(ours.rows.length);
    });
  }
});
