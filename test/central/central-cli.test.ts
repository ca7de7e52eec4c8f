// `blebench central` exit codes (design.md), through the built command: 1 when the target never
// shows (naming it, no stack trace), 2 for a bad policy or a missing profile (naming it).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../common/errors/blebench-error.js';

function blebench(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, BLEBENCH_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('blebench central exit codes', () => {
  it('a target nobody advertises ends with exit 1 and a message naming it, no stack trace', () => {
    const r = blebench('--target', 'nobody-here', '--timeout', '300', '--log-level', 'silent');
    expect(r.code).toBe(EXIT.EXPECTATION_FAILED);
    expect(r.stderr).toContain('nobody-here');
    noStack(r.stderr);
  });

  it('a profile that does not exist is bad input: exit 2 naming it', () => {
    const r = blebench('--target', 'x', '--profile', 'no-such-profile', '--log-level', 'silent');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('no-such-profile');
    noStack(r.stderr);
  });

  it('an unknown policy is bad input: exit 2', () => {
    const r = blebench('--target', 'x', '--policy', 'sometimes');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('sometimes');
  });

  it('--methods on mock with no target: a column per pairing method, Authenticated Read 0x05 only after Just Works, exit 0', () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--methods', 'just-works,passkey,numeric-comparison', '--log-level', 'silent'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BLEBENCH_DEBUG: '' } });
    expect(r.status).toBe(EXIT.OK);
    const header = r.stdout.split('\n').find((l) => l.startsWith('characteristic'))!;
    for (const title of ['unencrypted (never)', 'after Just Works', 'after Passkey Entry', 'after Numeric Comparison']) expect(header).toContain(title);
    const row = r.stdout.split('\n').find((l) => l.startsWith('Authenticated Read'))!;
    expect(row.match(/ATT 0x05/g)).toHaveLength(2); // unencrypted and Just Works
    expect(row.match(/"needs MITM"/g)).toHaveLength(2); // Passkey Entry and Numeric Comparison
    expect(r.stdout).toContain('verdict: OK');
  }, 60_000);

  it('--methods with an unknown method is bad input: exit 2 naming it', () => {
    const r = blebench('--methods', 'just-works,oob');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('"oob" is not a pairing method');
  });
});
