// The story's first cause, acted out by two personas on real bleno and noble over the virtual radio: an
// iPhone (central persona ios) reads a Mac's encrypted characteristic (peripheral persona macos, which
// refuses incoming pairing, jmcorgan/fips#72): the Pairing Request is refused and the app gets
// CBATTError 5 "Authentication is insufficient." with no dialog. With the variant in which macOS pairs,
// the dialog appears and the read returns the value.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, loadProfile } from '../../common/stack/gatt/load-profile.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import type { SmpSetup } from '../../common/stack/smp/link-session.js';
import { AttError, OperationTimeout, SmpPairingFailed } from '../../central/errors.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';
import { personaColumn } from '../../central/persona/persona-column.js';
import { peripheralPersonaSetup } from '../../peripheral/persona/peripheral-persona.js';
import { loadPersona } from '../../common/apps/persona/load-persona.js';
import { SMP_REASON } from '../../common/base/codes/smp.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld();

const noPrompts = { displayPasskey: () => undefined, enterPasskey: async () => null, compareNumbers: async () => true };

/** `smpTimeoutMs`: the central's SMP timeout, shortened where the Mac is silent (Vol 3 Part H 3.4's 30 s is the persona's words, not the test's wait). */
async function iosReadsMac(mac: string, smpTimeoutMs?: number) {
  const setup = peripheralPersonaSetup(loadPersona(mac), loadProfile(DEFAULT_PROFILE));
  const peripheralSmp: SmpSetup = { config: pairingConfig(setup.config), delegate: noPrompts };
  const smp: SmpSetup = { config: pairingConfig(), delegate: noPrompts, ...(smpTimeoutMs !== undefined ? { timeoutMs: smpTimeoutMs } : {}) };
  const { server, client } = await world({ radio: { name: 'story' }, peripheral: { profile: setup.profile, smp: peripheralSmp }, central: { policy: 'on-error', timeoutMs: 5000, smp } });
  const found = await client.find({ kind: 'address', value: server.address.toLowerCase() });
  const r = await runMatrix(client, found, { policy: 'on-error', personas: [personaColumn(loadPersona('ios'), smp, async () => undefined)] });
  const read = r.phases.find((p) => p.name === 'as:ios')!.cells.find((c) => c.characteristic.uuid === setup.profile.services[0]!.characteristics.find((x) => x.name === 'Encrypted Read')!.uuid)!;
  return { setup, read };
}

describe('peripheral persona macos against central persona ios', () => {
  it('macos refuses the Pairing Request: no dialog, CBATTError 5 "Authentication is insufficient."', async () => {
    const { setup, read } = await iosReadsMac('macos');
    expect(setup.config.pairable).toBe(false);
    expect(setup.said).toContain('"Encrypted Read" × read: readEncryptionRequired; answers 0x05 until the link is encrypted, no key-size check (user: nordicsemi/IOS-nRF-Connect#94 (btmon - an Apple GATT server answers a BlueZ central 0x05); the story\'s own iPhone report (CBATTError 5))');
    expect(read.pairing?.result).toBe('failed');
    expect(read.pairing?.error).toBeInstanceOf(SmpPairingFailed);
    expect((read.pairing!.error as SmpPairingFailed).reason).toBe(SMP_REASON.PAIRING_NOT_SUPPORTED);
    // The read met ATT 0x05 first; the pairing it started was refused, and that refusal is the cell's outcome.
    expect((read.firstError as AttError).attCode).toBe(0x05);
    expect((read.outcome as { error: unknown }).error).toBeInstanceOf(SmpPairingFailed);
    expect(read.seen).toMatch(/^iOS: no dialog to answer \(the peer refused the Pairing Request at once: .*\) \[inference\]; the app gets CBATTError 5 "Authentication is insufficient\." \[app securityFailed: user\]$/);
  }, 60_000);

  it('macos:pairs-with-dialog: the dialog appears and after Pair the read returns the value', async () => {
    const { setup, read } = await iosReadsMac('macos:pairs-with-dialog');
    expect(setup.config.pairable).toBe(true);
    expect(read.pairing?.result).toBe('encrypted');
    expect(read.outcome.kind).toBe('value');
    expect(read.seen).toMatch(/^iOS: the pairing dialog appears .*; after Pair the read returns the value/);
  }, 60_000);

  it('macos:silent: the Pairing Request is never answered; the central\'s SMP timeout ends it, no dialog, CBATTError 5', async () => {
    const { setup, read } = await iosReadsMac('macos:silent', 400);
    expect(setup.config).toMatchObject({ pairable: true, silentToPairingRequests: true });
    expect(setup.said.some((l) => l.startsWith("a Pairing Request: left unanswered (the central's SMP timeout, 30 s, ends its pairing: Vol 3 Part H 3.4) (inference:"))).toBe(true);
    expect(read.pairing?.result).toBe('failed');
    expect(read.pairing?.request).toBeDefined();
    expect(read.pairing?.response).toBeUndefined();
    expect(read.pairing?.error).toBeInstanceOf(OperationTimeout);
    expect((read.pairing!.error as OperationTimeout).timeoutMs).toBe(400);
    expect(read.seen).toBe('iOS: no dialog (the peer never answered the Pairing Request; the pairing ended at the SMP timeout, 30 s) [inference]; the app gets CBATTError 5 "Authentication is insufficient." [app securityFailed: user]');
  }, 60_000);
});
