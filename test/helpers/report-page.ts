// Reading an HTML report in chromium for the tests: open it offline, gather the arrows a chart draws (it draws
// lazily: the chart is scrolled end to end), and say whether a screenshot is more than one colour.
import type { Browser, Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { watchedPage, type WatchedPage } from './chromium.js';

/** The report at `file`, loaded with every other request refused and recorded; resolves when its script has run. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const w = await watchedPage(browser, viewport, pathToFileURL(file).href);
  await w.page.goto(pathToFileURL(file).href);
  await w.page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return w;
}

/** Every entry key ("central:87") the chart in `chartSelector` draws, scrolling it from top to bottom. */
export async function chartEntries(page: Page, chartSelector: string): Promise<string[]> {
  return (await chartCollect(page, chartSelector, '.arrow', 'data-entries')).flatMap((v) => v.split(' ')).filter(Boolean);
}

/** The distinct values of `attribute` on the `item` elements a chart draws, scrolling it from top to bottom. */
export function chartCollect(page: Page, chartSelector: string, item: string, attribute: string): Promise<string[]> {
  return page.evaluate(async ({ sel, item, attribute }) => {
    type El = { scrollTop: number; scrollHeight: number; clientHeight: number; querySelectorAll(s: string): ArrayLike<{ getAttribute(a: string): string | null }>; querySelector(s: string): El | null };
    const doc = (globalThis as unknown as { document: { querySelector(s: string): El | null } }).document;
    const chart = doc.querySelector(sel)!;
    const scroller = chart.querySelector('.scroller')!;
    const seen = new Set<string>();
    const frame = () => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(undefined)));
    for (let top = 0; ; top += scroller.clientHeight) {
      scroller.scrollTop = top;
      await frame();
      await frame();
      for (const g of Array.from(scroller.querySelectorAll(item))) seen.add(g.getAttribute(attribute) ?? '');
      if (top + scroller.clientHeight >= scroller.scrollHeight) break;
    }
    return [...seen];
  }, { sel: chartSelector, item, attribute });
}

/** How many distinct colours a PNG holds (read back through a canvas in a blank page). */
export async function pngColours(browser: Browser, png: Buffer): Promise<number> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (b64) => {
      type Ctx = { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      type Doc = { createElement(t: 'canvas'): { width: number; height: number; getContext(k: '2d'): Ctx } };
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await (globalThis as unknown as { createImageBitmap(b: Blob): Promise<{ width: number; height: number }> }).createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = (globalThis as unknown as { document: Doc }).document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < d.length; i += 4) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return colours.size;
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}
