// The persona's rules drive the central, not only its words: a persona file that gives 0x05 up and
// pairs for 0x08 (as sandeepmistry's noble once did, noble/noble#295) makes the central leave the
// Encrypted Read unpaired and pair for the Authorized Read, on real bleno and noble over the virtual radio.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { AttError } from '../../central/errors.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { personaColumn } from '../../central/persona/persona-column.js';
import { personaCentralSetup } from '../../common/apps/persona/persona-central.js';
import { defaultPersonasDir, loadPersona } from '../../common/apps/persona/load-persona.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld();

function oldNoble(): ReturnType<typeof loadPersona> {
  const dir = mkdtempSync(path.join(tmpdir(), 'persona-'));
  const text = readFileSync(path.join(defaultPersonasDir(), 'noble.yaml'), 'utf8')
    .replace('name: noble', 'name: old-noble')
    .replace("'0x05':\n      value: { action: encrypt-or-pair, resend: 1 }", "'0x05':\n      value: { action: give-up, resend: 0 }")
    .replace("'0x08':\n      value: { action: give-up, resend: 0 }", "'0x08':\n      value: { action: encrypt-or-pair, resend: 1 }");
  writeFileSync(path.join(dir, 'old-noble.yaml'), text);
  return loadPersona(path.join(dir, 'old-noble.yaml'));
}

describe('a persona\'s reactions drive the central', () => {
  it('the ATT errors it pairs for are the persona\'s: 0x05 given up, 0x08 paired for (and still 0x08 after)', async () => {
    const persona = oldNoble();
    const setup = personaCentralSetup(persona);
    expect([...setup.cures]).toEqual([0x08, 0x0f]);
    expect(setup.policy).toBe('on-error');
    const profile = loadProfile(DEFAULT_PROFILE);
    const smp: SmpSetup = { config: pairingConfig(), delegate: { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => true } };
    const { server, client } = await world({ radio: { name: 'reactions' }, peripheral: { profile }, central: { policy: 'on-error', timeoutMs: 5000, smp } });
    const found = await client.find({ kind: 'address', value: server.address.toLowerCase() });
    const r = await runMatrix(client, found, { policy: 'on-error', profile, personas: [personaColumn(persona, smp, async () => undefined)] });
    const cells = r.phases.find((p) => p.name === 'as:old-noble')!.cells;
    const cell = (name: string) => cells.find((c) => c.characteristic.name === name)!;
    const encrypted = cell('Encrypted Read');
    expect(encrypted.pairing).toBeUndefined();
    expect(encrypted.outcome.kind === 'error' && (encrypted.outcome.error as AttError).attCode).toBe(0x05);
    expect(encrypted.why).toContain('the persona gives this error to the app');
    expect(encrypted.seen).toBe('noble (blebench): no dialog; the app gets ATT 0x05 Insufficient Authentication [onAttError 0x05: code]');
    const authorized = cell('Authorized Read');
    expect(authorized.pairing?.result).toBe('encrypted');
    expect((authorized.firstError as AttError).attCode).toBe(0x08);
    expect(authorized.outcome.kind === 'error' && (authorized.outcome.error as AttError).attCode).toBe(0x08);
    expect(authorized.seen).toMatch(/^noble \(blebench\): nothing: noble pairs Just Works without asking anyone .*; after pairing the read still fails: the app gets ATT 0x08 Insufficient Authorization/);
  }, 60_000);
});
