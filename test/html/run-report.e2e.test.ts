// `blebench run --reporter html`: one self-contained page, opened in headless chromium (Debian's, driven by
// playwright-core). No console error and no request leaves the page; its scenarios and statuses are the JSON
// reporter's; each chart draws an arrow for every timeline entry of the kinds it shows; a failed expectation's
// link brings its packet into view; screenshots of a passing and a failing run are kept under test-artifacts/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonReport, loadScenario, type SuiteResult } from '../../common/apps/scenario/index.js';
import { htmlRunReport } from '../../common/apps/html/index.js';
import { useChromium } from '../helpers/chromium.js';
import { chartCollect, chartEntries, openReport, pngColours } from '../helpers/report-page.js';
import { root, runOnMock } from '../scenario/run-helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'blebench-html-'));
const ARTIFACTS = path.join(root, 'test-artifacts/html');
const SCENARIOS = ['fixtures/scenarios/encrypted-read-pairs-on-error.yaml', 'fixtures/scenarios/sm-authenticated-read-after-passkey.yaml', 'fixtures/scenarios/open-read.yaml', 'test/html/scenarios/fails-on-value.yaml'];
/** A screenshot with fewer colours than this is blank (or one flat colour with a little text). */
const MIN_COLOURS = 16;

/** The kinds the chart shows, named here apart from the code that draws them: every ATT and SMP PDU, and these HCI packets. */
const HCI_SHOWN = new Set(['HCI LE Connection Complete', 'HCI LE Enhanced Connection Complete', 'HCI LE Long Term Key Request', 'HCI Encryption Change', 'HCI Encryption Key Refresh Complete', 'HCI Disconnection Complete', 'HCI Disconnect', 'HCI LE Enable Encryption', 'HCI LE Long Term Key Request Reply', 'HCI LE Long Term Key Request Negative Reply']);
interface JsonEntry { seq: number; layer: string; name: string }
interface JsonScenario { name: string; status: string; timeline: Record<string, JsonEntry[]> }

