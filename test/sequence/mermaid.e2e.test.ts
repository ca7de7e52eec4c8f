// `--format mermaid` / `--reporter mermaid` read by Mermaid itself (the mermaid package, a dev dependency, loaded
// into headless chromium from node_modules: its parser needs a DOM). Each diagram parses, renders one message
// per arrow, and a label carrying Mermaid's own syntax (`;`, `end`, `%%`, arrows, markup) renders as the text it is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureTimeline } from '../../common/stack/capture/capture-timeline.js';
import { openCapture } from '../../common/stack/capture/open-capture.js';
import { renderMermaid, type SequenceModel } from '../../common/apps/sequence/index.js';
import { arrowKind } from '../../common/apps/sequence/shown.js';
import { escapeField } from '../../common/base/output/escape.js';
import { useChromium, watchedPage, type WatchedPage } from '../helpers/chromium.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'blebench-mermaid-'));
const mermaidJs = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

function blebench(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/blebench.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Rendered {
  readonly ok: boolean;
  readonly error?: string;
  readonly messages: string[];
  readonly notes: string[];
}

const browser = useChromium();
let watched: WatchedPage;
let page: Page;
beforeAll(async () => {
  watched = await watchedPage(browser());
  page = watched.page;
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: mermaidJs });
  await page.evaluate(() => (globalThis as unknown as { mermaid: { initialize(c: object): void } }).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
});

let ids = 0;
/** mermaid.parse, then mermaid.render: the texts of the messages and notes as drawn. */
function mermaidRead(text: string): Promise<Rendered> {
  return page.evaluate(async ({ text, id }) => {
    type Mermaid = { parse(t: string): Promise<unknown>; render(id: string, t: string): Promise<{ svg: string }> };
    const m = (globalThis as unknown as { mermaid: Mermaid }).mermaid;
    try {
      await m.parse(text);
      const { svg } = await m.render(id, text);
      type Doc = { createElement(t: string): { innerHTML: string; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } };
      const div = (globalThis as unknown as { document: Doc }).document.createElement('div');
      div.innerHTML = svg;
      const texts = (sel: string) => Array.from(div.querySelectorAll(sel)).map((e) => e.textContent ?? '');
      return { ok: true, messages: texts('.messageText'), notes: texts('.noteText') };
    } catch (e) {
      return { ok: false, error: (e as Error).message, messages: [], notes: [] };
    }
  }, { text, id: `d${ids++}` });
}

describe('Mermaid output read by Mermaid', () => {
  it('a label carrying Mermaid syntax, markup and controls renders as its own text', async () => {
    const hostile = ['a; b', 'end', '%% not a comment', 'x->>y: forged', '<script>alert(1)</script>', 'rect rgb(0,0,0)', 'Note over CH: x', 'tab\there', 'new\nline', '#59; entity', 'bidi \u202e kcatta', 'ünïcødé ✓', '"quotes" & `ticks`'];
    const model: SequenceModel = {
      sides: ['central'],
      arrows: hostile.map((label, index) => ({ index, from: 'central-host', to: 'peripheral-host', kind: 'att-request', label, ms: index, entries: [{ side: 'central', seq: index }] })),
      spans: [{ from: 0, to: hostile.length, state: { level: 'encrypted', keySize: 7 } }],
    };
    const r = await mermaidRead(renderMermaid(model));
    expect(r.error).toBeUndefined();
    expect(r.messages).toEqual(hostile.map(escapeField));
    expect(r.notes).toEqual(['encrypted, key size 7']);
  });

  it('explain --format mermaid: one message per timeline entry the chart shows, shaded by security', async () => {
    const file = path.join(root, 'fixtures/captures/key-mismatch.btsnoop');
    const r = blebench('explain', file, '--format', 'mermaid');
    expect(r.code, r.stderr).toBe(0);
    const tl = await captureTimeline(await openCapture(file));
    const shown = tl.entries.filter((e) => arrowKind(e));
    const read = await mermaidRead(r.stdout);
    expect(read.error).toBeUndefined();
    expect(read.messages.length).toBe(shown.length);
    expect(read.messages.some((m) => m.startsWith('SMP Pairing Request'))).toBe(true);
    expect(read.notes).toContain('encrypted, key size 16');
    expect(read.notes[0]).toBe('unencrypted');
  });

  it('run --reporter mermaid: a Markdown section per scenario whose diagram parses, a failure with its reason', async () => {
    const out = path.join(tmp, 'run.md');
    const good = path.join(root, 'fixtures/scenarios/encrypted-read-pairs-on-error.yaml');
    const bad = path.join(root, 'test/html/scenarios/fails-on-value.yaml');
    const r = blebench('run', good, bad, '--reporter', 'mermaid', '--out', out);
    expect(r.code, r.stderr).toBe(1);
    const md = readFileSync(out, 'utf8');
    const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBe(2);
    expect(md).toMatch(/: passed\n/);
    expect(md).toMatch(/: failed\n\nstep \d/);
    for (const b of blocks) {
      const read = await mermaidRead(b);
      expect(read.error).toBeUndefined();
      expect(read.messages.length).toBe((b.match(/^ {4}(CH|CC|PC|PH)[-x>)]+(CH|CC|PC|PH): /gm) ?? []).length);
      expect(read.messages.length).toBeGreaterThan(10);
    }
    expect(watched.requests).toEqual([]);
    expect(watched.errors).toEqual([]);
  });
});
