// A generated corpus of broken profiles, made from the valid fixtures one rule at a time (unknown keys,
// wrong types, bad UUIDs, bad security words, duplicate UUIDs and names, JSON and YAML syntax broken
// at places spread over the file, empty, binary, not an object, a directory, a missing file), each
// given to `blebench peripheral --profile` or `blebench central --profile` in this process: exit 2, the
// file and the path and line:column inside it named, no stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/cli.js';
import { DEAD_TRANSPORT, expectRefusedFile, scratchDir, writeCase } from './helpers/corpus.js';
import { duplicateCase, jsonSyntaxCases, notADocumentCases, schemaCases, serialize, yamlSyntaxCases, type Doc, type DocCase, type SchemaRules } from './helpers/mutate.js';
import { Tally } from '../faults/helpers/tally.js';

const FIXTURES = ['default', 'heart-rate', 'mitm-lock'];
const LEVEL_TYPOS = ['encryptd', 'MITM', ''];
const RULES: SchemaRules = {
  uuidKeys: ['uuid', 'serviceUuids'],
  words: {
    read: LEVEL_TYPOS,
    write: LEVEL_TYPOS,
    notify: LEVEL_TYPOS,
    indicate: LEVEL_TYPOS,
    level: LEVEL_TYPOS,
    properties: [['reed']],
    minKeySize: [6, 17],
    width: [5],
    endianness: ['middle'],
    type: ['tertiary'],
  },
  anyType: [],
  openObjects: [],
};

const tally = new Tally('bad input (profiles)', 'exit 2 with a named place');
afterAll(() => console.log(tally.line()));

function corpus(): Array<DocCase & { fixture: string }> {
  const out: Array<DocCase & { fixture: string }> = [];
  for (const fixture of FIXTURES) {
    const text = readFileSync(path.resolve(import.meta.dirname, `../../fixtures/profiles/${fixture}.json`), 'utf8');
    const doc = JSON.parse(text) as Doc;
    // YAML for the smaller fixtures, so both formats meet every rule
    const format = fixture === 'default' ? 'json' : 'yaml';
    const cases = schemaCases(doc, format, RULES);
    const chars = '/services/0/characteristics';
    cases.push(duplicateCase(doc, format, chars, 'uuid', 0, 1), duplicateCase(doc, format, chars, 'name', 0, 1));
    cases.push(...jsonSyntaxCases(text, 6));
    cases.push(...yamlSyntaxCases(serialize(doc, 'yaml'), 4));
    for (const c of cases) out.push({ ...c, fixture });
  }
  for (const format of ['json', 'yaml'] as const) for (const c of notADocumentCases(format)) out.push({ ...c, fixture: 'none' });
  return out;
}

/** Half through the peripheral, half through the central: both take --profile before any transport. */
const command = (i: number, file: string) =>
  i % 2 === 0 ? ['peripheral', '--profile', file, '--transport', DEAD_TRANSPORT] : ['central', '--profile', file, '--target', 'blebench', '--transport', DEAD_TRANSPORT];

const CASES = corpus().map((c, i) => ({ ...c, i }));

describe('broken profiles through the CLI', () => {
  it('the corpus is large and covers every rule', () => {
    expect(CASES.length).toBeGreaterThan(200);
    for (const rule of ['unknown key', 'wrong type', 'bad UUID', 'bad read', 'duplicate uuid', 'duplicate name', 'stray', 'missing comma', 'cut after', 'unclosed', 'empty file', 'binary garbage']) {
      expect(CASES.some((c) => c.rule.startsWith(rule)), rule).toBe(true);
    }
  });

  it.each(CASES.map((c) => [`${c.fixture}: ${c.rule}`, c] as const))('%s', async (_title, c) => {
    let ok = false;
    try {
      const file = writeCase(c, `profile-${c.fixture}`);
      const r = await runCliInProcess(command(c.i, file));
      const located = !['empty file', 'only whitespace', 'binary garbage', 'a UTF-16 file'].includes(c.rule);
      expectRefusedFile(r, file, { ...(c.path !== undefined ? { path: c.path } : {}), ...(c.line !== undefined ? { line: c.line } : {}), located });
      ok = true;
    } finally {
      tally.count(ok);
    }
  });

  it.each([
    ['a directory', (d: string) => d],
    ['a missing file', (d: string) => path.join(d, 'no-such-profile.json')],
    ['a path through a file', (d: string) => path.join(writeCase({ rule: '', text: '{}', format: 'json' }, 'plain'), 'profile.json')],
  ])('%s instead of a profile file: exit 2, the path named', async (_what, where) => {
    let ok = false;
    try {
      const target = where(scratchDir());
      for (const i of [0, 1]) {
        const r = await runCliInProcess(command(i, target));
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(path.basename(target));
        expect(r.stderr).not.toMatch(/^\s+at /m);
      }
      ok = true;
    } finally {
      tally.count(ok);
    }
  });
});
