// npm run screenshots: the README's pictures of the reports, made from the real commands. `blebench run` on a
// passing and a failing scenario (--reporter html), `blebench explain --html` on a capture fixture, `blebench
// central --html` on the virtual radio (the default profile), each page
// opened in Debian's chromium (playwright-core, every request but the file refused) and shot to docs/.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VIEWPORT = { width: 1280, height: 1280 };

function blebench(args: string[]): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/blebench.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  // run exits 1 on a failed scenario and explain on a finding: both are what the pictures show.
  if (r.status !== 0 && r.status !== 1) throw new Error(`blebench ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`);
}

interface Shot {
  readonly png: string;
  readonly report: string;
  readonly make: string[];
  /** What to do in the page before the picture. */
  readonly then: (page: Page) => Promise<void>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blebench-screenshots-'));
  const browser = await chromium.launch({ executablePath: execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim(), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const run = path.join(dir, 'run.html');
    const explain = path.join(dir, 'explain.html');
    const central = path.join(dir, 'central.html');
    const shots: Shot[] = [
      {
        png: 'docs/report-run.png',
        report: run,
        make: ['run', 'fixtures/scenarios/sm-authenticated-read-after-passkey.yaml', 'fixtures/scenarios/encrypted-read-pairs-on-error.yaml', 'test/html/scenarios/fails-on-value.yaml', '--seed', '1', '--reporter', 'html', '--out', run],
        // The failed expectation's link followed: its packet marked in the chart, its fields and bytes below.
        then: async (page) => {
          await page.locator('a.goto').last().click();
          await page.locator('ol.steps').last().evaluate((e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView());
        },
      },
      {
        png: 'docs/report-explain.png',
        report: explain,
        make: ['explain', 'fixtures/captures/key-mismatch.btsnoop', '--html', explain],
        then: async () => undefined,
      },
      {
        png: 'docs/report-central.png',
        report: central,
        make: ['central', '--html', central],
        then: async () => undefined,
      },
    ];
    for (const s of shots) {
      blebench(s.make);
      const url = pathToFileURL(s.report).href;
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.route('**/*', (r) => (r.request().url() === url ? r.continue() : r.abort()));
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]');
      await s.then(page);
      await page.screenshot({ path: path.join(ROOT, s.png) });
      await page.close();
      process.stdout.write(`${s.png}\n`);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`screenshots: ${e.message}\n`);
  process.exit(1);
});
