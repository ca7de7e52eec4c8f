// `blebench explain FILE --html OUT` in headless chromium: the findings and the story, each frame they cite
// linked to its arrow in the capture's chart; no console error, no request; a screenshot kept as an artifact.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureTimeline } from '../../common/stack/capture/capture-timeline.js';
import { openCapture } from '../../common/stack/capture/open-capture.js';
import { explainFile } from '../../common/apps/explain/index.js';
import { arrowKind } from '../../common/apps/sequence/shown.js';
import { useChromium } from '../helpers/chromium.js';
import { chartEntries, openReport, pngColours } from '../helpers/report-page.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'blebench-explain-html-'));
const ARTIFACTS = path.join(root, 'test-artifacts/html');
const CAPTURE = path.join(root, 'fixtures/captures/key-mismatch.btsnoop');
const MIN_COLOURS = 16;

mkdirSync(ARTIFACTS, { recursive: true });
const browser = useChromium();

describe('blebench explain --html', () => {
  it('writes the findings linked to their frames, the story, and a chart of every entry of the kinds it shows', async () => {
    const out = path.join(tmp, 'explain.html');
    const r = spawnSync(process.execPath, [path.join(root, 'bin/blebench.js'), 'explain', CAPTURE, '--html', out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('key-mismatch');
    const expected = await explainFile(CAPTURE);
    const tl = await captureTimeline(await openCapture(CAPTURE));
    const w = await openReport(browser(), out);
    const ids = await w.page.$$eval('.finding', (els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).toEqual(expected.findings.map((f) => f.id));
    const drawn = await chartEntries(w.page, '#capture-chart');
    expect(new Set(drawn)).toEqual(new Set(tl.entries.filter((e) => arrowKind(e)).map((e) => `${tl.role}:${e.seq}`)));
    // Each evidence link lands on the arrow of its frame (or the next drawn one) and brings it into view.
    const links = w.page.locator('.finding a.goto');
    expect(await links.count()).toBe(expected.findings.flatMap((f) => f.evidence).length);
    for (let i = 0; i < (await links.count()); i++) {
      const a = links.nth(i);
      const frame = Number(await a.getAttribute('data-frame'));
      const key = (await a.getAttribute('data-goto'))!;
      const seq = Number(key.split(':')[1]);
      expect(tl.frames[tl.entries.findIndex((e) => e.seq === seq)]).toBeGreaterThanOrEqual(frame);
      await a.click();
      await expect(w.page.locator('.arrow.focus').getAttribute('data-entries')).resolves.toBe(key);
      await w.page.locator('.arrow.focus').waitFor({ state: 'visible' });
    }
    await expect(w.page.locator('.detail .entry .summary').first().textContent()).resolves.toMatch(/0x3D/);
    const png = await w.page.screenshot({ path: path.join(ARTIFACTS, 'explain.png') });
    expect(await pngColours(browser(), png)).toBeGreaterThan(MIN_COLOURS);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
  });
});
