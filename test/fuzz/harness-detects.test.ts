// The counts can be false: a target that exits on one PDU and stops answering after another is
// caught, each failure narrowed to the case that did it, and the run goes on to the end.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countLine, type FuzzVerdict } from '../../common/apps/fuzz/verdict.js';
import { runFuzz } from '../../common/apps/fuzz/run-fuzz.js';

const BROKEN = fileURLToPath(new URL('./fixtures/broken-peripheral.mjs', import.meta.url));
const CASES = 120;
/**
 * The broken target answers a probe in a millisecond or two (a raw H4 host on the air, nothing else in it),
 * so a probe time far below the product's 3 s (FUZZ_DEFAULTS.probeTimeoutMs) still leaves it 100 times its
 * need on a loaded machine; a silent target costs this long per check, six checks per hang found.
 */
const PROBE_TIMEOUT_MS = 200;

describe('the fuzz harness', () => {
  it('counts a crash (exit on SMP Security Request) and a hang (silence after Prepare Write), names the cases, and finishes the run', async () => {
    const lines: string[] = [];
    const v: FuzzVerdict = await runFuzz({
      seed: 1234,
      cases: CASES,
      targets: [{ label: 'broken peripheral', role: 'peripheral', protocols: ['att', 'smp'], command: (air) => ({ command: process.execPath, args: [BROKEN, air], ready: /waiting for a central/ }) }],
      batchSize: 20,
      probeTimeoutMs: PROBE_TIMEOUT_MS,
      startTimeoutMs: 10_000,
      maxFindings: CASES,
      progress: (l) => lines.push(l),
    });
    console.log(`the deliberately broken target: ${countLine(v)}`);
    expect(v.crashes).toBeGreaterThan(0);
    expect(v.hangs).toBeGreaterThan(0);
    expect(v.findings).toHaveLength(v.crashes + v.hangs);
    const crash = v.findings.find((f) => f.kind === 'crash')!;
    expect(crash.protocol).toBe('smp');
    expect(crash.hex).toMatch(/cid 0006: 0b/);
    expect(crash.what).toMatch(/exited with code 3/);
    const hang = v.findings.find((f) => f.kind === 'hang')!;
    expect(hang.hex).toMatch(/cid 0004: 16/);
    expect(hang.what).toBe(`no answer to the liveness probe within ${PROBE_TIMEOUT_MS} ms; nor on a new connection`);
    expect(hang.reproducedAlone).toBe(true);
    expect(lines.some((l) => /crash at case \d+/.test(l))).toBe(true);
    // a fresh target after each finding, and the run goes on to its last case
    expect(v.targets[0]!.restarts).toBeGreaterThanOrEqual(v.findings.length);
    expect(v.cases).toBe(CASES);
  }, 120_000);
});
