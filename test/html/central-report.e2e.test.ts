// `blebench central --html OUT` (the default profile walked on the virtual radio) in headless chromium: the
// matrix's cells are the JSON matrix's, coloured value / security error / other error, each linked to its
// place in the central tap's chart; no console error, no request; a screenshot kept as an artifact.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useChromium } from '../helpers/chromium.js';
import { openReport, pngColours } from '../helpers/report-page.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'blebench-central-html-'));
const ARTIFACTS = path.join(root, 'test-artifacts/html');
const MIN_COLOURS = 16;
/** ATT errors asking for more security: Insufficient Authentication, Authorization, Key Size, Encryption (Vol 3 Part F Table 3.4). */
const SECURITY_CODES = new Set([0x05, 0x08, 0x0c, 0x0f]);

interface JsonCell { phase: string; characteristic: { uuid: string; name?: string }; operation: string; outcome: { kind: string; error?: { kind: string; code: number | string } } }

mkdirSync(ARTIFACTS, { recursive: true });
const browser = useChromium();

describe('blebench central --html', () => {
  it('colours each cell as the JSON matrix says and links it to its packets', async () => {
    const out = path.join(tmp, 'central.html');
    const r = spawnSync(process.execPath, [path.join(root, 'bin/blebench.js'), 'central', '--json', '--html', out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { phases: { name: string; cells: JsonCell[] }[] };
    const w = await openReport(browser(), out);
    const phases = await w.page.$$eval('table.matrix thead th', (ths) => ths.slice(1).map((t) => t.textContent));
    expect(phases).toEqual(json.phases.map((p) => p.name));
    const classes = await w.page.$$eval('table.matrix tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td as unknown as { className: string }).className)));
    const security = (e: JsonCell['outcome']['error']) => (e?.kind === 'att' && SECURITY_CODES.has(Number(e.code))) || e?.kind === 'smp';
    const expected = (c: JsonCell) => (c.outcome.kind !== 'error' ? 'cell-value' : security(c.outcome.error) ? 'cell-security' : 'cell-other');
    // Rows in the order the first phase walked them; each phase's cells in the same order.
    for (const [p, phase] of json.phases.entries()) expect(classes.map((row) => row[p]), phase.name).toEqual(phase.cells.map(expected));
    expect(classes.flat()).toContain('cell-security');
    expect(classes.flat()).toContain('cell-value');
    // Every cell links into the chart; a security error's link lands on the request that met it.
    expect(await w.page.locator('table.matrix td a.goto').count()).toBe(json.phases.reduce((n, p) => n + p.cells.length, 0));
    const link = w.page.locator('td.cell-security a.goto').first();
    await link.click();
    const arrow = w.page.locator('.arrow.focus');
    await arrow.waitFor({ state: 'visible' });
    await expect(arrow.locator('title').textContent()).resolves.toMatch(/^ATT (Read|Write) Request/);
    const png = await w.page.screenshot({ path: path.join(ARTIFACTS, 'central.png') });
    expect(await pngColours(browser(), png)).toBeGreaterThan(MIN_COLOURS);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
  });
});
