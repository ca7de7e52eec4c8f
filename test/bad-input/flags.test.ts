// A generated corpus of broken command lines for every command (helpers/flag-corpus.ts), run through
// the CLI's main() in this process: exit 2, the flag (or the word at fault) named, no stack trace.
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/cli.js';
import { expectNoStack } from './helpers/corpus.js';
import { flagCorpus } from './helpers/flag-corpus.js';
import { Tally } from '../faults/helpers/tally.js';

const tally = new Tally('bad input (flags)', 'exit 2 naming the flag');
afterAll(() => console.log(tally.line()));

// Every command `blebench --help` lists gets the generic cases too, so a new command is covered.
const help = await runCliInProcess(['--help']);
const listed = (help.stdout.split(/^Commands:$/m)[1] ?? '').split('\n').map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1]).filter((c): c is string => !!c && c !== 'help');
const CASES = [
  ...flagCorpus(),
  ...listed.filter((c) => c !== 'air').map((command) => ({ command, rule: 'unknown flag (every listed command)', args: [command, '--bogus-flag'], names: '--bogus-flag' })),
];

describe('broken command lines', () => {
  it('the corpus covers every command and every rule', () => {
    expect(listed).toEqual(expect.arrayContaining(['run', 'peripheral', 'central', 'air', 'doctor']));
    for (const c of [...listed.filter((x) => x !== 'air'), '(none)']) expect(CASES.some((x) => x.command === c), c).toBe(true);
    for (const rule of ['unknown flag', 'missing its value', 'choice', 'bad transport', 'bad --passkey', 'bad --min-key-size', 'bad --timeout', 'bad --seed', 'conflicting']) {
      expect(CASES.some((c) => c.rule.includes(rule)), rule).toBe(true);
    }
  });

  it.each(CASES.map((c) => [`${c.command}: ${c.rule}`, c] as const))('%s', async (_title, c) => {
    let ok = false;
    try {
      const r = await runCliInProcess(c.args);
      expect(r.code, `${c.args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr, c.args.join(' ')).toContain(c.names);
      expectNoStack(r);
      ok = true;
    } finally {
      tally.count(ok);
    }
  });
});
