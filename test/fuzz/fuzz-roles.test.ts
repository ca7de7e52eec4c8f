// The fuzz suite in CI: a few thousand cases into each role (bleno's peripheral with its own SMP and
// with blebench's Security Manager, noble's central), each in its own process over the virtual
// radio. It prints the count line; any crash or hang fails the test with the finding in words.
import { describe, expect, it } from 'vitest';
import { fuzzTargets } from '../../bin/commands/fuzz.js';
import { runFuzz } from '../../common/apps/fuzz/run-fuzz.js';
import { countLine, findingText } from '../../common/apps/fuzz/verdict.js';

const PER_TARGET = 5000;
/** A fixed seed, printed, so that a failure here is replayed with `blebench fuzz --seed`. */
const SEED = Number(process.env.BLEBENCH_FUZZ_SEED ?? 20_261_124);
/** Generous: other suites share the machine; a healthy target answers in milliseconds, and only a hang waits this long. */
const PROBE_TIMEOUT_MS = 10_000;

describe('blebench fuzz over both roles', () => {
  it(`${PER_TARGET} cases per target: no crash, no hang`, async () => {
    const targets = fuzzTargets('both');
    const v = await runFuzz({ seed: SEED, cases: PER_TARGET * targets.length, targets, probeTimeoutMs: PROBE_TIMEOUT_MS });
    // Count lines for CI (.ci/run gathers lines starting "fuzz ...: N cases"): each target, then the whole run.
    for (const t of v.targets) console.log(`fuzz ${t.target}: ${countLine(t)} (${t.linksLost} links lost and reconnected)`);
    console.log(`fuzz (seed ${SEED}): ${countLine(v)}`);
    expect(v.findings.map(findingText)).toEqual([]);
    expect(v.crashes).toBe(0);
    expect(v.hangs).toBe(0);
    expect(v.targets.map((t) => t.cases)).toEqual(targets.map(() => PER_TARGET));
    expect(v.cases).toBe(PER_TARGET * targets.length);
  }, 180_000);
});
