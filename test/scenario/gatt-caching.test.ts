// The GATT caching scenarios (fixtures/scenarios/gatt-cache-*.yaml) on the virtual radio with real noble
// and bleno: each passes, and each fails when its knob is turned, so the timeline expectations show
// what the cache, Service Changed, the Database Hash and robust caching do (Core v5.4 Vol 3 Part G 2.5.2,
// 7.1-7.3), not a run that would pass anyway.
import { describe, expect, it } from 'vitest';
import { failureReason, loadScenario, type Scenario, type ScenarioGattCache } from '../../common/apps/scenario/index.js';
import { root, runOnMock } from './run-helpers.js';

const FILES = [
  'gatt-cache-service-changed-rediscovers.yaml',
  'gatt-cache-stale-handle-wrong-characteristic.yaml',
  'gatt-cache-no-service-changed-stale-handle.yaml',
  'gatt-cache-hash-differs-rediscovers.yaml',
  'gatt-cache-robust-caching-out-of-sync.yaml',
];
const load = (f: string) => loadScenario(`fixtures/scenarios/${f}`, { cwd: root });

/** The same scenario with the central's cache settings changed, or the update's Service Changed. */
function turned(s: Scenario, cache: Partial<ScenarioGattCache>, serviceChanged?: boolean): Scenario {
  const steps = s.central.steps.map((st) => (st.kind === 'firmware-update' && serviceChanged !== undefined ? { ...st, serviceChanged } : st));
  return { ...s, central: { ...s.central, gattCache: { ...s.central.gattCache!, ...cache }, steps } };
}

/**
 * The same scenario with each wait's limit cut to `ms`: for a variant whose indication never comes, so that
 * its run does not wait out the file's 3 s after the step that already failed it (asserted below).
 */
function waitsCut(s: Scenario, ms: number): Scenario {
  const steps = s.central.steps.map((st) => (st.kind === 'wait' ? { ...st, timeoutMs: Math.min(st.timeoutMs, ms) } : st));
  return { ...s, central: { ...s.central, steps } };
}

describe('GATT caching on mock', () => {
  it('every gatt-cache-* scenario passes', async () => {
    const suite = await runOnMock(FILES.map(load), 1);
    const why = suite.results.filter((r) => r.status !== 'passed').map((r) => `${r.file}: ${failureReason(r)}`);
    expect(why).toEqual([]);
    expect(suite.results).toHaveLength(FILES.length);
  }, 90_000);

  it('each fails with its knob turned: Service Changed off, Service Changed on, hash checked, no hash check, no robust caching', async () => {
    const variants = [
      // No Service Changed indication enabled: nothing tells the trusting central; it reads Status's "ok".
      // (Its wait for the indication's confirmation cut to 300 ms: the indication never comes.)
      waitsCut(turned(load('gatt-cache-service-changed-rediscovers.yaml'), { serviceChanged: false }), 300),
      // Service Changed enabled: the central is told and reads the right value, not "ok".
      turned(load('gatt-cache-stale-handle-wrong-characteristic.yaml'), { serviceChanged: true }),
      // The new firmware has Service Changed and the hash: the verifying central sees the change.
      turned(load('gatt-cache-no-service-changed-stale-handle.yaml'), {}, true),
      // Trusting the cache: the hash is never read, the stale handle reads "ok".
      turned(load('gatt-cache-hash-differs-rediscovers.yaml'), { mode: 'trust' }),
      // Without robust caching the change-unaware central is served the stale handle: no 0x12.
      turned(load('gatt-cache-robust-caching-out-of-sync.yaml'), { robustCaching: false }),
    ];
    const suite = await runOnMock(variants, 1);
    expect(suite.results.map((r) => `${r.file}: ${r.status}`).sort()).toEqual(FILES.map((f) => `fixtures/scenarios/${f}: failed`).sort());
    // Service Changed off fails where the knob acts (the central never enables its indications), before the cut wait.
    const off = suite.results.find((r) => r.file.endsWith('gatt-cache-service-changed-rediscovers.yaml'))!;
    expect(failureReason(off)).toMatch(/^step 4 \(discover\): expected the central to send ATT Write Request/);
  }, 90_000);

  it('with the cache off (--no-gatt-cache) the central discovers on every link and reads the right value without Service Changed', async () => {
    const s = turned(load('gatt-cache-stale-handle-wrong-characteristic.yaml'), { mode: 'off' });
    const suite = await runOnMock([s], 1);
    const r = suite.results[0]!;
    // The expectation of the wrong value ("ok") now fails: the fresh discovery finds Temperature at 0x0014.
    expect(r.status).toBe('failed');
    expect(failureReason(r)).toMatch(/got .*32 31 2E 35/); // "21.5"
  }, 60_000);
});
