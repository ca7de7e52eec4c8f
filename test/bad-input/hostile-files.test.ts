// The hostile tester's files: profiles and scenarios that are binary, not UTF-8, a
// directory, a symlink loop, an alias bomb or beyond the 16-bit handle space; key stores that are not
// JSON, empty, binary, another version, a directory, a symlink loop, under a regular file or in a folder
// that does not exist; destinations (--out, --btsnoop) that cannot take what the run writes. Each: exit
// 2 before any transport is opened (the transport here cannot open: reaching it would be exit 3), the
// file and what is wrong named, no stack trace, and a key file byte-identical.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/cli.js';
import { DEAD_TRANSPORT, expectNoStack, scratchDir } from './helpers/corpus.js';
import { Tally } from '../faults/helpers/tally.js';
import { MAX_ISSUES_SHOWN } from '../../common/base/input/issues.js';
import { resolveProfileDocument } from '../../common/stack/gatt/resolve-profile.js';
import { attributeHandleCount } from '../../common/stack/gatt/handle-count.js';

const tally = new Tally('bad input (hostile files)', 'exit 2 naming the file and what is wrong');
afterAll(() => console.log(tally.line()));

const PROFILE = readFileSync('fixtures/profiles/mitm-lock.json', 'utf8');
const SCENARIO = readFileSync('fixtures/scenarios/encrypted-write.yaml', 'utf8');

/** A YAML document whose aliases expand 10^9 times (the "billion laughs"). */
const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'name: *i', ''].join('\n');

/** A profile of `chars` plain read characteristics in one service: 9 + 1 + 2 × chars handles. */
function bigProfile(chars: number): string {
  const characteristics = Array.from({ length: chars }, (_, i) => ({ name: `c${i}`, uuid: (0x10000000 + i).toString(16) + '-0000-1000-8000-00805f9b34fb', properties: ['read'], value: { hex: '00' } }));
  return JSON.stringify({ name: 'huge', advertising: { localName: 'huge' }, services: [{ name: 's', uuid: '180a', characteristics }] });
}

/** Handles of a profile of one service with `chars` characteristics of no descriptor. */
const c = (chars: number) => 13 + 1 + 2 * chars;

type FileCase = { rule: string; make: (dir: string) => string; says: RegExp };

const withText = (name: string, text: string | Buffer) => (dir: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const loop = (dir: string) => {
  symlinkSync(path.join(dir, 'loop-b'), path.join(dir, 'loop-a'));
  symlinkSync(path.join(dir, 'loop-a'), path.join(dir, 'loop-b'));
  return path.join(dir, 'loop-a');
};
const directory = (name: string) => (dir: string) => {
  mkdirSync(path.join(dir, name));
  return path.join(dir, name);
};
const underFile = (name: string) => (dir: string) => {
  writeFileSync(path.join(dir, 'plain'), 'x');
  return path.join(dir, 'plain', name);
};

const NOT_UTF8 = (text: string, at: number) => Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(text.slice(at))]);

const PROFILE_CASES: FileCase[] = [
  { rule: 'binary (an ELF header)', make: withText('p.json', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), says: /not text .*NUL byte at offset 7/ },
  { rule: 'not UTF-8 (a Latin-1 byte)', make: withText('p.json', NOT_UTF8(PROFILE, 20)), says: /not UTF-8 text: the byte 0xC3 at offset 20 is not valid UTF-8/ },
  { rule: 'an escape character in the text', make: withText('p.json', PROFILE.replace('"name"', '"\u001b[2Jname"')), says: /control character 0x1B/ },
  { rule: 'a directory', make: directory('p.json'), says: /is a directory/ },
  { rule: 'a symlink loop', make: loop, says: /symlink loop/ },
  { rule: 'a path under a regular file', make: underFile('p.json'), says: /under a regular file/ },
  { rule: 'a YAML alias bomb', make: withText('p.yaml', ALIAS_BOMB), says: /aliases expand beyond 100/ },
  { rule: 'more attributes than the 16-bit handle space (65536)', make: withText('p.json', bigProfile((65536 - 14) / 2 + 1)), says: /needs 65538 attribute handles.*65535/ },
];

