// The default suite and the runner on the virtual radio, in this process, for the runner's tests.
import path from 'node:path';
import { parseTransportSpec } from '../../common/stack/hci/transport-spec.js';
import { discoverScenarios, loadScenario, type Scenario, type SuiteResult } from '../../common/apps/scenario/index.js';
import { runSuite } from '../../common/apps/scenario/run/index.js';
import { rigFactory } from '../../bin/run/rigs.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const SUITE_DIR = 'fixtures/scenarios';

export function defaultSuite(): Scenario[] {
  return discoverScenarios([SUITE_DIR], root).map((f) => loadScenario(f, { cwd: root }));
}

export const mockRig = rigFactory({ role: 'both', spec: parseTransportSpec('mock'), specText: 'mock' });

export function runOnMock(scenarios: readonly Scenario[], seed: number, extra: { btsnoopDir?: string } = {}): Promise<SuiteResult> {
  return runSuite(scenarios, { openRig: mockRig, seed, ...extra });
}

/** Per scenario file: its status and each step's outcome, in words. */
export function outcomes(suite: SuiteResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of suite.results) out[r.file] = `${r.status}: ${r.steps.map((s) => (s.outcome.kind === 'code' ? `${s.outcome.code.protocol} ${s.outcome.code.code}` : s.outcome.kind)).join(', ')}`;
  return out;
}
