// A suite: the scenarios in a seeded shuffled order (the seed is printed, so an order can be run
// again), one after the other, each on its own fresh rig. A scenario that crashes or hangs ends in
// error at its time limit; the run goes on.
import type { ShardInfo, SuiteResult, ScenarioResult } from '../report/result.js';
import type { Scenario } from '../scenario.js';
import { randomSeed, shuffle } from '../shuffle.js';
import { runScenario, type RunScenarioOptions } from './run-scenario.js';

export interface RunSuiteOptions extends Omit<RunScenarioOptions, 'seed'> {
  /** The shuffle seed; a random one when not given (the report says how to repeat it). */
  readonly seed?: number;
  /** false: run in the order given (default true: shuffled). */
  readonly shuffle?: boolean;
  /** Told about each scenario as it ends (progress on stderr, logs). */
  readonly onResult?: (r: ScenarioResult, index: number, total: number) => void;
  /** `run --shard K/N`: carried to the report, which says which shard it is. */
  readonly shard?: ShardInfo;
}

export async function runSuite(scenarios: readonly Scenario[], o: RunSuiteOptions): Promise<SuiteResult> {
  const seedWasRandom = o.seed === undefined;
  const seed = o.seed ?? randomSeed();
  const order = o.shuffle === false ? [...scenarios] : shuffle(scenarios, seed);
  const results: ScenarioResult[] = [];
  for (const [i, s] of order.entries()) {
    const r = await runScenario(s, { ...o, seed });
    results.push(r);
    o.onResult?.(r, i, order.length);
  }
  return { results, seed, seedWasRandom, ...(o.shard ? { shard: o.shard } : {}) };
}
