// Configuration as data: defaults, checks that name the field, and what the config puts on the air
// (Core v5.4 Vol 3 Part H 3.5.1: AuthReq bits, OOB flag, key size, key distribution).
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../common/base/errors/blebench-error.js';
import { DEFAULT_PAIRING_CONFIG, pairingConfig, type PairingConfig } from '../../common/stack/smp/pairing-config.js';
import { pairingRequestFeatures } from '../../common/stack/smp/pairing-features.js';
import { PairingEngine } from '../../common/stack/smp/pairing-engine.js';
import { backToBack, CENTRAL_ADDRESS, PERIPHERAL_ADDRESS } from './helpers/back-to-back.js';

describe('PairingConfig', () => {
  it('defaults: NoInputNoOutput, bonding, SC allowed, 7..16 octets, EncKey and IdKey both ways', () => {
    expect(pairingConfig()).toEqual(DEFAULT_PAIRING_CONFIG);
    expect(pairingRequestFeatures(pairingConfig())).toEqual({ ioCapability: 3, oobDataFlag: 0, authReq: 0x09, maxKeySize: 16, initiatorKeyDistribution: 3, responderKeyDistribution: 3 });
    const all = pairingRequestFeatures(pairingConfig({ ioCapability: 'KeyboardDisplay', mitm: 'required', keypress: true, maxKeySize: 12, oob: { legacyTk: Buffer.alloc(16) } }));
    expect(all).toMatchObject({ ioCapability: 4, oobDataFlag: 1, authReq: 0x1d, maxKeySize: 12 });
  });
  it.each<[Partial<PairingConfig>, string]>([
    [{ ioCapability: 'Telepathy' as never }, 'ioCapability'],
    [{ maxKeySize: 17 }, 'maxKeySize'],
    [{ minKeySize: 6 }, 'minKeySize'],
    [{ minKeySize: 12, maxKeySize: 10 }, 'minKeySize'],
    [{ passkey: { fixed: 1_000_000 } }, 'passkey.fixed'],
    [{ secureConnections: 'maybe' as never }, 'secureConnections'],
    [{ mitm: true as never }, 'mitm'],
    [{ oob: { legacyTk: Buffer.alloc(15) } }, 'oob.legacyTk'],
  ])('%o is refused, naming %s', (overrides, field) => {
    try {
      pairingConfig(overrides);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BadInputError);
      expect((e as BadInputError).where?.path).toBe(field);
    }
  });
  it('a fixed passkey is shown on one side and typed on the other without asking anyone', async () => {
    const pair = backToBack({
      central: { config: { ioCapability: 'KeyboardOnly', mitm: 'requested', passkey: { fixed: 4711 } }, typePasskey: () => 1 },
      peripheral: { config: { ioCapability: 'DisplayOnly', passkey: { fixed: 4711 } } },
    });
    pair.central.input({ type: 'pair' });
    const { central } = await pair.outcomes();
    expect(central.result).toBe('paired');
    expect(pair.board.displayed.peripheral).toBe(4711);
    expect(pair.board.entered).toEqual({}); // the central's delegate was never asked
  });
  it('keypress notifications go out only when both set the Keypress flag, and come in as events (Vol 3 Part H 3.5.8)', () => {
    const central = new PairingEngine(pairingConfig({ ioCapability: 'KeyboardOnly', mitm: 'requested', keypress: true, passkey: 'ask', secureConnections: 'no' }), { role: 'initiator', local: CENTRAL_ADDRESS, peer: PERIPHERAL_ADDRESS });
    central.handle({ type: 'pair' });
    // Pairing Response: DisplayOnly, no OOB, Bonding|MITM|Keypress, 16, keys 03/03 (LE legacy: the passkey is asked at once).
    const after = central.handle({ type: 'pdu', pdu: Buffer.from([0x02, 0x00, 0x00, 0x15, 0x10, 0x03, 0x03]) });
    expect(after).toContainEqual({ type: 'prompt', prompt: { kind: 'enter-passkey' } });
    const sent = central.handle({ type: 'keypress', notification: 0x01 });
    expect(sent).toContainEqual({ type: 'send', pdu: Buffer.from([0x0e, 0x01]) });
    expect(central.handle({ type: 'pdu', pdu: Buffer.from([0x0e, 0x02]) })).toContainEqual({ type: 'event', event: { kind: 'keypress', notification: 2 } });

    const quiet = new PairingEngine(pairingConfig({ ioCapability: 'KeyboardOnly', mitm: 'requested', passkey: 'ask', secureConnections: 'no' }), { role: 'initiator', local: CENTRAL_ADDRESS, peer: PERIPHERAL_ADDRESS });
    quiet.handle({ type: 'pair' });
    quiet.handle({ type: 'pdu', pdu: Buffer.from([0x02, 0x00, 0x00, 0x15, 0x10, 0x03, 0x03]) });
    expect(quiet.handle({ type: 'keypress', notification: 0x01 }).some((a) => a.type === 'send')).toBe(false);
  });
});
