// The central's pairing report names a debug key (Core v5.4 Vol 3 Part H 2.3.5.6.1) from the Pairing
// Public Key PDUs the tap saw: who sent the spec's debug public key, "debug key: not secure", and the
// bond is kept marked as a debug key. Real noble and real bleno, both with blebench's Security Manager.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pair } from '../../central/pairing/pairer.js';
import { formatPairingReport, pairingReportJson } from '../../central/pairing/pairing-report.js';
import { until } from '../helpers/until.js';
import { stackPair, type StackPair } from './helpers/stack-pair.js';

describe('a pairing with the debug key, in the central pairing report', () => {
  let s: StackPair | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function report(peripheralDebug: boolean, centralDebug: boolean) {
    const centralKeys = new MemoryKeyStore();
    s = await stackPair({ central: { config: { useDebugKeys: centralDebug }, keyStore: centralKeys }, peripheral: { config: { useDebugKeys: peripheralDebug } } });
    const { handle } = await s.connect();
    const session = s.noble.smpSession(handle)!;
    await session.ready;
    const link = s.ct.tap.link(handle)!;
    const r = await pair({ bearer: s.noble.bearer(handle)!, tap: s.ct.tap, link, timeoutMs: 5000, trigger: 'explicit', session });
    // The bond is stored once the keys are distributed, after the Encryption Change the report waits for.
    await until(() => session.outcomes.at(-1), 'the central session outcome');
    await until(async () => ((await centralKeys.list()).length ? true : undefined), 'the central bond in its key store');
    return { r, bonds: await centralKeys.list() };
  }

  it('a peripheral that sends the debug public key unasked is named: "debug key: not secure"; the bond says debugKey', async () => {
    const { r, bonds } = await report(true, false);
    expect(r.result).toBe('encrypted');
    expect(r.debugKey).toEqual({ sentBy: ['peripheral'] });
    const text = formatPairingReport(r).join('\n');
    expect(text).toMatch(/method: LE Secure Connections Just Works \(debug key: not secure\)/);
    expect(text).toMatch(/debug key: not secure: the peripheral sent the spec's debug P-256 public key/);
    expect(pairingReportJson(r)).toMatchObject({ debugKey: { sentBy: ['peripheral'] } });
    expect(bonds).toHaveLength(1);
    expect(bonds[0]!.security).toMatchObject({ secureConnections: true, debugKey: true });
  });

  it('our own --debug-keys: the report names the central', async () => {
    const { r } = await report(false, true);
    expect(r.debugKey).toEqual({ sentBy: ['central'] });
  });

  it('no debug key on either side: nothing said, the bond is an ordinary SC key', async () => {
    const { r, bonds } = await report(false, false);
    expect(r.result).toBe('encrypted');
    expect(r.debugKey).toBeUndefined();
    expect(formatPairingReport(r).join('\n')).not.toMatch(/debug/);
    expect(bonds[0]!.security.debugKey).toBeUndefined();
  });
});
