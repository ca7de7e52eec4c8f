// Reporters: the table ends with "N passed, N failed"; the JSON has one record per scenario with its
// timeline; the JUnit XML is well-formed and names every scenario; --out writes atomically.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { plainStyle } from '../../common/base/output/style.js';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { classNameOf, evaluate, evaluateRun, jsonReport, junitReport, linkSecurity, protocolCode, tableReport, writeReport, type ScenarioResult, type StepResult, type SuiteResult } from '../../common/apps/scenario/index.js';
import { HANDLE } from '../trace/packets.js';
import { readmeExamples, scenarioFrom } from './helpers.js';
import { story } from './sessions.js';
import { parseXml } from './xml-check.js';

/** A result for the README story evaluated on a hand-built exchange: passed, or failed by a broken peripheral. */
function storyResult(name: string, leak: boolean): ScenarioResult {
  const s = scenarioFrom(readmeExamples('yaml')[0]!);
  const { session, marks } = story({ leakBeforeEncryption: leak });
  const w = (from: { central: number; peripheral: number }, to: { central: number; peripheral: number }) => ({
    central: { from: from.central, to: to.central },
    peripheral: { from: from.peripheral, to: to.peripheral },
  });
  const zero = { central: 0, peripheral: 0 };
  const results: StepResult[] = [
    { outcome: { kind: 'ok' }, durationMs: 1, window: w(zero, marks.afterConnect) },
    { outcome: { kind: 'ok' }, durationMs: 1, window: w(marks.afterConnect, marks.afterConnect) },
    { outcome: { kind: 'code', code: protocolCode('att', 0x05) }, durationMs: 2, window: w(marks.afterConnect, marks.afterFirstRead) },
    { outcome: { kind: 'ok' }, durationMs: 3, window: w(marks.afterFirstRead, marks.afterPairing), security: linkSecurity(session.central.link(HANDLE))! },
    { outcome: { kind: 'ok' }, durationMs: 1, window: w(marks.afterPairing, marks.afterSecondRead), value: Buffer.from('secret') },
    { outcome: { kind: 'ok' }, durationMs: 1, window: w(marks.afterSecondRead, marks.end) },
    { outcome: { kind: 'ok' }, durationMs: 1, window: w(marks.afterSecondRead, marks.end), notifications: ['one', 'two', 'three'].map((x) => Buffer.from(x)) },
  ];
  const steps = s.central.steps.map((step) => {
    const result = results[step.index]!;
    return { index: step.index, kind: step.kind, label: step.label, outcome: result.outcome, durationMs: result.durationMs, verdicts: evaluate(step, result, session.timelines) };
  });
  const verdicts = evaluateRun(s, session.timelines);
  const ok = [...steps.flatMap((x) => x.verdicts), ...verdicts].every((v) => v.ok);
  return { name, file: `fixtures/scenarios/${name.replace(/\W+/g, '-')}.yaml`, qualification: s.qualification, tags: s.tags, status: ok ? 'passed' : 'failed', durationMs: 12.5, steps, verdicts, timelines: session.timelines, seed: 42 };
}

function suite(): SuiteResult {
  const errored: ScenarioResult = { ...storyResult('needs a dongle', false), status: 'error', error: 'transport unavailable: no adapter hci1', steps: [], verdicts: [] };
  return { results: [storyResult('story <passes> & "quotes"', false), storyResult('story with a leaky peripheral', true), errored], seed: 42, seedWasRandom: true };
}

