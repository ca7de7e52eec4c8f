// blebench run SCENARIO --capture FILE: the scenario's timeline expectations judged on a capture.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) => spawnSync('node', ['bin/blebench.js', 'run', ...args], { encoding: 'utf8' });
const SCENARIO = 'fixtures/scenarios/pairing-refused-05-pairing-not-supported.yaml';

describe('run --capture', () => {
  it('the scenario that made a capture holds on it, in another format too: exit 0', () => {
    const r = run(SCENARIO, '--capture', 'fixtures/captures/pairing-refused.pklg-be');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/the peripheral sent SMP Pairing Failed with reason 5 at [\d.]+ ms/);
    expect(r.stdout).toMatch(/5 held, 0 failed/);
  });
  it('a capture that shows something else: exit 1, the expectation and what the capture had', () => {
    const r = run(SCENARIO, '--capture', 'fixtures/captures/key-size-too-small.btsnoop-2001');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILED\s+\/central\/steps\/1\/expect\/timeline\/1: expected the peripheral to send SMP Pairing Failed with reason 5; the peripheral sent reason 6/);
  });
  it('a peripheral-side capture: the central-side expectations are listed as not checked', () => {
    const r = run(SCENARIO, '--capture', 'fixtures/captures/key-mismatch.btsnoop');
    expect(r.stdout).toMatch(/the peripheral's capture/);
    expect([0, 1]).toContain(r.status);
  });
  it('--capture without a scenario, or with a file that is not a capture: exit 2', () => {
    expect(run('--capture', 'fixtures/captures/clean.btsnoop').status).toBe(2);
    const r = run(SCENARIO, '--capture', 'README.md');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not a capture blebench reads/);
  });
});
