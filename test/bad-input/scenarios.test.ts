// A generated corpus of broken scenarios, made from valid fixtures one rule at a time (unknown keys,
// wrong types, unknown PDU, code and characteristic names, bad security-manager words and numbers,
// duplicate step names... YAML and JSON syntax broken at places spread over the file, empty, binary,
// not an object, a directory, a missing file), each given to `blebench run` in this process: exit 2,
// the file and the path and line:column inside it named, no stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/cli.js';
import { DEAD_TRANSPORT, expectRefusedFile, scratchDir, writeCase } from './helpers/corpus.js';
import { jsonSyntaxCases, notADocumentCases, schemaCases, serialize, yamlSyntaxCases, type Doc, type DocCase, type SchemaRules } from './helpers/mutate.js';
import { Tally } from '../faults/helpers/tally.js';

const FIXTURES = [
  'encrypted-write.yaml',
  'answer-read-unlikely-error.yaml',
  'notify-before-and-after-pairing.yaml',
  'sm-authenticated-read-after-passkey.yaml',
  'link-lost-during-pairing.json',
  'pairing-refused-04-confirm-value-failed.yaml',
  'sm-failed-06-key-size-below-minimum.yaml',
];
const NO_CHARACTERISTIC = ['Encrypted Wrtie'];
const RULES: SchemaRules = {
  uuidKeys: [],
  words: {
    pdu: ['SMP Pairing Requets', 'ATT Nothing'],
    outcome: ['ATT 0x05 Insufficient Authentcation', 'XYZ 0x05'],
    reason: ['Connection Timout', 0x1234],
    error: ['Unlikely Eror'],
    status: ['Not A Status'],
    profile: ['no-such-profile'],
    'io-capability': ['Keyboard'],
    sc: ['maybe'],
    mitm: ['sometimes'],
    passkey: [1234567, -1],
    'min-key-size': [6, 17],
    'max-key-size': [3],
    'numeric-comparison': ['perhaps'],
    pairing: ['sometimes'],
    'sent-by': ['both'],
    'time-limit-ms': [0, -5],
    read: NO_CHARACTERISTIC,
    subscribe: NO_CHARACTERISTIC,
    characteristic: NO_CHARACTERISTIC,
    operation: ['erase'],
    'every-ms': [0],
  },
  // free text, or `null` steps (`- connect:`) where an object is optional
  anyType: ['description', 'connect', 'discover', 'pair', 'reconnect'],
  // keys chosen by the user: field names of a PDU, values by characteristic
  openObjects: ['fields', 'values'],
  // timeline `fields` are compared with the decoded PDU at run time (common/apps/scenario/expect/fields.ts)
  freeBelow: ['fields'],
};

const tally = new Tally('bad input (scenarios)', 'exit 2 with a named place');
afterAll(() => console.log(tally.line()));

function corpus(): Array<DocCase & { fixture: string }> {
  const out: Array<DocCase & { fixture: string }> = [];
  for (const fixture of FIXTURES) {
    const text = readFileSync(path.resolve(import.meta.dirname, `../../fixtures/scenarios/${fixture}`), 'utf8');
    const json = fixture.endsWith('.json');
    const doc = (json ? JSON.parse(text) : parseYaml(text)) as Doc;
    const cases = schemaCases(doc, json ? 'json' : 'yaml', RULES);
    cases.push(...(json ? jsonSyntaxCases(text, 6) : yamlSyntaxCases(text, 6)));
    for (const c of cases) out.push({ ...c, fixture });
  }
  // the same scenario written as JSON, broken as JSON
  const asJson = serialize(parseYaml(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/scenarios/encrypted-write.yaml'), 'utf8')), 'json');
  for (const c of jsonSyntaxCases(asJson, 4)) out.push({ ...c, fixture: 'encrypted-write (as JSON)' });
  for (const format of ['json', 'yaml'] as const) for (const c of notADocumentCases(format)) out.push({ ...c, fixture: 'none' });
  return out;
}

const CASES = corpus();
const run = (file: string) => runCliInProcess(['run', file, '--transport', DEAD_TRANSPORT, '--role', 'central']);

describe('broken scenarios through the CLI', () => {
  it('the corpus is large and covers every rule', () => {
    expect(CASES.length).toBeGreaterThan(200);
    for (const rule of ['unknown key', 'wrong type', 'bad pdu', 'bad outcome', 'bad io-capability', 'bad passkey', 'bad min-key-size', 'bad read', 'unclosed', 'tab indentation', 'stray', 'cut after', 'empty file', 'binary garbage']) {
      expect(CASES.some((c) => c.rule.startsWith(rule)), rule).toBe(true);
    }
  });

  it.each(CASES.map((c) => [`${c.fixture}: ${c.rule}`, c] as const))('%s', async (_title, c) => {
    let ok = false;
    try {
      const file = writeCase(c, 'scenario');
      const r = await run(file);
      const located = !['empty file', 'only whitespace', 'binary garbage', 'a UTF-16 file'].includes(c.rule);
      expectRefusedFile(r, file, { ...(c.path !== undefined ? { path: c.path } : {}), ...(c.line !== undefined ? { line: c.line } : {}), located });
      ok = true;
    } finally {
      tally.count(ok);
    }
  });

  it.each([
    ['a missing file', (d: string) => path.join(d, 'no-such-scenario.yaml')],
    ['a path through a file', (d: string) => path.join(writeCase({ rule: '', text: 'name: x\n', format: 'yaml' }, 'plain'), 'scenario.yaml')],
    ['a folder holding no scenario', (d: string) => d],
  ])('%s: exit 2, the path named', async (_what, where) => {
    let ok = false;
    try {
      const target = where(scratchDir());
      const r = await run(target);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(path.basename(target));
      expect(r.stderr).not.toMatch(/^\s+at /m);
      ok = true;
    } finally {
      tally.count(ok);
    }
  });
});
