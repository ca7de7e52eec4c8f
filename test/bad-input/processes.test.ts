// The bad-input corpus through real processes (bin/blebench.js, built into dist/): `blebench air`'s
// flags (it waits for a signal once listening, so never in-process), an unreadable file, and a sample
// of the in-process corpus, so what a user's shell sees is checked too: exit 2, the place named, no
// stack trace on stderr. The command lines run in two nodes (test/helpers/cli-batch.ts), one after another
// in each: as this user, and as nobody for the files and folders only root could otherwise read and write.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batched, type Batch } from '../helpers/cli-batch.js';
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

// root reads and writes anything: its cases about permissions run as nobody, for whom modes mean what they say
const AS_NOBODY = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
/** The command lines, declared as the describe blocks are collected, then run in one batch per user. */
const asUser: string[][] = [];
const asNobody: string[][] = [];
let userBatch: Batch;
let nobodyBatch: Batch;
beforeAll(() => {
  userBatch = batched(asUser, { caseLimitMs: PROCESS_LIMIT_MS });
  nobodyBatch = batched(asNobody, { caseLimitMs: PROCESS_LIMIT_MS, ...AS_NOBODY });
  userBatch.runAll();
  nobodyBatch.runAll();
}, 120_000);
function declare(args: string[], nobody = false): () => ReturnType<Batch['result']> {
  (nobody ? asNobody : asUser).push(args);
  return () => {
    const r = (nobody ? nobodyBatch : userBatch).result(args);
    expect(internalErrorIn(r.stdout + r.stderr), `blebench ${args.join(' ')}\n${r.stderr}`).toBeUndefined();
    return r;
  };
}

describe('blebench air: broken flags', () => {
  it.each(airFlagCorpus().map((c) => [c.rule, c, declare(c.args)] as const))('%s: exit 2 naming the flag, no stack trace', (_r, c, result) =>
    tally.counted(() => {
      const r = result();
      expect(r.signal, 'it hung').toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(c.names);
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
    }),
  );
});

describe('an unreadable file', () => {
  const unreadable = (kind: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-unreadable-'));
    chmodSync(dir, 0o755);
    const file = path.join(dir, `${kind}.${kind === 'profile' ? 'json' : 'yaml'}`);
    writeFileSync(file, readFileSync(kind === 'profile' ? 'fixtures/profiles/mitm-lock.json' : 'fixtures/scenarios/encrypted-write.yaml'));
    chmodSync(file, 0o000);
    return file;
  };
  it.each([
    ['profile', declare(['peripheral', '--profile', unreadable('profile'), '--transport', DEAD_TRANSPORT], true)],
    ['scenario', declare(['run', unreadable('scenario'), '--role', 'central', '--transport', DEAD_TRANSPORT], true)],
  ])('a %s nobody may read: exit 2, the file and EACCES named', (kind, result) =>
    tally.counted(() => {
      const r = result();
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
  const withFile = docs.map((c) => {
    const file = writeCase(c, 'sample-profile');
    return [c.rule, c, file, declare(['peripheral', '--profile', file, '--transport', DEAD_TRANSPORT])] as const;
  });
  it.each(withFile)('profile: %s', (_r, c, file, result) =>
    tally.counted(() => {
      const r = result();
      expectRefusedFile(r, file, { ...(c.path !== undefined ? { path: c.path } : {}), ...(c.line !== undefined ? { line: c.line } : {}) });
    }),
  );

  const flags = flagCorpus();
  const sample = flags.filter((_, i) => i % Math.ceil(flags.length / 10) === 0);
  it.each(sample.map((c) => [`${c.command}: ${c.rule}`, c, declare(c.args)] as const))('flags: %s', (_t, c, result) =>
    tally.counted(() => {
      const r = result();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(c.names);
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
    }),
  );
});

describe('a folder nobody may write', () => {
  const readOnlyDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-readonly-'));
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'existing.json'), '{"version": 1, "bonds": []}\n');
    chmodSync(dir, 0o555);
    return dir;
  };
  const cases = [
    ['--keys (a new store there could never be saved)', (d: string) => ['peripheral', '--transport', DEAD_TRANSPORT, '--keys', path.join(d, 'keys.json')], /key store .*keys\.json cannot be used: its folder .* is not writable/],
    ['--keys (an existing store there could never be replaced)', (d: string) => ['central', '--target', 'x', '--transport', DEAD_TRANSPORT, '--keys', path.join(d, 'existing.json')], /its folder .* is not writable/],
    ['run --out', (d: string) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--out', path.join(d, 'report.json')], /--out .*is not writable/],
    ['run --btsnoop', (d: string) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--btsnoop', path.join(d, 'captures')], /--btsnoop .*is not writable/],
  ] as const;
  it.each(
    cases.map(([what, args, says]) => {
      const dir = readOnlyDir();
      return [what, dir, readFileSync(path.join(dir, 'existing.json')), says, declare(args(dir), true)] as const;
    }),
  )('%s: exit 2 before anything runs, the folder named', (_what, dir, before, says, result) =>
    tally.counted(() => {
      const r = result();
      expect(r.signal, 'it hung').toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(says);
      expect(r.stdout).toBe('');
      expect(stackTraceIn(r.stderr), r.stderr).toBeUndefined();
      expect(readFileSync(path.join(dir, 'existing.json')).equals(before)).toBe(true);
    }),
  );
});
