// The default profile walked under every built-in central persona (real bleno and noble on the virtual
// radio), each column checked against that persona's own rules: the Pairing Request on the air is the
// persona's Security Manager; an ATT error the persona gives up on reaches the app unpaired, in the
// platform's words; one it pairs for starts a pairing and the user sees the persona's prompt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { openWorld } from '../../world/open-world.js';
import { AttError } from '../../central/errors.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { renderMatrixTable } from '../../central/matrix/render-table.js';
import type { Cell, MatrixResult } from '../../central/matrix/matrix-types.js';
import { readApiError } from '../../central/os/corebluetooth-att-errors.js';
import { personaColumn } from '../../central/persona/persona-column.js';
import { BUILT_IN_PERSONAS, loadPersona } from '../../common/apps/persona/load-persona.js';
import type { CentralPersona, Persona, PersonaAttError } from '../../common/apps/persona/persona-types.js';

const personas: Persona[] = BUILT_IN_PERSONAS.map((n) => loadPersona(n)).filter((p) => p.central);
let world: Awaited<ReturnType<typeof openWorld>> | undefined;
let result: MatrixResult;

beforeAll(async () => {
  const profile = loadProfile(DEFAULT_PROFILE);
  const smp: SmpSetup = { config: pairingConfig(), delegate: { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => true } };
  // The peripheral runs blebench's Security Manager (as `central --as` on the mock radio does): a pairing on an encrypted link (Android's MITM retry) ends in a key refresh bleno's own SMP never sees.
  const peripheralSmp: SmpSetup = { config: pairingConfig(), delegate: smp.delegate! };
  world = await openWorld({ radio: { name: 'personas' }, peripheral: { profile, smp: peripheralSmp }, central: { policy: 'on-error', timeoutMs: 5000, smp } });
  const { server, client } = world;
  const found = await client.find({ kind: 'address', value: server.address.toLowerCase() });
  const forget = async () => {
    await client.forgetBonds();
    await server.forgetBonds();
  };
  result = await runMatrix(client, found, { policy: 'on-error', profile, personas: personas.map((p) => personaColumn(p, smp, forget)) });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const keyOf = (code: number) => (['0x05', '0x08', '0x0C', '0x0F'] as const).find((k) => Number.parseInt(k, 16) === code) as PersonaAttError | undefined;

/** The app's words for an ATT error, from the persona's data alone (CoreBluetooth's texts read back through the OS-error reader). */
function expectAppWords(c: CentralPersona, code: number, seen: string): void {
  const d = c.app.attError.value;
  const key = keyOf(code)!;
  if (d.style === 'corebluetooth') {
    const m = /CBATTError (\d+) "([^"]+)"/.exec(seen);
    expect(m, seen).not.toBeNull();
    expect(Number(m![1])).toBe(code);
    // The quoted text is the one CoreBluetooth gives for that code: the OS-error reader maps it back.
    expect(readApiError(m![2]!).attCode).toBe(code);
  } else if (d.style === 'status') expect(seen).toContain(`${d.name} ${code} (${d.texts![key]})`);
  else expect(seen).toContain(d.texts![key]!);
}

