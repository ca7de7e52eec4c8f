// `blebench central` exit codes (design.md), through the built command: 1 when the target never
// shows (naming it, no stack trace), 2 for a bad policy or a missing profile (naming it).
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cliSession } from '../helpers/cli-batch.js';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { Radio } from '../../common/stack/air/index.js';
import { openTransport } from '../../common/stack/hci/transport.js';
import { runCentral } from '../../bin/commands/central.js';

// Its short command lines run in one node, one after another (cliSession, test/helpers/cli-batch.ts).
const cli = cliSession({ caseLimitMs: 20_000 });
afterAll(() => cli.close());
const blebench = (...args: string[]) => cli.run('central', ...args);
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('blebench central exit codes', () => {
  it('a target nobody advertises on a radio ends with exit 1 and a message naming it, no stack trace', async () => {
    const radio = new Radio({ name: 'nobody' });
    const transport = await openTransport('mock', { radio, name: 'central' });
    let err = '';
    try {
      const code = await runCentral(
        { target: 'nobody-here', transport: 'mock', policy: 'on-error', timeout: 300, logLevel: 'silent', logFormat: 'json' },
        { transport, out: () => undefined, err: (s) => (err += s) },
      );
      expect(code).toBe(EXIT.EXPECTATION_FAILED);
      expect(err).toContain('nobody-here');
      noStack(err);
    } finally {
      await transport.close();
      radio.close();
    }
  });

  it('a target that is not blebench\'s own peripheral on mock (where it is the only one) is exit 2 naming what is there', async () => {
    for (const target of ['nobody-here', 'AA:BB:CC:DD:EE:FF', '180d']) {
      const r = await blebench('--target', target, '--timeout', '300', '--log-level', 'silent');
      expect(r.code, r.stderr).toBe(EXIT.BAD_INPUT);
      expect(r.stderr).toContain(target);
      expect(r.stderr).toMatch(/only blebench's own peripheral, "blebench"/);
      noStack(r.stderr);
    }
    // and the built-in peripheral by name is walked
    const ok = await blebench('--target', 'blebench', '--log-level', 'silent');
    expect(ok.code, ok.stderr).toBe(EXIT.OK);
  });

  it('a profile that does not exist is bad input: exit 2 naming it', async () => {
    const r = await blebench('--target', 'x', '--profile', 'no-such-profile', '--log-level', 'silent');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('no-such-profile');
    noStack(r.stderr);
  });

  it('an unknown policy is bad input: exit 2', async () => {
    const r = await blebench('--target', 'x', '--policy', 'sometimes');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('sometimes');
  });

  it('--methods on mock with no target: a column per pairing method, Authenticated Read 0x05 only after Just Works, exit 0', () => {
    // 200 columns ($COLUMNS, as a pipe has no width of its own): the four phases side by side.
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--methods', 'just-works,passkey,numeric-comparison', '--log-level', 'silent'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, BLEBENCH_DEBUG: '', COLUMNS: '200', NO_COLOR: '' } });
    expect(r.status).toBe(EXIT.OK);
    expect(r.stdout.split('\n').filter((l) => [...l].length > 200)).toEqual([]);
    expect(r.stdout).not.toContain('\u001b');
    const header = r.stdout.split('\n').find((l) => l.startsWith('characteristic'))!;
    for (const title of ['unencrypted (never)', 'after Just Works', 'after Passkey Entry', 'after Numeric Comparison']) expect(header).toContain(title);
    const row = r.stdout.split('\n').find((l) => l.startsWith('Authenticated Read'))!;
    expect(row.match(/ATT 0x05/g)).toHaveLength(2); // unencrypted and Just Works
    expect(row.match(/"needs MITM"/g)).toHaveLength(2); // Passkey Entry and Numeric Comparison
    expect(r.stdout).toContain('verdict: OK');
  }, 60_000);

  it('--methods with an unknown method is bad input: exit 2 naming it', async () => {
    const r = await blebench('--methods', 'just-works,oob');
    expect(r.code).toBe(EXIT.BAD_INPUT);
    expect(r.stderr).toContain('"oob" is not a pairing method');
  });
});
