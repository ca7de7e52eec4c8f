// Text from a peer and from files never reaches the terminal raw: a peripheral named
// `EV\e]0;pwned\aIL\e[2J` (an OSC that sets the terminal's title, BEL, a CSI that clears the screen)
// serving characteristics whose names and values hold ESC, C1 CSI (0x9B) and a bidi override, walked
// by `blebench central` on the virtual radio; a scenario named the same run by `blebench run`; a profile
// whose error quotes such text. Every printer (the matrix table and JSON, the run table, pretty logs,
// the error printer, the console screen) is read back: no ESC, BEL, C1 or bidi control in it, and the
// escaped form is there (the text was shown, not dropped).
import fs, { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/main.js';
import { ConsoleScreen } from '../../common/apps/console/console-screen.js';
import { escapeField, escapeForTerminal } from '../../common/base/output/escape.js';
import { withTimeout } from '../../common/base/util/wait.js';
import { internalErrorIn } from './helpers/cli.js';

const EVIL_NAME = 'EV\u001b]0;pwned\u0007IL\u001b[2J';
const EVIL_CHAR = 'Open\u009b2J Read\u202e';
const EVIL_VALUE = 'x\u001b]8;;http://evil\u0007link\u001b[0m';
/** Raw controls a terminal acts on: C0 but newline and tab, DEL, C1, bidi overrides and isolates. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;

const dir = mkdtempSync(path.join(tmpdir(), 'blebench-hostile-text-'));

function hostileProfile(): string {
  const doc = JSON.parse(readFileSync('fixtures/profiles/default.json', 'utf8')) as {
    name: string;
    advertising: { localName: string };
    services: Array<{ characteristics: Array<{ name: string; value?: unknown }> }>;
  };
  doc.name = `profile ${EVIL_NAME}`;
  doc.advertising.localName = EVIL_NAME;
  const open = doc.services[0]!.characteristics.find((c) => c.name === 'Open Read')!;
  open.name = EVIL_CHAR;
  open.value = { utf8: EVIL_VALUE };
  const file = path.join(dir, 'hostile.json');
  // JSON's own escapes (\u001b): the file is clean text, the strings it holds are not.
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** What pino wrote straight to fd 2 (sonic-boom's fs.writeSync). */
  log: string;
}

async function blebench(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let log = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const writeSync = fs.writeSync.bind(fs);
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: string | Uint8Array, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    log += String(data);
    return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  }) as typeof fs.writeSync);
  // Writers that wait for the write's callback (the run's report) get it.
  const called = (a: unknown, b: unknown) => void (typeof a === 'function' ? a : typeof b === 'function' ? b : undefined)?.();
  process.stdout.write = ((c: string | Uint8Array, a?: unknown, b?: unknown) => ((stdout += String(c)), called(a, b), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await withTimeout(main(['node', 'blebench', ...args]), { what: `blebench ${args[0]}`, timeoutMs: 30_000 });
    expect(internalErrorIn(stdout + stderr + log), stderr).toBeUndefined();
    return { code, stdout, stderr, log };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    vi.restoreAllMocks();
  }
}

function expectNoRaw(where: string, text: string): void {
  const m = RAW.exec(text);
  expect(m, `${where}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m?.index}: ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 40))}`).toBeNull();
}

