// vitest's file order when it has no timings of its own (a fresh clone, CI: no results cache): the files
// known to take longest start first, so that none of them starts last and leaves one core idle while it
// runs alone. With a results cache (a second run on the same machine), vitest's own order is kept: each
// project's files longest first by last run. The projects stay contiguous (e2e, then the unit ones), as
// vitest has them: a worker is reused only by files of its own project.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The slowest files of a full run (vitest's JSON reporter, 2 cores), slowest first. */
export const SLOW_FIRST = [
  'test/package/pack.test.ts',
  'test/scenario/suite-default.test.ts',
  'test/cli/bench.test.ts',
  'test/interop/blebench-central.test.ts',
  'test/hci/serial-suite.test.ts',
  'test/html/run-report.e2e.test.ts',
  'test/interop/ble-host-central.test.ts',
  'test/scenario/run-cli.test.ts',
  'test/bad-input/hostile-files.test.ts',
  'test/cli/repairing-flag.e2e.test.ts',
  'test/fuzz/fuzz-roles.test.ts',
  'test/ci/shard-run.test.ts',
  'test/persona/persona-cli.e2e.test.ts',
  'test/console/pairing-questions.e2e.test.ts',
  'test/fuzz/harness-detects.test.ts',
  'test/hci/serial-cli.test.ts',
  'test/console/stored-key.e2e.test.ts',
  'test/faults/transport-loss.test.ts',
  'test/scenario/run-twins.test.ts',
  'test/smp/peripheral-keys-sigterm.e2e.test.ts',
  'test/capture/live-capture-formats.test.ts',
  'test/cli/terminal-colour.e2e.test.ts',
  'test/console/consoles.e2e.test.ts',
  'test/sequence/mermaid.e2e.test.ts',
  'test/cli/address-bond.e2e.test.ts',
  'test/explain/explain-fixtures.test.ts',
  'test/scenario/lifecycle-captures-tshark.e2e.test.ts',
  'test/bad-input/profiles.test.ts',
  'test/faults/cli-faults.test.ts',
  'test/smp/peripheral-keys-cli.e2e.test.ts',
];

export default class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const timed = sorted.filter((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`)).length;
    if (timed * 2 >= sorted.length) return sorted;
    const projectAt = new Map<string, number>();
    sorted.forEach((f, i) => projectAt.has(f.project.name) || projectAt.set(f.project.name, i));
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(relative(root, f.moduleId));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    // Array.prototype.sort is stable: files off the list keep vitest's order (larger files first).
    return [...sorted].sort((a, b) => projectAt.get(a.project.name)! - projectAt.get(b.project.name)! || rank(a) - rank(b));
  }
}