describe('table reporter', () => {
  it('ends with the summary line alone, after the seed line; errors count as failed', () => {
    const lines = tableReport(suite()).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('1 passed, 2 failed');
    expect(lines.at(-2)).toBe('seed 42 (run this order again with --seed 42); 1 of the failed could not run');
  });

  it('aligns one line per scenario and says why each failure failed', () => {
    // Wide enough for every row and reason on one line (narrower widths: the test below).
    const text = tableReport(suite(), plainStyle(400));
    const rows = text.split('\n').filter((l) => /^(PASS|FAIL|ERROR)\b/.test(l));
    expect(rows).toHaveLength(3);
    const nameColumn = rows.map((r) => r.indexOf('story') >= 0 ? r.indexOf('story') : r.indexOf('needs'));
    expect(new Set(nameColumn).size).toBe(1);
    expect(text).toMatch(/\n {8}scenario: expected no ATT Read Response before HCI Encryption Change .*; there was one at /);
    expect(text).toMatch(/\n {8}transport unavailable: no adapter hci1\n/);
  });

  it('fits the width it is given (a row too wide puts its file below), and paints PASS/FAIL only with colour', () => {
    for (const width of [60, 100, 200]) {
      const text = tableReport(suite(), plainStyle(width));
      expect(text.split('\n').filter((l) => l.length > width), `width ${width}`).toEqual([]);
      expect(text).not.toContain('\u001b');
      expect(text.trimEnd().split('\n').at(-1)).toBe('1 passed, 2 failed');
    }
    const coloured = tableReport(suite(), { color: true, symbols: true, width: 200 });
    expect(coloured).toMatch(/^\u001b\[32mPASS \u001b\[39m {2}story <passes>/m);
    expect(coloured).toMatch(/^\u001b\[31mFAIL \u001b\[39m {2}story with a leaky peripheral/m);
    expect(coloured).toMatch(/^\u001b\[31mERROR\u001b\[39m {2}needs a dongle/m);
    expect(coloured.trimEnd().split('\n').at(-1)).toBe('\u001b[31m1 passed, 2 failed\u001b[39m');
    // A name with an escape of its own is shown, not obeyed, and the colour around it is blebench's.
    const hostile = { ...suite(), results: [{ ...suite().results[0]!, name: 'evil \u001b[2J name' }] };
    expect(tableReport(hostile, { color: true, symbols: true, width: 200 })).toContain('evil \\x1b[2J name');
  });

  it('an all-passing suite says 0 failed', () => {
    const s = suite();
    expect(tableReport({ ...s, results: [s.results[0]!], seedWasRandom: false }).trimEnd().split('\n').slice(-2)).toEqual(['seed 42', '1 passed, 0 failed']);
  });
});

describe('json reporter', () => {
  it('has one record per scenario, each with its status, reason and both timelines as JSON', () => {
    const doc = JSON.parse(jsonReport(suite())) as { seed: number; passed: number; failed: number; scenarios: Array<Record<string, any>> };
    expect(doc).toMatchObject({ seed: 42, passed: 1, failed: 2 });
    expect(doc.scenarios.map((r) => [r.name, r.status])).toEqual([
      ['story <passes> & "quotes"', 'passed'],
      ['story with a leaky peripheral', 'failed'],
      ['needs a dongle', 'error'],
    ]);
    const failed = doc.scenarios[1]!;
    expect(failed.reason).toBe('step 3 (read Encrypted Everything): expected the peripheral to send ATT Error Response with errorCode 5; the peripheral sent none');
    expect(failed.timeline.central.length).toBeGreaterThan(10);
    expect(failed.timeline.peripheral.length).toBeGreaterThan(10);
    const req = failed.timeline.central.find((e: any) => e.name === 'SMP Pairing Request');
    expect(req).toMatchObject({ dir: 'tx', layer: 'smp', fields: { ioCapabilityName: 'NoInputNoOutput' }, raw: '01030001100001' });
    expect(failed.steps[2]).toMatchObject({ kind: 'read', outcome: { kind: 'code', protocol: 'att', code: 5, name: 'Insufficient Authentication' } });
  });
});

describe('junit reporter', () => {
  it('is well-formed XML with one testcase per scenario, named by its name, classname from its file', () => {
    const xml = junitReport(suite());
    const elements = parseXml(xml);
    const cases = elements.filter((e) => e.name === 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(['story <passes> & "quotes"', 'story with a leaky peripheral', 'needs a dongle']);
    expect(cases[1]!.attributes.classname).toBe('fixtures.scenarios.story-with-a-leaky-peripheral');
    const failures = elements.filter((e) => e.name === 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.path).toEqual(['testsuites', 'testsuite', 'testcase', 'failure']);
    expect(failures[0]!.attributes.message).toMatch(/^step 3 \(read Encrypted Everything\): expected the peripheral to send ATT Error Response/);
    expect(failures[0]!.text).toMatch(/\nscenario: expected no ATT Read Response before HCI Encryption Change/);
    expect(elements.filter((e) => e.name === 'error')).toHaveLength(1);
    const out = elements.filter((e) => e.name === 'system-out');
    expect(out[0]!.text).toMatch(/^central's timeline:\n.*\n.*central {2}→ #1 ATT Exchange MTU Request: client Rx MTU 256\n/);
    expect(elements.find((e) => e.name === 'testsuite')!.attributes).toMatchObject({ tests: '3', failures: '1', errors: '1' });
  });

  it('stays small: a passing scenario carries no timeline, only a failing one does; times in whole milliseconds', () => {
    const s = suite();
    const passing = s.results[0]!;
    expect(passing.status).toBe('passed');
    expect(Object.values(passing.timelines).some((t) => (t?.length ?? 0) > 10)).toBe(true);
    // The bound comes from the content: the same passing scenario with its timelines emptied gives a file
    // exactly as long, however many packets the timelines held.
    const bare: ScenarioResult = { ...passing, timelines: { central: [], peripheral: [] } };
    const many = (r: ScenarioResult, n: number): SuiteResult => ({ ...s, results: Array.from({ length: n }, (_, i) => ({ ...r, name: `${r.name} ${i}`, durationMs: 12.3456789 + i })) });
    expect(junitReport(many(passing, 48)).length).toBe(junitReport(many(bare, 48)).length);
    // The failed and the errored scenario keep theirs (both have timelines here); the passing one does not.
    const outs = parseXml(junitReport(s)).filter((e) => e.name === 'system-out');
    expect(outs.map((e) => e.text.slice(0, 20))).toEqual(["central's timeline:\n", "central's timeline:\n"]);
    const times = parseXml(junitReport(many(passing, 3))).filter((e) => e.name === 'testcase').map((e) => e.attributes.time);
    expect(times).toEqual(['0.012', '0.013', '0.014']);
  });

  it('the checker itself rejects broken XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/twice/);
    expect(() => parseXml('<a>&nope;</a>')).toThrow(/entity/);
  });

  it('classname is the file path without extension, dotted', () => {
    expect(classNameOf('fixtures/scenarios/pairing/refused.yaml')).toBe('fixtures.scenarios.pairing.refused');
    expect(classNameOf('./x.json')).toBe('x');
  });
});

describe('writing reports', () => {
  it('writes to a stream', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await writeReport('table', suite(), { stream });
    expect(Buffer.concat(chunks).toString()).toMatch(/1 passed, 2 failed\n$/);
  });

  it('--out writes the whole report and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-report-'));
    const out = path.join(dir, 'nested', 'report.xml');
    await writeReport('junit', suite(), { out });
    expect(existsSync(out)).toBe(true);
    expect(parseXml(readFileSync(out, 'utf8')).filter((e) => e.name === 'testcase')).toHaveLength(3);
    expect(readdirSync(path.dirname(out))).toEqual(['report.xml']);
  });
});
