// The security matrix with a column per pairing method (--methods): the engine runs one paired phase
// per method on its own connection after configuring both Security Managers for it, and the
// comparison with the profile uses each phase's key security (Authenticated Read: 0x05 after Just
// Works, the value after Passkey Entry and Numeric Comparison).
import { useWorld } from '../helpers/world.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { AttError } from '../../central/errors.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { renderMatrixTable } from '../../central/matrix/render-table.js';
import { matrixJson } from '../../central/matrix/render-json.js';
import { methodConfigs, parseMethods, type MatrixMethod } from '../../central/matrix/pairing-methods.js';
import type { MatrixResult } from '../../central/matrix/matrix-types.js';

const world = useWorld();

const noPrompts = { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => false };

async function matrix(methods: MatrixMethod[], policy: 'on-error' | 'never' = 'on-error'): Promise<{ r: MatrixResult; used: MatrixMethod[] }> {
  const profile = loadProfile(DEFAULT_PROFILE);
  const peripheralSmp: SmpSetup = { config: pairingConfig(methodConfigs(methods[0]!).peripheral), delegate: noPrompts };
  const centralSmp: SmpSetup = { config: pairingConfig(methodConfigs(methods[0]!).central), delegate: noPrompts };
  const { server, client } = await world({ radio: { name: 'methods' }, peripheral: { profile, smp: peripheralSmp }, central: { policy, timeoutMs: 5000, smp: centralSmp } });
  const found = await client.find({ kind: 'address', value: server.address.toLowerCase() });
  const used: MatrixMethod[] = [];
  const r = await runMatrix(client, found, {
    policy,
    profile,
    methods,
    useMethod: (m) => {
      used.push(m);
      centralSmp.config = pairingConfig(methodConfigs(m).central);
      peripheralSmp.config = pairingConfig(methodConfigs(m).peripheral);
    },
  });
  return { r, used };
}

const authenticatedRead = (r: MatrixResult, phase: string) => r.phases.find((p) => p.name === phase)!.cells.find((c) => c.characteristic.name === 'Authenticated Read')!;

describe('security matrix: a phase per pairing method', () => {
  it('just-works, passkey, numeric-comparison: one paired phase each, the method the spec picks, Authenticated Read 0x05 only after Just Works', async () => {
    const { r, used } = await matrix(['just-works', 'passkey', 'numeric-comparison']);
    expect(used).toEqual(['just-works', 'passkey', 'numeric-comparison']);
    expect(r.methods).toEqual(used);
    expect(r.phases.map((p) => [p.name, p.method])).toEqual([
      ['unencrypted', undefined],
      ['paired:just-works', 'just-works'],
      ['paired:passkey', 'passkey'],
      ['paired:numeric-comparison', 'numeric-comparison'],
    ]);
    expect(r.phases.slice(1).map((p) => p.pairings.map((x) => x.method))).toEqual([['Just Works'], ['Passkey Entry'], ['Numeric Comparison']]);

    const jw = authenticatedRead(r, 'paired:just-works');
    expect(jw.outcome.kind).toBe('error');
    expect(((jw.outcome as { error: unknown }).error as AttError).attCode).toBe(0x05);
    expect(jw.security).toMatchObject({ encrypted: true, authenticated: false });
    expect(jw.expected).toMatchObject({ ok: false, attError: 0x05 });
    for (const phase of ['paired:passkey', 'paired:numeric-comparison']) {
      const c = authenticatedRead(r, phase);
      expect(c.outcome.kind).toBe('value');
      expect(c.security).toMatchObject({ encrypted: true, authenticated: true });
      expect(c.expected).toMatchObject({ ok: true });
    }
    expect(r.differences).toEqual([]);

    const table = renderMatrixTable(r);
    for (const title of ['unencrypted (never)', 'after Just Works', 'after Passkey Entry', 'after Numeric Comparison']) expect(table).toContain(title);
    const json = JSON.parse(JSON.stringify(matrixJson(r))) as { methods: string[]; phases: { name: string; method?: string }[] };
    expect(json.methods).toEqual(used);
    expect(json.phases.map((p) => p.name)).toEqual(['unencrypted', 'paired:just-works', 'paired:passkey', 'paired:numeric-comparison']);
  }, 30_000);

  it('under never: each method phase is named and not run', async () => {
    const { r, used } = await matrix(['passkey'], 'never');
    expect(used).toEqual([]);
    expect(r.phases.map((p) => p.name)).toEqual(['unencrypted', 'paired:passkey']);
    expect(r.phases[1]!.note).toContain('never');
  }, 20_000);

  it('parseMethods: a list in order, each once; anything else is named', () => {
    expect(parseMethods('passkey, just-works,passkey')).toEqual(['passkey', 'just-works']);
    expect(parseMethods('oob')).toMatch(/"oob" is not a pairing method/);
    expect(parseMethods(',')).toMatch(/at least one/);
  });
});
