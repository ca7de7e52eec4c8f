// `blebench run` as users and CI call it (the built CLI's main(), as bin/blebench.js calls it): the default
// suite, the reporters, --btsnoop, exit codes 0/1/2/3, the time limit, and a crash that stays inside
// its scenario. The command lines run one after another in one node (test/helpers/cli-batch.ts's
// session): one node start-up and one import of the CLI, noble and bleno for the file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverScenarios } from '../../common/apps/scenario/index.js';
import { cliSession } from '../helpers/cli-batch.js';
import { root, SUITE_DIR } from './run-helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'blebench-run-'));
// 400 columns: each failure's reason on one line of the table (narrower widths wrap it: test/scenario/reporters.test.ts).
const session = cliSession({ cwd: root, caseLimitMs: 60_000, env: { COLUMNS: '400' } });
afterAll(() => session.close());
async function blebench(...args: string[]) {
  const r = await session.run(...args);
  expect(r.signal, `blebench ${args.join(' ')} still running after 60 s`).toBeNull();
  return r;
}
const file = (name: string, text: string) => {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
};
const suiteSize = discoverScenarios([SUITE_DIR], root).length;

/** The refused command lines (exit 2 and 3, before any scenario runs). */
const BAD_ARGS = [[['--seed', 'soon']], [['--role', 'central']] /* --role central on mock: nobody to talk to */, [['no/such/folder']], [['--reporter', 'xml']]];
const ROLES = ['central', 'peripheral', 'both'];
const unavailable = (role: string) => ['run', '--role', role, '--transport', 'hci:0', path.join(SUITE_DIR, 'open-read.yaml')];
const badFile = ['run', 'test/scenario/broken/unknown-characteristic.yaml', path.join(SUITE_DIR, 'open-read.yaml')];

