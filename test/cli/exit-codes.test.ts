// Every command that takes --transport fails by name, with exit code 3 and no stack trace, when the
// adapter is unavailable (this machine's kernel has no Bluetooth); bad flags give exit code 2. The command
// lines run in one node, one after another (test/helpers/cli-batch.ts): each is the CLI's main() as
// bin/blebench.js calls it, its own exit code and output.
import { beforeAll, describe, expect, it } from 'vitest';
import { batched } from '../helpers/cli-batch.js';

const EXIT_3: Array<[string, string[]]> = [
  ['peripheral', ['--transport', 'hci:0']],
  ['central', ['--transport', 'hci:0', '--target', 'x']],
  ['run', ['--transport', 'hci:0']],
  ['peripheral', ['--transport', 'hci-user:0']],
];
const EXIT_2: Array<[string[]]> = [
  [['peripheral', '--transport', 'bogus']],
  [['central', '--transport', 'h4:unix:/nonexistent']], // --target missing off mock
  [['central', '--policy', 'sometimes']],
  [['peripheral', '--log-level', 'loud']],
  [['central', '--target', 'x', '--timeout', 'soon']],
  [['air', '--listen', 'udp:1.2.3.4:5']],
  [['no-such-command']],
  [['peripheral', '--no-such-flag']],
];
const batch = batched([...EXIT_3.map(([cmd, args]) => [cmd, ...args]), ...EXIT_2.map(([args]) => args), ['air', '--listen', 'tcp:0.0.0.0:0'], ['--help']], { caseLimitMs: 20_000 });
/** The 14 command lines each had a process of 20 s at most; together they have one. */
beforeAll(() => batch.runAll(), 60_000);
const blebench = (...args: string[]) => batch.result(args);
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('exit codes', () => {
  it.each(EXIT_3)('%s %s: exit 3, names EAFNOSUPPORT and what to do, no stack trace', (cmd, args) => {
    const r = blebench(cmd, ...args);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EAFNOSUPPORT');
    expect(r.stderr).toContain('what to do:');
    expect(r.stderr).toContain('--transport mock');
    noStack(r.stderr);
  });

  it.each(EXIT_2)('%j: exit 2 with a message, no stack trace', (args) => {
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
