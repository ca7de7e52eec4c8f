// The bond-lifecycle scenarios (fixtures/scenarios/bond-*.yaml) on the virtual radio with real noble
// and bleno: each passes, and each fails when its knob is turned the other way, so the timeline
// expectations show the knob's effect and not a run that would pass anyway.
import { describe, expect, it } from 'vitest';
import { failureReason, loadScenario, type Scenario } from '../../common/apps/scenario/index.js';
import { root, runOnMock } from './run-helpers.js';

const FILES = [
  'bond-central-forgot-repairing-accepted.yaml',
  'bond-central-forgot-repairing-refused.yaml',
  'bond-central-forgot-just-works-refused-unless-stronger.yaml',
  'bond-central-forgot-passkey-accepted-unless-stronger.yaml',
  'bond-peripheral-reset-central-pairs-again.yaml',
  'bond-peripheral-reset-central-stops.yaml',
  'bond-peripheral-reset-read-pairs-again.yaml',
];
const load = (f: string) => loadScenario(`fixtures/scenarios/${f}`, { cwd: root });

/** The same scenario with one knob changed. */
function turned(s: Scenario, change: { onRepairing?: 'accept' | 'refuse'; onKeyMissing?: 'pair' | 'stop'; noReset?: boolean }): Scenario {
  return {
    ...s,
    peripheral: change.onRepairing ? { ...s.peripheral, smp: { ...s.peripheral.smp!, onRepairing: change.onRepairing } } : s.peripheral,
    central: {
      ...s.central,
      ...(change.onKeyMissing ? { onKeyMissing: change.onKeyMissing } : {}),
      steps: change.noReset ? s.central.steps.filter((st) => st.kind !== 'factory-reset') : s.central.steps,
    },
  };
}

describe('bond lifecycles on mock', () => {
  it('every bond-* scenario passes', async () => {
    const suite = await runOnMock(FILES.map(load), 1);
    const why = suite.results.filter((r) => r.status !== 'passed').map((r) => `${r.file}: ${failureReason(r)}`);
    expect(why).toEqual([]);
    expect(suite.results).toHaveLength(FILES.length);
  }, 90_000);

  it('each fails with its knob turned: refuse ↔ accept, stop ↔ pair, no factory reset', async () => {
    const variants = [
      turned(load('bond-central-forgot-repairing-refused.yaml'), { onRepairing: 'accept' }),
      turned(load('bond-central-forgot-repairing-accepted.yaml'), { onRepairing: 'refuse' }),
      turned(load('bond-central-forgot-just-works-refused-unless-stronger.yaml'), { onRepairing: 'accept' }),
      turned(load('bond-central-forgot-passkey-accepted-unless-stronger.yaml'), { onRepairing: 'refuse' }),
      turned(load('bond-peripheral-reset-central-stops.yaml'), { onKeyMissing: 'pair' }),
      turned(load('bond-peripheral-reset-central-pairs-again.yaml'), { onKeyMissing: 'stop' }),
      turned(load('bond-peripheral-reset-read-pairs-again.yaml'), { noReset: true }),
    ];
    const suite = await runOnMock(variants, 1);
    expect(suite.results.map((r) => `${r.file}: ${r.status}`).sort()).toEqual(FILES.map((f) => `fixtures/scenarios/${f}: failed`).sort());
  }, 90_000);
});