describe('the default profile under each persona', () => {
  it('one column per persona, in order, and every cell matches the profile', () => {
    expect(result.personas).toEqual(personas.map((p) => p.name));
    expect(result.phases.map((p) => p.name)).toEqual(['unencrypted', ...personas.map((p) => `as:${p.name}`)]);
    expect(result.differences).toEqual([]);
    expect(renderMatrixTable(result)).toContain(`as ${personas[0]!.name}`);
  });

  for (const persona of personas) {
    it(`${persona.name}: the Pairing Request is the persona's, and each cell follows its rules`, () => {
      const c = persona.central!;
      const sm = c.securityManager;
      const phase = result.phases.find((p) => p.name === `as:${persona.name}`)!;
      expect(phase.note).toBeUndefined();
      const pairsFor = (['0x05', '0x08', '0x0C', '0x0F'] as const).filter((k) => c.onAttError[k].value.action === 'encrypt-or-pair');
      // The default profile answers a stranger 0x05 (Encrypted Read): a persona that pairs for 0x05 pairs once; one that pairs for nothing never does.
      // A persona that then pairs asking for MITM does so once per cell whose error stays after the first pairing's Just Works key.
      const mitmCells = (phase.cells as Cell[]).filter((x) => x.mitmPairing);
      expect(phase.pairings.length).toBe((pairsFor.includes('0x05') ? 1 : 0) + mitmCells.length);
      const mitmFor = pairsFor.filter((k) => c.onAttError[k].value.then === 'pair-with-mitm');
      // Authenticated Read needs MITM the peripheral's NoInputNoOutput cannot give: a MITM-retrying persona meets it.
      const authenticated = (phase.cells as Cell[]).find((x) => x.characteristic.name === 'Authenticated Read')!;
      expect(authenticated.mitmPairing !== undefined, authenticated.seen).toBe(mitmFor.includes('0x05'));
      for (const m of mitmCells) {
        expect(m.mitmPairing!.request).toMatchObject({ sentBy: 'central', mitm: true, ioCapability: sm.ioCapability.value });
        expect(m.mitmPairing!.method).toBe('Just Works');
        expect(m.outcome.kind).toBe('error');
        expect(m.seen).toContain(`it pairs again asking for MITM (${c.user.pairing.value.words})`);
        const failed = c.app.securityFailed.value;
        if (failed !== 'att-error') expect(m.seen).toContain(`the app gets ${failed.name} ${failed.code} "${failed.text}"`);
      }
      for (const p of phase.pairings.filter((x) => !mitmCells.some((m) => m.mitmPairing === x))) {
        expect(p.request).toMatchObject({ sentBy: 'central', ioCapability: sm.ioCapability.value, bonding: sm.bonding.value, mitm: sm.mitm.value, secureConnections: sm.secureConnections.value !== 'no', maxKeySize: sm.maxKeySize.value });
        expect(p.result).toBe('encrypted');
      }
      for (const cell of phase.cells as Cell[]) {
        const seen = cell.seen!;
        expect(seen.startsWith(`${persona.title}: `), seen).toBe(true);
        const first = cell.firstError ?? (cell.outcome.kind === 'error' ? cell.outcome.error : undefined);
        if (!first) {
          expect(seen).toMatch(/: no dialog; /);
          expect(cell.pairing).toBeUndefined();
          continue;
        }
        expect(first).toBeInstanceOf(AttError);
        const code = (first as AttError).attCode;
        const key = keyOf(code)!;
        const rule = c.onAttError[key];
        if (rule.value.action === 'give-up') {
          expect(cell.pairing, seen).toBeUndefined();
          expect(cell.outcome.kind).toBe('error');
          expect(seen).toContain('no dialog');
          expectAppWords(c, code, seen);
          expect(seen).toContain(`[onAttError ${key}: ${rule.confidence}]`);
        } else if (cell.mitmPairing) {
          continue;
        } else if (cell.pairing) {
          // It paired for this error: the user saw the persona's prompt, then the request was re-sent.
          expect(seen).toContain(c.user.pairing.value.words);
          if (cell.outcome.kind !== 'error') expect(seen).toMatch(c.user.pairing.value.shows === 'dialog' ? /after Pair / : /after pairing /);
        } else {
          // It would pair, but this link is already encrypted (the one attempt per link is spent).
          expect(cell.security.encrypted, seen).toBe(true);
          if (rule.value.then === 'pair-with-mitm') expect(seen).toContain('pairs again asking for MITM');
          else {
            expect(seen).toContain('no dialog (the link is already encrypted');
            expectAppWords(c, code, seen);
          }
        }
      }
    });
  }

  it('iOS in words: the dialog and the value after Pair; Authenticated Read after Just Works is CBATTError 5 with no dialog', () => {
    const ios = result.phases.find((p) => p.name === 'as:ios')!.cells;
    const cell = (name: string) => ios.find((c) => c.characteristic.name === name)!;
    expect(cell('Encrypted Read').seen).toMatch(/^iOS: the pairing dialog appears .*; after Pair the read returns the value/);
    expect(cell('Authenticated Read').seen).toMatch(/^iOS: no dialog .*the app gets CBATTError 5 "Authentication is insufficient\."/);
    expect(cell('Authorized Read').seen).toMatch(/^iOS: no dialog; the app gets CBATTError 8 "Authorization is insufficient\."/);
    const windows = result.phases.find((p) => p.name === 'as:windows')!.cells.find((c) => c.characteristic.name === 'Encrypted Read')!;
    expect(windows.seen).toMatch(/^Windows: no dialog; the app gets GattProtocolError 5 \(InsufficientAuthentication\)/);
  });
});
