// Every command that takes --transport fails by name, with exit code 3 and no stack trace, when the
// adapter is unavailable (this machine's kernel has no Bluetooth); bad flags give exit code 2.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function blebench(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/blebench.js', ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, BLEBENCH_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('exit codes', () => {
  it.each([
    ['peripheral', ['--transport', 'hci:0']],
    ['central', ['--transport', 'hci:0', '--target', 'x']],
    ['run', ['--transport', 'hci:0']],
    ['peripheral', ['--transport', 'hci-user:0']],
  ])('%s %s: exit 3, names EAFNOSUPPORT and what to do, no stack trace', (cmd, args) => {
    const r = blebench(cmd, ...args);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EAFNOSUPPORT');
    expect(r.stderr).toContain('what to do:');
    expect(r.stderr).toContain('--transport mock');
    noStack(r.stderr);
  });

  it.each([
    [['peripheral', '--transport', 'bogus']],
    [['central', '--transport', 'h4:unix:/nonexistent']], // --target missing off mock
    [['central', '--policy', 'sometimes']],
    [['peripheral', '--log-level', 'loud']],
    [['central', '--target', 'x', '--timeout', 'soon']],
    [['air', '--listen', 'udp:1.2.3.4:5']],
    [['no-such-command']],
    [['peripheral', '--no-such-flag']],
  ])('%j: exit 2 with a message, no stack trace', (args) => {
    const r = blebench(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
    noStack(r.stderr);
  });

  it('air refuses to listen beyond loopback: exit 2', () => {
    const r = blebench('air', '--listen', 'tcp:0.0.0.0:0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loopback/);
    noStack(r.stderr);
  });

  it('--help exits 0 and lists the commands', () => {
    const r = blebench('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'peripheral', 'central', 'air']) expect(r.stdout).toContain(c);
  });
});
