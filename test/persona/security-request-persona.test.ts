// A peripheral persona that sends a Security Request (securityRequest: after-att-error, as Apple's
// Accessory Design Guidelines §40.10 allow it: only after an ATT rejection), acted out on real bleno and
// noble over the virtual radio: the central (pairing policy never, so only the Security Request can start
// a pairing) reads Encrypted Read, gets 0x05, the peripheral's Security Manager sends one Security Request,
// the central's Security Manager pairs (Vol 3 Part H 2.4.6), and the read sent again returns the value.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { AttError } from '../../central/errors.js';
import { defaultPersonasDir } from '../../common/apps/persona/load-persona.js';
import { peripheralAsFrom } from '../../peripheral/persona/persona-flag.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld();
const noPrompts = { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => true };

/** macos.yaml as a Mac that sends a Security Request after refusing a request (and pairs). */
function askingMac(when: 'after-att-error' | 'on-connect'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'persona-'));
  const text = readFileSync(path.join(defaultPersonasDir(), 'macos.yaml'), 'utf8')
    .replace('name: macos', 'name: asking-mac')
    .replace('  securityRequest:\n    value: never', `  securityRequest:\n    value: ${when}`);
  const file = path.join(dir, 'asking-mac.yaml');
  writeFileSync(file, text);
  return `${file}:pairs-with-dialog`;
}

describe('a peripheral persona\'s Security Request', () => {
  for (const when of ['after-att-error', 'on-connect'] as const) {
    it(`${when}: one Security Request per link, the central pairs for it, and the read returns the value`, async () => {
      const spec = askingMac(when);
      const as = peripheralAsFrom({ as: spec }, loadProfile(DEFAULT_PROFILE))!;
      expect(as.said.some((l) => l.includes(`a Security Request: sent ${when === 'on-connect' ? 'at the central\'s first request' : 'after each 0x05/0x0F refusal'}`))).toBe(true);
      const peripheralSmp: SmpSetup = { config: pairingConfig(), delegate: noPrompts };
      as.apply(peripheralSmp);
      const smp: SmpSetup = { config: pairingConfig(), delegate: noPrompts };
      const w = await world({ radio: { name: 'asks' }, peripheral: { profile: as.profile, smp: peripheralSmp }, central: { policy: 'never', timeoutMs: 5000, smp } });
      const stop = as.attach(w.pt.tap, () => w.server.requestSecurity());
      try {
        const found = await w.client.find({ kind: 'address', value: w.server.address.toLowerCase() });
        const conn = await w.client.connect(found);
        const c = (await conn.characteristics()).find((x) => x.uuid === as.profile.services[0]!.characteristics.find((y) => y.name === 'Encrypted Read')!.uuid)!;
        const paired = w.ct.tap.waitFor((e) => e.name === 'HCI Encryption Change' && e.fields.status === 0, { includePast: true, timeoutMs: 5000, what: 'encryption after the Security Request' });
        if (when === 'after-att-error') {
          // The central does not pair on its own (policy never): the refusal reaches it, the Security Request follows.
          const first = await conn.read(c).catch((e: unknown) => e);
          expect((first as AttError).attCode).toBe(0x05);
        }
        await paired;
        expect((await conn.read(c)).toString()).toBe('needs encryption');
        const requests = w.pt.tap.entries.filter((e) => e.name === 'SMP Security Request');
        expect(requests.map((e) => e.dir)).toEqual(['tx']);
        const pairingRequest = w.pt.tap.entries.find((e) => e.name === 'SMP Pairing Request')!;
        expect(pairingRequest.dir).toBe('rx');
        expect(pairingRequest.seq).toBeGreaterThan(requests[0]!.seq);
      } finally {
        stop();
      }
    }, 60_000);
  }
});