describe('untrusted text at every printer', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the escaping itself: C0, ESC, BEL, DEL, C1 and bidi controls shown, text kept', () => {
    expect(escapeField(EVIL_NAME)).toBe('EV\\x1b]0;pwned\\x07IL\\x1b[2J');
    expect(escapeField(EVIL_CHAR)).toBe('Open\\x9b2J Read\\u202e');
    expect(escapeField('a\nb\tc\u007f\u0000')).toBe('a\\nb\\tc\\x7f\\x00');
    expect(escapeForTerminal('line 1\n\tline 2\u001b[31m')).toBe('line 1\n\tline 2\\x1b[31m');
    expect(escapeForTerminal('façade ✓ 温度 \u00a0')).toBe('façade ✓ 温度 \u00a0');
  });

  it('central: the matrix table and pretty logs of a peripheral named EV\\e]0;pwned\\aIL\\e[2J', async () => {
    const profile = hostileProfile();
    const r = await blebench(['central', '--profile', profile, '--verbose', '--log-level', 'info', '--log-format', 'pretty']);
    expect(r.code, r.stderr + r.log).toBe(0);
    for (const [where, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr, log: r.log })) expectNoRaw(where, text);
    expect(r.stdout).toContain(escapeField(EVIL_NAME)); // the target line
    expect(r.stdout).toContain(escapeField(EVIL_CHAR).slice(0, 20)); // a row (names are cut to the column)
    expect(r.stdout).toContain(`${escapeField(EVIL_CHAR)} × read`); // the why line
    expect(r.log).toContain(escapeField(EVIL_NAME)); // the "found" log entry
  }, 40_000);

  it('central --json: JSON without raw controls that reads back as the same names', async () => {
    const r = await blebench(['central', '--profile', hostileProfile(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectNoRaw('stdout', r.stdout);
    const doc = JSON.parse(r.stdout) as { target: { localName: string } };
    expect(doc.target.localName).toBe(EVIL_NAME);
    expect(r.stdout).toContain('\\u009b'); // C1, which JSON.stringify leaves raw, escaped
  }, 40_000);

  it('run: the table of a scenario named EV\\e]0;pwned\\aIL\\e[2J', async () => {
    const profile = hostileProfile();
    const scenario = path.join(dir, 'hostile.yaml');
    const text = readFileSync('fixtures/scenarios/encrypted-write.yaml', 'utf8')
      .replace(/^name: .*$/m, 'name: "EV\\e]0;pwned\\aIL\\e[2J \\u202e"')
      .replace('profile: default', `profile: ${JSON.stringify(profile)}`)
      // an expectation that fails, so the why-line quoting the value is printed too
      .replace('outcome: ATT 0x05', `outcome: ATT 0x05\n        value: { utf8: ${JSON.stringify(EVIL_VALUE)} }`);
    writeFileSync(scenario, text);
    const r = await blebench(['run', scenario, '--seed', '1']);
    expect([0, 1, 2], r.stderr).toContain(r.code);
    for (const [where, out] of Object.entries({ stdout: r.stdout, stderr: r.stderr, log: r.log })) expectNoRaw(where, out);
    expect(r.stdout + r.stderr).toContain('EV\\x1b]0;pwned\\x07IL\\x1b[2J');
  }, 40_000);

  it('the error printer: a profile whose problem quotes its text', async () => {
    const doc = JSON.parse(readFileSync('fixtures/profiles/default.json', 'utf8')) as Record<string, unknown>;
    doc[`bogus\u001b]0;pwned\u0007`] = 1;
    doc.name = `x${EVIL_NAME}`;
    const file = path.join(dir, 'hostile-broken.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await blebench(['peripheral', '--profile', file, '--transport', 'h4:unix:/nonexistent/blebench-hostile/air.sock']);
    expect(r.code, r.stderr).toBe(2);
    expectNoRaw('stderr', r.stderr);
    expect(r.stderr).toContain('bogus\\x1b]0;pwned\\x07');
  });

  it('the error printer: commander quoting an unknown flag', async () => {
    const r = await blebench(['central', `--evil\u001b[2J`]);
    expect(r.code).toBe(2);
    expectNoRaw('stderr', r.stderr);
    expect(r.stderr).toContain('--evil\\x1b[2J');
  });

  it('the console screen: an event line above the prompt', () => {
    let written = '';
    const screen = new ConsoleScreen({ write: (s: string) => (written += s) });
    screen.print(`notification from ${EVIL_NAME}: ${EVIL_VALUE}`);
    expectNoRaw('screen', written);
    expect(written).toContain(escapeField(EVIL_NAME));
  });
});
