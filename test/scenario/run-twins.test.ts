// Proof that the expectations can fail: for every scenario of the default suite a twin with one
// expectation deliberately wrong (a value, an outcome, the link's security or a timeline count,
// flipped in turn), and the runner reports each twin failed, naming the step and what did not hold.
import { describe, expect, it } from 'vitest';
import { failedVerdicts, protocolCode, type Scenario, type Step, type StepExpectations, type TimelineExpectation } from '../../common/apps/scenario/index.js';
import { defaultSuite, runOnMock } from './run-helpers.js';

type Flip = 'value' | 'outcome' | 'security' | 'timeline';
interface Twin {
  scenario: Scenario;
  /** What the reason must say. */
  step: Step;
  flip: Flip;
  words: RegExp;
}

const withExpect = (s: Scenario, step: Step, expect: StepExpectations): Scenario => {
  const central = { ...s.central, steps: s.central.steps.map((x) => (x === step ? ({ ...x, expect } as Step) : x)) };
  // With `centrals:` the first is `central` too: the twin's is that one, in both places.
  return { ...s, name: `${s.name} (twin)`, central, centrals: s.centrals.map((c) => (c === s.central ? central : c)) };
};

function flipTimeline(t: TimelineExpectation): TimelineExpectation {
  if (t.kind === 'seen') return t.count === 0 ? { ...t, count: undefined, atLeast: 1 } : { ...t, count: 0, atLeast: undefined, atMost: undefined };
  if (t.kind === 'none') return { kind: 'seen', match: t.match, ...(t.before ? { before: t.before } : {}), ...(t.after ? { after: t.after } : {}), count: 0, scope: t.scope, path: t.path, atLeast: 1 } as TimelineExpectation;
  return { ...t, sequence: [...t.sequence].reverse() };
}

/** One wrong expectation for this scenario: the kinds it has, taken in turn by index so every kind is used. */
function twinOf(s: Scenario, i: number): Twin {
  const steps = [...s.central.steps].reverse();
  const options: Array<() => Twin> = [];
  const withValue = steps.find((x) => x.expect.value);
  if (withValue)
    options.push(() => ({ scenario: withExpect(s, withValue, { ...withValue.expect, value: { kind: 'exact', bytes: Buffer.from('not what it returns') } }), step: withValue, flip: 'value', words: /to return the value .*; got/ }));
  const withSecurity = steps.find((x) => x.expect.security?.encrypted !== undefined);
  if (withSecurity)
    options.push(() => ({
      scenario: withExpect(s, withSecurity, { ...withSecurity.expect, security: { ...withSecurity.expect.security, encrypted: !withSecurity.expect.security!.encrypted } }),
      step: withSecurity,
      flip: 'security',
      words: /expected the link (not )?to be encrypted after .*; it is/,
    }));
  const withTimeline = steps.find((x) => x.expect.timeline.some((t) => t.kind === 'seen'));
  if (withTimeline) {
    const k = withTimeline.expect.timeline.findIndex((t) => t.kind === 'seen');
    const timeline = withTimeline.expect.timeline.map((t, j) => (j === k ? flipTimeline(t) : t));
    const name = (withTimeline.expect.timeline[k] as Extract<TimelineExpectation, { kind: 'seen' }>).match.pdu.name;
    options.push(() => ({ scenario: withExpect(s, withTimeline, { ...withTimeline.expect, timeline }), step: withTimeline, flip: 'timeline', words: new RegExp(`expected .*${name}.*;`) }));
  }
  const last = steps[0]!;
  options.push(() =>
    last.expect.outcome.kind === 'ok'
      ? { scenario: withExpect(s, last, { ...last.expect, outcome: { kind: 'code', code: protocolCode('att', 0x0e) }, outcomeExplicit: true }), step: last, flip: 'outcome', words: /to fail with ATT 0x0E Unlikely Error; it succeeded/ }
      : { scenario: withExpect(s, last, { ...last.expect, outcome: { kind: 'ok' }, outcomeExplicit: true }), step: last, flip: 'outcome', words: /to succeed; it failed with/ },
  );
  return options[i % options.length]!();
}

describe('twins: each default scenario with one expectation wrong', () => {
  const twins = defaultSuite().map(twinOf);

  it('every kind of expectation is flipped somewhere', () => {
    expect(new Set(twins.map((t) => t.flip))).toEqual(new Set(['value', 'outcome', 'security', 'timeline']));
  });

  it('the runner reports every twin failed, naming the step and what did not hold', async () => {
    const suite = await runOnMock(
      twins.map((t) => t.scenario),
      7,
    );
    const byName = new Map(suite.results.map((r) => [r.name, r]));
    const wrong: string[] = [];
    for (const t of twins) {
      const r = byName.get(t.scenario.name)!;
      const reasons = failedVerdicts(r);
      const named = reasons.find((x) => x.startsWith(`step ${t.step.index + 1} (${t.step.label}): `) && t.words.test(x));
      if (r.status !== 'failed' || !named) wrong.push(`${r.file} (${t.flip} of step ${t.step.index + 1}): ${r.status}; ${reasons.join(' | ') || r.error}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
