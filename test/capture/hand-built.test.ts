// The hand-built fixtures in fixtures/captures are exactly what hand-built.ts makes (set
// BLEBENCH_WRITE_FIXTURES=1 to write them), and explain names each one's pattern and no other.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { WriteFormat } from '../../common/stack/capture/index.js';
import { explainFile } from '../../common/apps/explain/index.js';
import { HAND_BUILT, writeFilteredAndroid, writeHandBuilt } from './hand-built.js';
import { tsharkRows } from './decoded-rows.js';

const DIR = 'fixtures/captures';
const FORMATS: [string, WriteFormat][] = [['btsnoop', 'btsnoop-1002'], ['btsnoop-1001', 'btsnoop-1001'], ['btsnoop-2001', 'btsnoop-2001'], ['pklg', 'pklg'], ['pklg-be', 'pklg-be'], ['pcapng', 'pcapng']];
const tmp = mkdtempSync(join(tmpdir(), 'blebench-handbuilt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = process.env.BLEBENCH_WRITE_FIXTURES === '1';

function same(made: string, committed: string): void {
  if (write) writeFileSync(committed, readFileSync(made));
  expect(readFileSync(made).equals(readFileSync(committed)), `${committed} is what hand-built.ts makes`).toBe(true);
}

describe('hand-built captures', () => {
  for (const name of Object.keys(HAND_BUILT)) {
    for (const [ext, fmt] of FORMATS) {
      it(`${name}.${ext}: the committed file is the generator's, explain names ${name} only`, async () => {
        const made = join(tmp, `${name}.${ext}`);
        writeHandBuilt(name, made, fmt);
        const committed = join(DIR, `${name}.${ext}`);
        same(made, committed);
        const r = await explainFile(committed);
        expect(r.findings.map((f) => f.id)).toEqual([name]);
        const frames = new Set(tsharkRows(committed).map((x) => x.frame));
        for (const e of r.findings[0]!.evidence) expect(frames.has(e.frame)).toBe(true);
      });
    }
  }
  it('filtered-capture: Android\'s filtered snoop is detected and said', async () => {
    const made = join(tmp, 'filtered-capture.btsnoop');
    writeFilteredAndroid(made);
    const committed = join(DIR, 'filtered-capture.btsnoop');
    same(made, committed);
    const r = await explainFile(committed);
    expect(r.findings.map((f) => f.id)).toEqual(['filtered-capture']);
    expect(r.findings[0]!.because).toMatch(/taken in filtered mode: ATT values and SMP contents are cut; enable the full HCI snoop log/);
  });
});
