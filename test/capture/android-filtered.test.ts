// fixtures/captures/filtered-capture.btsnoop is the clean scenario's capture written as Android's filtered
// snoop writes it (fixtures/captures/make.sh: `capture convert --format btsnoop-android-filtered`): the test
// makes it again from the committed clean.btsnoop and finds the same bytes, every ACL packet longer than
// 14 octets cut to 14 with its length kept (AOSP snoop_logger.cc), and explain naming filtered-capture only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertCapture, openCapture } from '../../common/stack/capture/index.js';
import { ANDROID_FILTERED_ACL_LENGTH } from '../../common/base/codes/capture.js';
import { explainFile } from '../../common/apps/explain/index.js';

const DIR = 'fixtures/captures';
const tmp = mkdtempSync(join(tmpdir(), 'blebench-filtered-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("Android's filtered snoop, made from a scenario's capture", () => {
  it('filtered-capture.btsnoop: the clean capture converted, byte for byte; explain names filtered-capture only', async () => {
    const made = join(tmp, 'filtered-capture.btsnoop');
    await convertCapture(join(DIR, 'clean.btsnoop'), made, 'btsnoop-android-filtered');
    const committed = join(DIR, 'filtered-capture.btsnoop');
    expect(readFileSync(made).equals(readFileSync(committed)), `${committed} is make.sh's conversion of clean.btsnoop`).toBe(true);
    const r = await explainFile(committed);
    expect(r.findings.map((f) => f.id)).toEqual(['filtered-capture']);
    expect(r.findings[0]!.because).toMatch(/taken in filtered mode: ATT values and SMP contents are cut; enable the full HCI snoop log/);
  });

  it('each ACL packet longer than 14 octets is cut to 14, its original length kept; the others are whole', () => {
    // btsnoop records: 24-octet header (original length, included length, flags, drops, time), then the data.
    const whole = readFileSync(join(DIR, 'clean.btsnoop'));
    const cut = readFileSync(join(DIR, 'filtered-capture.btsnoop'));
    const records = (b: Buffer) => {
      const out: Array<{ orig: number; data: Buffer }> = [];
      for (let at = 16; at < b.length; ) {
        const orig = b.readUInt32BE(at);
        const incl = b.readUInt32BE(at + 4);
        out.push({ orig, data: b.subarray(at + 24, at + 24 + incl) });
        at += 24 + incl;
      }
      return out;
    };
    const a = records(whole);
    const c = records(cut);
    expect(c).toHaveLength(a.length);
    let cutCount = 0;
    a.forEach((w, i) => {
      expect(c[i]!.orig).toBe(w.data.length);
      const isAcl = w.data[0] === 0x02;
      if (isAcl && w.data.length > ANDROID_FILTERED_ACL_LENGTH) {
        cutCount++;
        expect(c[i]!.data.equals(w.data.subarray(0, ANDROID_FILTERED_ACL_LENGTH))).toBe(true);
      } else expect(c[i]!.data.equals(w.data)).toBe(true);
    });
    expect(cutCount).toBeGreaterThan(5);
  });

  it('blebench reads the same records from both, and the cut ones with their original length', async () => {
    const read = async (f: string) => {
      const cap = await openCapture(join(DIR, f));
      const out: Array<{ length: number; originalLength: number }> = [];
      for await (const rec of cap.records()) if (rec.type === 'hci') out.push({ length: rec.packet.length, originalLength: rec.originalLength });
      cap.close();
      return out;
    };
    const whole = await read('clean.btsnoop');
    const cut = await read('filtered-capture.btsnoop');
    expect(cut.map((r) => r.originalLength)).toEqual(whole.map((r) => r.length));
    expect(cut.filter((r) => r.length < r.originalLength).length).toBeGreaterThan(5);
  });
});