function blebench(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/blebench.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

mkdirSync(ARTIFACTS, { recursive: true });
const browser = useChromium();
let suite: SuiteResult;
let json: { seed: number; scenarios: JsonScenario[] };
const htmlFile = path.join(tmp, 'suite.html');
beforeAll(async () => {
  suite = await runOnMock(SCENARIOS.map((f) => loadScenario(path.join(root, f), { cwd: root })), 7);
  json = JSON.parse(jsonReport(suite)) as typeof json;
  writeFileSync(htmlFile, htmlRunReport(suite));
}, 60_000);

describe('the run report in chromium', () => {
  it('lists the JSON reporter\'s scenarios with their statuses, loads with no console error and no request', async () => {
    const w = await openReport(browser(), htmlFile);
    const shown = await w.page.$$eval('details.scenario > summary', (els) => els.map((e) => `${e.querySelector('.name')!.textContent}|${e.querySelector('.badge')!.textContent}`));
    expect(shown).toEqual(json.scenarios.map((s) => `${s.name}|${s.status}`));
    expect(json.scenarios.map((s) => s.status).sort()).toEqual(['failed', 'passed', 'passed', 'passed']);
    await expect(w.page.locator('.counts .n-passed').textContent()).resolves.toBe('3 passed');
    await expect(w.page.locator('.counts .seed').textContent()).resolves.toBe(`seed ${json.seed}`);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
    await w.page.close();
  });

  it('draws an arrow for every timeline entry of the kinds it shows, in every scenario', async () => {
    const w = await openReport(browser(), htmlFile);
    const sections = await w.page.$$('details.scenario');
    for (const [i, s] of json.scenarios.entries()) {
      await sections[i]!.evaluate((d) => ((d as unknown as { open: boolean }).open = true));
      const drawn = await chartEntries(w.page, `#scenario-${i}-chart`);
      const expected = Object.entries(s.timeline).flatMap(([side, es]) => es.filter((e) => e.layer === 'att' || e.layer === 'smp' || HCI_SHOWN.has(e.name)).map((e) => `${side}:${e.seq}`));
      expect(drawn.length, s.name).toBeGreaterThan(20);
      expect(new Set(drawn), s.name).toEqual(new Set(expected));
    }
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('shades the chart by the link\'s security: unencrypted, encrypted after Just Works, authenticated after Passkey Entry', async () => {
    const w = await openReport(browser(), htmlFile);
    const levels = async (name: string) => {
      const i = json.scenarios.findIndex((s) => s.name.startsWith(name));
      expect(i, name).toBeGreaterThanOrEqual(0);
      await w.page.locator(`#scenario-${i} > summary`).click();
      // the chart is drawn when the section opens (its toggle event): wait for it, not for a time
      await w.page.waitForSelector(`#scenario-${i}-chart .scroller`, { timeout: 5000 });
      return chartCollect(w.page, `#scenario-${i}-chart`, '.band', 'data-level');
    };
    expect(await levels('encrypted read, the central pairs')).toEqual(expect.arrayContaining(['unencrypted', 'encrypted']));
    expect(await levels('Security Manager: authenticated read')).toEqual(expect.arrayContaining(['unencrypted', 'authenticated']));
    await w.page.close();
  });

  it('a failed expectation links to its packet: a click brings the arrow into view, marked, with its fields and bytes', async () => {
    const w = await openReport(browser(), htmlFile);
    const link = w.page.locator('a.goto', { hasText: 'not to send ATT Error Response' });
    const key = await link.getAttribute('data-goto');
    expect(key).toMatch(/^(central|peripheral):\d+$/);
    const [side, seqText] = key!.split(':') as [string, string];
    const seq = Number(seqText);
    const failing = json.scenarios.find((s) => s.status === 'failed')!;
    expect(failing.timeline[side]!.find((e) => e.seq === seq)!.name).toBe('ATT Error Response');
    await link.click();
    const arrow = w.page.locator('.arrow.focus');
    await expect(arrow.getAttribute('data-entries')).resolves.toContain(key!);
    await arrow.waitFor({ state: 'visible' });
    const inView = await arrow.evaluate((g) => {
      const r = (g as unknown as { getBoundingClientRect(): { top: number; bottom: number } }).getBoundingClientRect();
      return r.top >= 0 && r.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight;
    });
    expect(inView).toBe(true);
    await expect(w.page.locator('.detail .entry h4').allTextContents()).resolves.toContainEqual(expect.stringContaining(`${side} tap · #${seq} `));
    await expect(w.page.locator('.detail .entry .bytes').first().textContent()).resolves.toMatch(/^0000 {2}01 0a /);
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('the filters hide scenarios by status and by tag', async () => {
    const w = await openReport(browser(), htmlFile);
    const visible = () => w.page.$$eval('details.scenario', (els) => els.filter((e) => !(e as unknown as { hidden: boolean }).hidden).length);
    await w.page.locator('input[name="status-passed"]').uncheck();
    expect(await visible()).toBe(1);
    await w.page.locator('input[name="status-passed"]').check();
    await w.page.selectOption('select[name="tag"]', 'mitm');
    expect(await visible()).toBe(json.scenarios.filter((s) => s.name.startsWith('Security Manager')).length);
    await w.page.close();
  });

  it('blebench run --reporter html --out FILE: screenshots of a passing and a failing run, each more than blank', async () => {
    for (const [name, file, code] of [['run-passed', SCENARIOS[0]!, 0], ['run-failed', SCENARIOS[3]!, 1]] as const) {
      const out = path.join(tmp, `${name}.html`);
      const r = blebench('run', file, '--reporter', 'html', '--out', out);
      expect(r.code, r.stderr).toBe(code);
      expect(readFileSync(out, 'utf8')).not.toMatch(/(src|href)="(https?:)?\/\//);
      const w = await openReport(browser(), out);
      const png = await w.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
      expect(await pngColours(browser(), png)).toBeGreaterThan(MIN_COLOURS);
      expect(w.errors).toEqual([]);
      expect(w.requests).toEqual([]);
      await w.page.close();
    }
  });
});

describe('text from files and peers in the page', () => {
  it('a scenario name carrying markup and a script end tag is shown as text: nothing runs, nothing is fetched', async () => {
    const hostile = '</script><img src="http://example.invalid/x.png" onerror="console.error(1)"><b>bold</b> \u202e';
    const file = path.join(tmp, 'hostile.html');
    writeFileSync(file, htmlRunReport({ ...suite, results: suite.results.map((r) => ({ ...r, name: hostile, tags: [...r.tags, '"><i>'] })) }));
    const w = await openReport(browser(), file);
    await expect(w.page.locator('details.scenario .name').first().textContent()).resolves.toBe(hostile);
    expect(await w.page.locator('img').count()).toBe(0);
    expect(await w.page.locator('b', { hasText: /^bold$/ }).count()).toBe(0);
    await expect(w.page.locator('details.scenario .tag', { hasText: '<i>' }).count()).resolves.toBe(json.scenarios.length);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
    await w.page.close();
  });
});
