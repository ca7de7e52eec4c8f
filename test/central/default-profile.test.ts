// blebench central against the project's own peripheral (peripheral/servePeripheral) serving the
// default profile on the virtual radio: the matrix matches the profile under each policy, and a
// profile that differs in one characteristic's security makes the central exit 1 naming that cell.
import { useWorld } from '../helpers/world.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../common/base/errors/blebench-error.js';
import { defaultProfilesDir, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { runCentral, type CentralOptions } from '../../bin/commands/central.js';
import type { PairingPolicy } from '../../central/pairing/pairing-policy.js';

const world = useWorld();

async function central(policy: PairingPolicy, profile: string, json = false) {
  const { ct } = await world({ radio: { name: 'default-profile' }, peripheral: { profile: loadProfile('default') }, central: { kind: 'transport' } });
  let out = '';
  let err = '';
  const opts: CentralOptions = { target: 'blebench', transport: 'mock', policy, profile, timeout: 3000, logLevel: 'silent', logFormat: 'json', ...(json ? { json } : {}) };
  const code = await runCentral(opts, { transport: ct, out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('blebench central against the default peripheral', () => {
  for (const policy of ['never', 'on-error', 'upfront'] as const) {
    it(`under ${policy} every cell matches the default profile (exit 0)`, async () => {
      const { code, out, err } = await central(policy, 'default');
      expect(err).toBe('');
      expect(out, out).toContain('verdict: OK');
      expect(code).toBe(EXIT.OK);
      expect(out).toContain('Encrypted Read');
    });
  }

  it('a profile that differs in one characteristic\'s security exits 1 naming that cell', async () => {
    const doc = JSON.parse(readFileSync(path.join(defaultProfilesDir(), 'default.json'), 'utf8')) as { services: { characteristics: { name: string; security?: unknown }[] }[] };
    delete doc.services[0]!.characteristics.find((c) => c.name === 'Encrypted Read')!.security;
    const dir = mkdtempSync(path.join(tmpdir(), 'blebench-central-'));
    const file = path.join(dir, 'differs.json');
    writeFileSync(file, JSON.stringify(doc));
    const { code, out } = await central('never', file, true);
    expect(code).toBe(EXIT.EXPECTATION_FAILED);
    const r = JSON.parse(out) as { differences: string[] };
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]).toContain('"Encrypted Read" × read (unencrypted)');
    expect(r.differences[0]).toContain('ATT 0x05 Insufficient Authentication');
  });
});
