// The pairing configuration as flags (bin/pairing-options.ts), shared by `blebench central` and
// `blebench peripheral`: no flag keeps the stack's own SMP; every flag lands in the PairingConfig; a
// bad value is bad input (exit 2) naming the flag; --keys keeps bonds in a JSON file with mode 0600.
import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { JsonFileKeyStore } from '../../common/stack/smp/json-key-store.js';
import { smpSetupFrom } from '../../bin/pairing-options.js';

describe('pairing flags', () => {
  it("no pairing flag keeps the stack's own SMP", () => {
    expect(smpSetupFrom({})).toBeUndefined();
  });

  it('every flag lands in the pairing config', () => {
    const s = smpSetupFrom({ ioCapability: 'KeyboardDisplay', bonding: false, mitm: true, sc: 'only', minKeySize: '10', maxKeySize: '12', passkey: '000123', numericComparison: 'reject', debugKeys: true, keys: '/tmp/x.json' })!;
    expect(s.config).toMatchObject({
      ioCapability: 'KeyboardDisplay',
      bonding: false,
      mitm: 'requested',
      secureConnections: 'only',
      minKeySize: 10,
      maxKeySize: 12,
      passkey: { fixed: 123 },
      numericComparison: 'reject',
      useDebugKeys: true,
    });
    expect(s.keyStore).toBeInstanceOf(JsonFileKeyStore);
    expect(smpSetupFrom({ mitm: 'required', passkey: 'random' })!.config).toMatchObject({ mitm: 'required', passkey: 'random' });
  });

  it.each([
    [{ minKeySize: '6' }, '--min-key-size'],
    [{ maxKeySize: 'big' }, '--max-key-size'],
    [{ passkey: '1234567' }, '--passkey'],
    [{ minKeySize: '16', maxKeySize: '8' }, '--min-key-size'],
  ])('%o is bad input naming %s', (flags, named) => {
    expect(() => smpSetupFrom(flags)).toThrow(named);
  });

  it('blebench central --max-key-size 99 exits 2 naming the flag', () => {
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--max-key-size', '99'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(EXIT.BAD_INPUT);
    expect(r.stderr + r.stdout).toContain('--max-key-size');
  });

  it("blebench central --keys FILE pairs with blebench's Security Manager and keeps the bond in FILE, mode 0600", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'blebench-keys-')), 'keys.json');
    const r = spawnSync(process.execPath, ['bin/blebench.js', 'central', '--keys', file, '--io-capability', 'NoInputNoOutput', '--log-level', 'silent'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(EXIT.OK);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { bonds: { role: string; peerLtk?: unknown }[] };
    expect(json.bonds).toHaveLength(1);
    expect(json.bonds[0]).toMatchObject({ role: 'central' });
    expect(json.bonds[0]!.peerLtk).toBeDefined();
  });
});
