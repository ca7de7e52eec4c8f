// The bad-input corpus through real processes (bin/blebench.js, built into dist/): `blebench air`'s
// flags (it waits for a signal once listening, so never in-process), an unreadable file, and a sample
// of the in-process corpus, so what a user's shell sees is checked too: exit 2, the place named, no
// stack trace on stderr.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { internalErrorIn, stackTraceIn } from './helpers/cli.js';
import { DEAD_TRANSPORT, expectRefusedFile, writeCase } from './helpers/corpus.js';
import { airFlagCorpus, flagCorpus } from './helpers/flag-corpus.js';
import { jsonSyntaxCases, schemaCases, type Doc } from './helpers/mutate.js';
import { Tally } from '../faults/helpers/tally.js';
import { letOthersReach } from '../helpers/reachable-by-others.js';

const tally = new Tally('bad input (real processes)', 'exit 2 with a named place');
afterAll(() => console.log(tally.line()));

/** Far beyond a refusal (well under a second); a process still running then has hung. */
const PROCESS_LIMIT_MS = 15_000;
const NOBODY = 65534;
// Its cases run blebench as nobody: the checkout must be reachable by it.
letOthersReach(process.cwd());

function blebench(args: string[], as?: { uid: number; gid: number }) {
  const r = spawnSync(process.execPath, ['bin/blebench.js', ...args], {
    encoding: 'utf8',
    timeout: PROCESS_LIMIT_MS,
    env: { ...process.env, BLEBENCH_DEBUG: '' },
    ...(as ?? {}),
  });
  expect(internalErrorIn(r.stdout + r.stderr), `blebench ${args.join(' ')}\n${r.stderr}`).toBeUndefined();
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}


describe('blebench air: broken flags', () => {
  it.each(airFlagCorpus().map((c) => [c.rule, c] as const))('%s: exit 2 naming the flag, no stack trace', (_r, c) =>
    tally.counted(() => {
      const r = blebench(c.args);
      expect(r.signal, 'it hung').toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(c.names);
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
    }),
  );
});

describe('an unreadable file', () => {
  it.each([
    ['profile', (f: string) => ['peripheral', '--profile', f, '--transport', DEAD_TRANSPORT]],
    ['scenario', (f: string) => ['run', f, '--role', 'central', '--transport', DEAD_TRANSPORT]],
  ])('a %s nobody may read: exit 2, the file and EACCES named', (kind, args) =>
    tally.counted(() => {
      const dir = mkdtempSync(path.join(tmpdir(), 'blebench-unreadable-'));
      chmodSync(dir, 0o755);
      const file = path.join(dir, `${kind}.${kind === 'profile' ? 'json' : 'yaml'}`);
      writeFileSync(file, readFileSync(kind === 'profile' ? 'fixtures/profiles/mitm-lock.json' : 'fixtures/scenarios/encrypted-write.yaml'));
      chmodSync(file, 0o000);
      // root reads anything: then run as nobody, for whom mode 000 means what it says
      const r = blebench(args(file), process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : undefined);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${kind}.`);
      expect(r.stderr).toMatch(/EACCES|permission/i);
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
    }),
  );
});

describe('a sample of the corpus through real processes', () => {
  const doc = JSON.parse(readFileSync('fixtures/profiles/heart-rate.json', 'utf8')) as Doc;
  const schema = schemaCases(doc, 'json', { uuidKeys: ['uuid'], words: { read: ['encryptd'] }, anyType: [], openObjects: [] });
  const docs = [...schema.filter((_, i) => i % Math.ceil(schema.length / 6) === 0), ...jsonSyntaxCases(readFileSync('fixtures/profiles/heart-rate.json', 'utf8'), 2)];
  it.each(docs.map((c) => [c.rule, c] as const))('profile: %s', (_r, c) =>
    tally.counted(() => {
      const file = writeCase(c, 'sample-profile');
      const r = blebench(['peripheral', '--profile', file, '--transport', DEAD_TRANSPORT]);
      expectRefusedFile(r, file, { ...(c.path !== undefined ? { path: c.path } : {}), ...(c.line !== undefined ? { line: c.line } : {}) });
    }),
  );

  const flags = flagCorpus();
  const sample = flags.filter((_, i) => i % Math.ceil(flags.length / 10) === 0);
  it.each(sample.map((c) => [`${c.command}: ${c.rule}`, c] as const))('flags: %s', (_t, c) =>
    tally.counted(() => {
      const r = blebench(c.args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(c.names);
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
    }),
  );
});

describe('a folder nobody may write', () => {
  // root writes anywhere: run as nobody, for whom mode 555 means what it says
  const as = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : undefined;
  const readOnlyDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-readonly-'));
    chmodSync(dir, 0o555);
    return dir;
  };
  it.each([
    ['--keys (a new store there could never be saved)', (d: string) => ['peripheral', '--transport', DEAD_TRANSPORT, '--keys', path.join(d, 'keys.json')], /key store .*keys\.json cannot be used: its folder .* is not writable/],
    ['--keys (an existing store there could never be replaced)', (d: string) => ['central', '--target', 'x', '--transport', DEAD_TRANSPORT, '--keys', path.join(d, 'existing.json')], /its folder .* is not writable/],
    ['run --out', (d: string) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--out', path.join(d, 'report.json')], /--out .*is not writable/],
    ['run --btsnoop', (d: string) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--btsnoop', path.join(d, 'captures')], /--btsnoop .*is not writable/],
  ])('%s: exit 2 before anything runs, the folder named', (_what, args, says) =>
    tally.counted(() => {
      const dir = readOnlyDir();
      chmodSync(dir, 0o755);
      writeFileSync(path.join(dir, 'existing.json'), '{"version": 1, "bonds": []}\n');
      chmodSync(dir, 0o555);
      const before = readFileSync(path.join(dir, 'existing.json'));
      const r = blebench(args(dir), as);
      expect(r.signal, 'it hung').toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stdout).toBe('');
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
      expect(readFileSync(path.join(dir, 'existing.json')).equals(before)).toBe(true);
    }),
  );
});
