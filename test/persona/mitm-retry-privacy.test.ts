// Android's MITM retry from a resolvable private address, on real noble and bleno over the virtual radio:
// the central bonds (Just Works), Authenticated Read still answers 0x05, the central pairs again on the
// encrypted link asking for MITM. The peripheral's kernel share finds a bonded central's key under its
// identity (by its IRK): it must answer the new pairing's LTK request with the new key, not the old bond's
// (which ended in a MIC failure, 0x3D), so the key refresh succeeds and the read ends in 0x05 again.
import { expect, it } from 'vitest';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { AttError } from '../../central/errors.js';
import { personaCentralSetup } from '../../common/apps/persona/persona-central.js';
import { loadPersona } from '../../common/apps/persona/load-persona.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld();

it('a bonded central on an RPA pairs again asking for MITM: the key refresh uses the new key on both sides', async () => {
  const profile = loadProfile(DEFAULT_PROFILE);
  const setup = personaCentralSetup(loadPersona('android'));
  expect(setup.privacy).toEqual({ mode: 'host', rpaTimeoutS: 900 });
  const d = { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => true };
  const smp: SmpSetup = { config: pairingConfig(setup.config), delegate: d, privacy: setup.privacy! };
  const w = await world({ radio: { name: 'mitm-rpa' }, peripheral: { profile, smp: { config: pairingConfig(), delegate: d } }, central: { policy: 'on-error', timeoutMs: 5000, smp, cures: setup.cures, mitmRetry: setup.mitmRetry } });
  const found = await w.client.find({ kind: 'address', value: w.server.address.toLowerCase() });
  const conn = await w.client.connect(found);
  const chars = await conn.characteristics();
  const named = (n: string) => chars.find((c) => c.uuid === profile.services[0]!.characteristics.find((x) => x.name === n)!.uuid)!;
  expect((await conn.read(named('Encrypted Read'))).toString()).toBe('needs encryption');
  const error = await conn.read(named('Authenticated Read')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AttError);
  expect((error as AttError).attCode).toBe(0x05);
  expect(conn.connected).toBe(true);
  expect(conn.pairings.map((p) => [p.result, p.request?.mitm])).toEqual([['encrypted', false], ['encrypted', true]]);
  // The central's second key is the one the peripheral's host gave its controller.
  const sent = w.ct.tap.entries.filter((e) => e.name === 'HCI LE Enable Encryption').map((e) => e.fields.longTermKey);
  const answered = w.pt.tap.entries.filter((e) => e.name === 'HCI LE Long Term Key Request Reply').map((e) => e.fields.longTermKey);
  expect(sent).toHaveLength(2);
  expect(answered).toEqual(sent);
  expect(w.pt.tap.entries.some((e) => e.name === 'HCI Encryption Key Refresh Complete' && e.fields.status === 0)).toBe(true);
}, 60_000);
