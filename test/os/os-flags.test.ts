// What `--transport os` refuses (exit 2, naming why, before anything is opened), and on Linux what
// `--transport os` itself says (exit 3: Linux reaches its stack through hci:). The last ones go through
// the built command (npm run build).
import { afterAll, describe, expect, it } from 'vitest';
import { cliSession } from '../helpers/cli-batch.js';
import { BadInputError, EXIT } from '../../common/base/errors/blebench-error.js';
import { refuseFlagsOnOs, type OsCheckedFlags } from '../../bin/os-flags.js';

const refusal = (opts: OsCheckedFlags, role: 'central' | 'peripheral' = 'central'): BadInputError => {
  try {
    refuseFlagsOnOs(opts, role);
  } catch (e) {
    if (e instanceof BadInputError) return e;
    throw e;
  }
  throw new Error(`no refusal for ${JSON.stringify(opts)}`);
};

describe('flags that --transport os cannot honour are bad input (exit 2)', () => {
  it.each([
    [{ passkey: '123456' }, '--passkey', /pairing is decided by the OS/],
    [{ ioCapability: 'KeyboardOnly' }, '--io-capability', /Security Manager needs HCI below the stack/],
    [{ bonding: false }, '--bonding/--no-bonding', /pairing is decided by the OS/],
    [{ keys: 'bonds.json' }, '--keys', /its bond store/],
    [{ methods: 'just-works' }, '--methods', /no pairing method can be chosen per phase/],
    [{ policy: 'never' }, '--policy never', /the OS decides when to pair/],
    [{ btsnoop: 'x.btsnoop' }, '--btsnoop', /no HCI on the os transport/],
    [{ interactive: true }, '--interactive', /console drives noble through HCI/],
  ] as const)('%j → %s', (flags, path, why) => {
    const e = refusal({ transport: 'os', ...flags });
    expect(e.exitCode).toBe(EXIT.BAD_INPUT);
    expect(e.where?.path).toBe(path);
    expect(e.message).toMatch(new RegExp(`^${path.replace(/[/-]/g, '\\$&')} cannot be used with --transport os: `));
    expect(e.message).toMatch(why);
    expect(e.hint).toMatch(/usb\[:VID:PID\], serial:PATH/);
  });

  it('the peripheral refuses --btsnoop and pairing flags the same way', () => {
    expect(refusal({ transport: 'os', btsnoop: 'p.btsnoop' }, 'peripheral').message).toContain('no HCI on the os transport');
    expect(refusal({ transport: 'os', mitm: 'required' }, 'peripheral').where?.path).toBe('--mitm');
  });

  it('policy on-error (what the OS does) and no pairing flags pass; other transports are not touched', () => {
    expect(() => refuseFlagsOnOs({ transport: 'os', policy: 'on-error' }, 'central')).not.toThrow();
    expect(() => refuseFlagsOnOs({ transport: 'mock', btsnoop: 'x', passkey: '1', policy: 'never' }, 'central')).not.toThrow();
  });
});

// Its refused command lines run in one node, one after another (cliSession, test/helpers/cli-batch.ts).
const cli = cliSession({ caseLimitMs: 20_000 });
afterAll(() => cli.close());
const blebench = (...args: string[]) => cli.run(...args);
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('blebench with --transport os on this Linux machine (the built command)', () => {
  it('central: exit 3, explaining that Linux uses hci:', async () => {
    const r = await blebench('central', '--transport', 'os', '--target', 'blebench', '--log-level', 'silent');
    expect(r.code).toBe(EXIT.TRANSPORT_UNAVAILABLE);
    expect(r.stderr).toMatch(/os: on Linux the operating system stack is reached through the kernel: use --transport hci:N/);
    noStack(r.stderr);
  });

  it('peripheral: exit 3, the same explanation', async () => {
    const r = await blebench('peripheral', '--transport', 'os', '--log-level', 'silent');
    expect(r.code).toBe(EXIT.TRANSPORT_UNAVAILABLE);
    expect(r.stderr).toContain('use --transport hci:N');
    noStack(r.stderr);
  });

  it('a Security Manager flag or --btsnoop with os is bad input first: exit 2 naming why', async () => {
    const pair = await blebench('central', '--transport', 'os', '--target', 'blebench', '--passkey', '123456');
    expect(pair.code).toBe(EXIT.BAD_INPUT);
    expect(pair.stderr).toContain('--passkey cannot be used with --transport os: pairing is decided by the OS');
    const snoop = await blebench('central', '--transport', 'os', '--target', 'blebench', '--btsnoop', '/tmp/never-written.btsnoop');
    expect(snoop.code).toBe(EXIT.BAD_INPUT);
    expect(snoop.stderr).toContain('no HCI on the os transport');
    noStack(pair.stderr + snoop.stderr);
  });
});
