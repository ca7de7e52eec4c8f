// JUnit XML for CI systems, built with junit-report-builder: one testcase per scenario, named by the
// scenario's name, classname from its file; failure message + details; system-out with the timeline
// of a scenario that did not pass (a passing one's is in the JSON report) and the captures' paths, times in whole milliseconds:
// the file stays small enough for a CI viewer (69 passing scenarios: 12 KB, not 1.3 MB).
import { createRequire } from 'node:module';
import type { Builder } from 'junit-report-builder';
import { isFlowControlNoise, narrate } from '../../../stack/trace/narrate.js';
import { failedVerdicts, failureReason, shardLabel, type ScenarioResult, type SuiteResult } from './result.js';

/**
 * junit-report-builder, required when a JUnit report is written: loading it is most of a `blebench` process's
 * start (~0.17 s CPU), and every command that reaches this folder (central, run, explain) would pay it
 * otherwise. The package is CommonJS (module.exports = builder) but its types declare a default export: take either.
 */
let root: Builder | undefined;
function builderRoot(): Builder {
  if (!root) {
    const junit = createRequire(import.meta.url)('junit-report-builder') as Builder & { default?: Builder };
    root = junit.default ?? junit;
  }
  return root;
}

/** fixtures/scenarios/pairing/refused.yaml → fixtures.scenarios.pairing.refused */
export function classNameOf(file: string): string {
  return file.replace(/\\/g, '/').replace(/\.(ya?ml|json)$/i, '').replace(/^(\.\.?\/)+/, '').split('/').filter(Boolean).join('.');
}

function systemOut(r: ScenarioResult): string {
  const parts: string[] = [];
  // A passing scenario's timeline stays out (it is in the JSON report); its captures, one line each, stay.
  // With several centrals, each central's timeline under its name.
  const sides = r.centralTimelines ? [...Object.entries(r.centralTimelines).map(([name, e]) => [`central ${name}`, e] as const), ['peripheral', r.timelines.peripheral] as const] : Object.entries(r.timelines);
  if (r.status !== 'passed') for (const [side, entries] of sides) {
    if (entries?.length) parts.push(`${side}'s timeline:\n${narrate(entries, { who: side, skip: isFlowControlNoise })}`);
  }
  if (r.btsnoop) for (const [side, file] of Object.entries(r.btsnoop)) parts.push(`capture (${side}): ${file}`);
  return parts.join('\n\n');
}

/** Seconds, as JUnit's `time` is, rounded to the millisecond (3 decimals, not 17). */
const secondsToMs = (ms: number): number => Math.round(ms) / 1000;

export function junitReport(suite: SuiteResult, suiteName = 'blebench scenarios'): string {
  const builder = builderRoot().newBuilder();
  const name = suite.shard ? `${suiteName} (${shardLabel(suite.shard)})` : suiteName;
  const ts = builder.testSuite().name(name).property('seed', String(suite.seed));
  // Which share of the suite this is, for `blebench report merge` and for people reading one shard's report.
  if (suite.shard) ts.property('shard', `${suite.shard.index}/${suite.shard.count}`).property('suite-total', String(suite.shard.suiteTotal));
  for (const r of suite.results) {
    const tc = ts.testCase().className(classNameOf(r.file)).name(r.name).time(secondsToMs(r.durationMs)).file(r.file);
    for (const id of r.qualification) tc.property('qualification', id);
    if (r.status === 'failed') tc.failure(failureReason(r), 'expectation').stacktrace(failedVerdicts(r).join('\n'));
    else if (r.status === 'error') tc.error(failureReason(r), 'error', r.error);
    const out = systemOut(r);
    if (out) tc.standardOutput(out);
  }
  return builder.build();
}
