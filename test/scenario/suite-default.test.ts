// The default suite on the virtual radio: every scenario passes, in two shuffled orders (seeds
// printed), with the same outcomes per scenario: no bond, CCCD state or cache leaks from one scenario
// into the next. The JUnit and JSON reports of a run name every scenario.
import { describe, expect, it } from 'vitest';
import { classNameOf, failureReason, jsonReport, junitReport, randomSeed, SEED_MAX, type SuiteResult } from '../../common/apps/scenario/index.js';
import { defaultSuite, outcomes, runOnMock } from './run-helpers.js';
import { parseXml } from './xml-check.js';

const scenarios = defaultSuite();
const seedA = randomSeed();
const seedB = (seedA + 1 + Math.floor(Math.random() * 1000)) % (SEED_MAX + 1);
let first: SuiteResult;
let second: SuiteResult;

const why = (s: SuiteResult) =>
  s.results
    .filter((r) => r.status !== 'passed')
    .map((r) => `${r.file}: ${failureReason(r)}`)
    .join('\n');

describe('the default suite on mock', () => {
  it('has at least 25 scenarios, one file each, with distinct names', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(25);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
  });

  it(`all pass in a shuffled order (seed ${seedA})`, async () => {
    console.log(`default suite, first order: seed ${seedA}`);
    first = await runOnMock(scenarios, seedA);
    expect(first.seed).toBe(seedA);
    expect(why(first)).toBe('');
    expect(first.results.map((r) => r.status).every((s) => s === 'passed')).toBe(true);
    expect(first.results).toHaveLength(scenarios.length);
  }, 60_000);

  it(`all pass in another order (seed ${seedB}), with the same outcome for every scenario`, async () => {
    console.log(`default suite, second order: seed ${seedB}`);
    second = await runOnMock(scenarios, seedB);
    expect(why(second)).toBe('');
    expect(second.results.map((r) => r.file)).not.toEqual(first.results.map((r) => r.file));
    expect(outcomes(second)).toEqual(outcomes(first));
  }, 60_000);

  it('each scenario ran on its own radio: no scenario saw another one\'s addresses', () => {
    const peerOf = (r: SuiteResult['results'][number]) => new Set((r.timelines.central ?? []).filter((e) => e.name === 'HCI LE Connection Complete' || e.name === 'HCI LE Enhanced Connection Complete').map((e) => String(e.fields.peerAddress)));
    const all = first.results.map(peerOf);
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) for (const a of all[i]!) expect(all[j]!.has(a), `${first.results[i]!.file} and ${first.results[j]!.file} share ${a}`).toBe(false);
  });

  it('the JUnit report parses and names every scenario, with its file as the class name', () => {
    const els = parseXml(junitReport(first));
    const cases = els.filter((e) => e.name === 'testcase');
    expect(cases.map((c) => c.attributes.name).sort()).toEqual(scenarios.map((s) => s.name).sort());
    expect(cases.map((c) => c.attributes.classname).sort()).toEqual(scenarios.map((s) => classNameOf(s.file)).sort());
    expect(els.filter((e) => e.name === 'failure' || e.name === 'error')).toEqual([]);
    const suite = els.find((e) => e.name === 'testsuite')!;
    expect(Number(suite.attributes.tests)).toBe(scenarios.length);
  });

  it('the JSON report has one record per scenario with both timelines', () => {
    const doc = JSON.parse(jsonReport(first)) as { seed: number; passed: number; failed: number; scenarios: Array<{ file: string; status: string; steps: unknown[]; timeline: Record<string, Array<{ name: string }>> }> };
    expect(doc.seed).toBe(seedA);
    expect([doc.passed, doc.failed]).toEqual([scenarios.length, 0]);
    expect(doc.scenarios.map((s) => s.file).sort()).toEqual(scenarios.map((s) => s.file).sort());
    for (const s of doc.scenarios) {
      expect(s.steps.length, s.file).toBeGreaterThan(0);
      expect(s.timeline.central!.some((e) => e.name === 'HCI LE Connection Complete' || e.name === 'HCI LE Enhanced Connection Complete'), s.file).toBe(true);
      expect(s.timeline.peripheral!.length, s.file).toBeGreaterThan(0);
    }
  });
});