const SCENARIO_CASES: FileCase[] = [
  { rule: 'binary', make: withText('s.yaml', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) % 256))), says: /not text|not UTF-8/ },
  { rule: 'not UTF-8', make: withText('s.yaml', NOT_UTF8(SCENARIO, 10)), says: /not UTF-8 text: the byte 0xC3 at offset 10 / },
  { rule: 'a YAML alias bomb', make: withText('s.yaml', ALIAS_BOMB), says: /aliases expand beyond 100/ },
  { rule: 'a symlink loop', make: (d) => {
      const l = loop(d);
      const named = path.join(d, 'loop.yaml');
      symlinkSync(l, named);
      return named;
    }, says: /symlink loop/ },
];

const profileCommand = (file: string) => ['peripheral', '--profile', file, '--transport', DEAD_TRANSPORT];
const scenarioCommand = (file: string) => ['run', file, '--role', 'central', '--transport', DEAD_TRANSPORT];

async function refused(args: string[], file: string, says: RegExp): Promise<string> {
  const r = await runCliInProcess(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(path.basename(file));
  expect(r.stderr).toMatch(says);
  expect(r.stderr).not.toMatch(/internal error|a bug in blebench/);
  expectNoStack(r);
  return r.stderr;
}

describe('profiles and scenarios a hostile tester gives', () => {
  it.each(PROFILE_CASES.map((c) => [c.rule, c] as const))('profile: %s', (_r, c) =>
    tally.counted(async () => {
      const file = c.make(scratchDir());
      await refused(profileCommand(file), file, c.says);
      // The central reads profiles the same way (the 65,536-handle file, slow to parse, once is enough).
      if (!c.rule.includes('handle space')) await refused(['central', '--profile', file, '--transport', DEAD_TRANSPORT, '--target', 'x'], file, c.says);
    }),
  );

  it.each(SCENARIO_CASES.map((c) => [c.rule, c] as const))('scenario: %s', (_r, c) =>
    tally.counted(async () => {
      const file = c.make(scratchDir());
      const err = await refused(scenarioCommand(file), file, c.says);
      // A binary file is named, not printed: none of its bytes reach the terminal raw.
      expect(err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }),
  );

  it('the 16-bit handle space: 65535 handles are a profile, 65536 are not', () =>
    tally.counted(() => {
      // 13 (Generic Access, Generic Attribute) + 1 (the service) + 2 per characteristic; 65535 is odd, so one
      // characteristic carries a descriptor (0x2901, a user description) to land on it exactly.
      const doc = (chars: number, described: boolean) => {
        const d = JSON.parse(bigProfile(chars)) as { services: Array<{ characteristics: Array<Record<string, unknown>> }> };
        if (described) d.services[0]!.characteristics[0]!.userDescription = 'the one with a descriptor';
        return d;
      };
      const fits = resolveProfileDocument(doc(32760, true), 'fits.json');
      expect(c(32760) + 1).toBe(65535);
      expect(fits.ok, JSON.stringify(!fits.ok && fits.issues[0])).toBe(true);
      if (fits.ok) expect(attributeHandleCount(fits.profile.services)).toBe(65535);
      const over = resolveProfileDocument(doc(32761, false), 'over.json');
      expect(c(32761)).toBe(65536);
      expect(over.ok).toBe(false);
      if (!over.ok) expect(over.issues.map((i) => i.message).join('\n')).toMatch(/"huge" needs 65536 attribute handles .* more than the 65535/);
    }),
  );

  it(`a list of problems shows the first ${MAX_ISSUES_SHOWN} and the count of the rest`, () =>
    tally.counted(async () => {
      const doc = JSON.parse(PROFILE) as { services: Array<{ characteristics: Array<Record<string, unknown>> }> };
      const one = doc.services[0]!.characteristics[0]!;
      doc.services[0]!.characteristics = Array.from({ length: 300 }, (_, i) => ({ ...one, name: `c${i}`, bogus: i }));
      const file = path.join(scratchDir(), 'many.json');
      writeFileSync(file, JSON.stringify(doc, null, 2));
      const err = await refused(profileCommand(file), file, /has \d+ problems/);
      expect(err.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(MAX_ISSUES_SHOWN);
      expect(err).toMatch(/… and \d+ more/);
    }),
  );
});


describe('--keys FILE that is no key store: exit 2 before anything runs, the file untouched', () => {
  const KEY_CASES: FileCase[] = [
    { rule: 'not JSON', make: withText('keys.json', 'bonds: none'), says: /is not JSON/ },
    { rule: 'truncated', make: withText('keys.json', '{"version": 1, "bonds": [{"local": {"addr'), says: /is not JSON/ },
    { rule: 'empty (0 bytes: a cut-short write)', make: withText('keys.json', ''), says: /empty \(0 bytes\).*cut short/ },
    { rule: 'binary', make: withText('keys.json', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe])), says: /not text|not UTF-8/ },
    { rule: 'another version', make: withText('keys.json', '{"version": 2, "bonds": []}\n'), says: /not a version 1 key store.*version 2/ },
    { rule: 'a broken bond', make: withText('keys.json', '{"version": 1, "bonds": [{"local": 1}]}\n'), says: /bonds\[0\]/ },
    { rule: 'a directory', make: directory('keys.json'), says: /is a directory/ },
    { rule: 'a symlink loop', make: loop, says: /symlink loop/ },
    { rule: 'a path under a regular file', make: underFile('keys.json'), says: /under a regular file/ },
    { rule: 'in a folder that does not exist', make: (d) => path.join(d, 'no-such-folder', 'keys.json'), says: /folder .*no-such-folder does not exist/ },
  ];
  const COMMANDS: Array<[string, (f: string) => string[]]> = [
    ['central', (f) => ['central', '--target', 'x', '--transport', DEAD_TRANSPORT, '--keys', f]],
    ['central on mock (the banner not printed)', (f) => ['central', '--keys', f]],
    ['peripheral', (f) => ['peripheral', '--transport', DEAD_TRANSPORT, '--keys', f]],
    ['central --interactive', (f) => ['central', '--interactive', '--transport', DEAD_TRANSPORT, '--keys', f]],
    ['peripheral --interactive', (f) => ['peripheral', '--interactive', '--transport', DEAD_TRANSPORT, '--keys', f]],
  ];
  it.each(KEY_CASES.flatMap((k) => COMMANDS.map(([name, args]) => [`${name}: ${k.rule}`, k, args] as const)))('%s', (_t, k, args) =>
    tally.counted(async () => {
      const dir = scratchDir();
      const file = k.make(dir);
      const before = existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
      const wasDirectory = existsSync(file) && statSync(file).isDirectory();
      const r = await runCliInProcess(args(file));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(k.says);
      expect(r.stdout, 'nothing runs before the check').toBe('');
      expectNoStack(r);
      if (before) expect(readFileSync(file).equals(before), 'the key file is byte-identical').toBe(true);
      else if (wasDirectory) expect(readdirSync(file), 'nothing was written into the directory').toEqual([]);
      else if (!k.rule.includes('symlink')) expect(existsSync(file), 'nothing was created').toBe(false);
    }),
  );

  it('a file that does not exist in an existing folder is a new store (the run goes on: here to the dead transport, exit 3)', () =>
    tally.counted(async () => {
      const file = path.join(scratchDir(), 'new-keys.json');
      const r = await runCliInProcess(['peripheral', '--transport', DEAD_TRANSPORT, '--keys', file]);
      expect(r.code, r.stderr).toBe(3);
      expect(existsSync(file)).toBe(false);
    }),
  );
});

describe('destinations and limits checked before anything runs', () => {
  const CASES: Array<{ rule: string; args: (dir: string) => string[]; says: RegExp }> = [
    { rule: 'run --out DIR (a directory where a file goes)', args: (d) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--out', d], says: /--out .*is a directory/ },
    { rule: 'run --out in a folder that does not exist', args: (d) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--out', path.join(d, 'nope', 'r.json')], says: /--out .*does not exist/ },
    { rule: 'run --btsnoop FILE (a folder is expected)', args: (d) => ['run', 'fixtures/scenarios/encrypted-write.yaml', '--btsnoop', withText('f', 'x')(d)], says: /--btsnoop .*a folder is expected/ },
    { rule: 'run --seam-check --btsnoop FILE', args: (d) => ['run', '--seam-check', '--btsnoop', withText('f', 'x')(d)], says: /--btsnoop .*a folder is expected/ },
    { rule: 'central --btsnoop DIR', args: (d) => ['central', '--btsnoop', d], says: /--btsnoop .*is a directory/ },
    { rule: 'central --btsnoop in a missing folder', args: (d) => ['central', '--target', 'x', '--transport', DEAD_TRANSPORT, '--btsnoop', path.join(d, 'nope', 'c.btsnoop')], says: /--btsnoop .*does not exist/ },
    { rule: 'peripheral --btsnoop DIR', args: (d) => ['peripheral', '--transport', DEAD_TRANSPORT, '--btsnoop', d], says: /--btsnoop .*is a directory/ },
    { rule: 'central --timeout 2147483648 (beyond Node timers)', args: () => ['central', '--timeout', '2147483648'], says: /--timeout .*at most 2147483647/ },
    { rule: 'central --target on mock, which holds only blebench\'s own peripheral', args: () => ['central', '--target', 'somebody-else'], says: /--target .*only blebench's own peripheral, "blebench"/ },
  ];
  it.each(CASES.map((c) => [c.rule, c] as const))('%s', (_r, c) =>
    tally.counted(async () => {
      const r = await runCliInProcess(c.args(scratchDir()));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(c.says);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/internal error/);
      expectNoStack(r);
    }),
  );

  it('fuzz and doctor take --log-level like every command', async () => {
    const doctor = await runCliInProcess(['doctor', '--log-level', 'debug', '--log-format', 'json', '--json']);
    expect([0, 3], doctor.stderr).toContain(doctor.code);
    const fuzz = await runCliInProcess(['fuzz', '--log-level', 'loud']);
    expect(fuzz.code).toBe(2);
    expect(fuzz.stderr).toMatch(/--log-level.*loud/);
    expect((await runCliInProcess(['fuzz', '--help'])).stdout).toMatch(/--log-level <level>/);
  });

  it('--timeout 2147483647 (the limit itself) is accepted', async () => {
    const r = await runCliInProcess(['central', '--target', 'x', '--transport', DEAD_TRANSPORT, '--timeout', '2147483647']);
    expect(r.code, r.stderr).toBe(3);
  });
});

describe('transports that are not what they claim: exit 3 saying what the path is', () => {
  it.each([
    ['serial:/dev/null (no terminal)', () => 'serial:/dev/null', /\/dev\/null is not a serial port \(ENOTTY/],
    ['h4:unix: at a regular file', (d: string) => `h4:unix:${withText('plain', 'x')(d)}`, /plain is a regular file, not a socket/],
    ['h4:unix: at a directory', (d: string) => `h4:unix:${d}`, /is a directory, not a socket/],
  ])('%s', (_what, spec, says) =>
    tally.counted(async () => {
      const r = await runCliInProcess(['central', '--target', 'x', '--transport', spec(scratchDir())]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(says);
      expect(r.stderr).not.toMatch(/Inappropriate ioctl|nothing listens there|internal error/);
      expectNoStack(r);
    }),
  );
});