describe('blebench run', () => {
  it('with no paths runs the default suite: exit 0, one JSON record per scenario with its timeline, the seed on stderr', async () => {
    const out = path.join(tmp, 'report.json');
    const r = await blebench('run', '--reporter', 'json', '--out', out);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toBe(`${suiteSize} passed, 0 failed (report: ${out})\n`);
    const seed = /seed (\d+) \(run this order again with --seed \1\)/.exec(r.stderr);
    expect(seed).not.toBeNull();
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { seed: number; scenarios: Array<{ status: string; file: string; timeline: Record<string, unknown[]> }> };
    expect(doc.seed).toBe(Number(seed![1]));
    expect(doc.scenarios).toHaveLength(suiteSize);
    for (const s of doc.scenarios) {
      expect(s.status, s.file).toBe('passed');
      // one central's timeline ("central"), or each named central's ("central:NAME") with `centrals:`
      const centrals = Object.keys(s.timeline).filter((k) => k === 'central' || k.startsWith('central:'));
      expect(centrals.length, s.file).toBeGreaterThan(0);
      for (const k of [...centrals, 'peripheral']) expect(s.timeline[k]?.length, `${s.file} ${k}`).toBeGreaterThan(0);
    }
  });

  it('a failing scenario: exit 1, the table says why and ends with "N passed, N failed"; --seed repeats the order', async () => {
    const good = path.join(SUITE_DIR, 'open-read.yaml');
    const bad = file('open-read-wrong.yaml', readFileSync(path.join(root, good), 'utf8').replace('name: open read, no security', 'name: open read, wrong value').replace('utf8: open to everyone', 'utf8: closed'));
    const r = await blebench('run', good, bad, '--seed', '42');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+open read, wrong value/);
    expect(r.stdout).toContain('step 3 (read Open Read): expected read Open Read to return the text "closed" (63 6C 6F 73 65 64); got "open to everyone" (6F 70 65 6E 20 74 6F 20 65 76 65 72 79 6F 6E 65)');
    expect(r.stdout).toMatch(/seed 42\n1 passed, 1 failed\n$/);
    const again = await blebench('run', good, bad, '--seed', '42');
    const order = (s: string) => s.split('\n').filter((l) => /^(PASS|FAIL)/.test(l)).map((l) => l.split(/\s{2,}/)[1]);
    expect(order(again.stdout)).toEqual(order(r.stdout));
  });

  it('a bad scenario file: exit 2 before anything runs, naming the file and the path inside it', async () => {
    const r = await blebench(...badFile);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('test/scenario/broken/unknown-characteristic.yaml at /central/steps/');
    expect(r.stdout).toBe('');
  });

  it.each(BAD_ARGS)('bad arguments %j: exit 2', async (args) => {
    const r = await blebench('run', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/blebench|error/);
  });

  it('an unavailable adapter: exit 3 with what to do, for each role', async () => {
    for (const role of ROLES) {
      const r = await blebench(...unavailable(role));
      expect(r.code, role).toBe(3);
      expect(r.stderr).toContain('what to do:');
    }
  });

  it('--btsnoop DIR writes one capture per scenario and side; the JUnit report names them', async () => {
    const dir = path.join(tmp, 'captures');
    const out = path.join(tmp, 'junit.xml');
    const r = await blebench('run', path.join(SUITE_DIR, 'open-read.yaml'), path.join(SUITE_DIR, 'link-lost-during-pairing.json'), '--btsnoop', dir, '--reporter', 'junit', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual([
      'fixtures.scenarios.link-lost-during-pairing.central.btsnoop',
      'fixtures.scenarios.link-lost-during-pairing.peripheral.btsnoop',
      'fixtures.scenarios.open-read.central.btsnoop',
      'fixtures.scenarios.open-read.peripheral.btsnoop',
    ]);
    for (const f of files) {
      const b = readFileSync(path.join(dir, f));
      expect(b.subarray(0, 8).toString('latin1')).toBe('btsnoop\0');
      expect(b.length).toBeGreaterThan(16 + 24 * 10);
    }
    expect(readFileSync(out, 'utf8')).toContain('capture (central): ');
  });

  it('a scenario that outlives its time limit ends in error at it, and the run goes on', async () => {
    const slow = file(
      'slow.yaml',
      `name: waits longer than its limit\ndescription: d\ntime-limit-ms: 400\nperipheral:\n  profile: default\ncentral:\n  steps:\n    - connect:\n    - wait-notification: { characteristic: Temperature, timeout-ms: 5000 }\n`,
    );
    const t0 = Date.now();
    const r = await blebench('run', slow, path.join(SUITE_DIR, 'open-read.yaml'));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ERROR\s+waits longer than its limit/);
    expect(r.stdout).toContain('did not finish within its time limit of 400 ms: stopped at step 2 (wait for 1 notification of Temperature)');
    expect(r.stdout).toMatch(/PASS\s+open read, no security/);
    expect(r.stdout).toMatch(/1 passed, 1 failed\n$/);
  });

  it('--seam-check still runs the built-in seam check', async () => {
    const r = await blebench('run', '--seam-check');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('PASS: the secure read got ATT 0x05');
  });
});

describe('a crash inside one scenario', () => {
  it('becomes that scenario\'s error; the next scenario still runs', () => {
    const script = `
      import { runSuite } from ${JSON.stringify(path.join(root, 'dist/common/apps/scenario/run/index.js'))};
      import { loadScenario } from ${JSON.stringify(path.join(root, 'dist/common/apps/scenario/index.js'))};
      import { Tap } from ${JSON.stringify(path.join(root, 'dist/common/stack/trace/index.js'))};
      const s = loadScenario('fixtures/scenarios/open-read.yaml');
      let n = 0;
      const central = (crash) => ({ tap: new Tap(), onNotification() {}, async connect() { if (crash) setImmediate(() => { throw new Error('boom in a stack'); }); await new Promise(() => {}); } });
      const openRig = async () => { const c = central(n++ === 0); return { central: c, close: async () => {} }; };
      const suite = await runSuite([s, { ...s, name: 'second', timeLimitMs: 300 }], { openRig, seed: 1, shuffle: false });
      console.log(JSON.stringify(suite.results.map((r) => [r.name, r.status, r.error ?? ''])));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as [string, string, string][];
    expect(results[0]![1]).toBe('error');
    expect(results[0]![2]).toContain('a stack crashed: boom in a stack (at step 1 (connect))');
    // The second scenario ran to its own end (here: its time limit, since the fake central never connects).
    expect(results[1]![0]).toBe('second');
    expect(results[1]![2]).toContain('did not finish within its time limit');
  });
});

it('the default suite folder has only scenario files and its README', () => {
  expect(existsSync(path.join(root, SUITE_DIR, 'README.md'))).toBe(true);
});
