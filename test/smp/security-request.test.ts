// The peripheral's Security Request and the central's answer: encrypt with a stored key that meets it,
// or pair (Core v5.4 Vol 3 Part H 2.4.6, 3.6.7); re-encryption with a bonded key on reconnect, with no
// Pairing Request on the air (SM/PER/PIS/BV-02-C); a lost key ends in 0x06 PIN or Key Missing.
import { describe, expect, it } from 'vitest';
import { HCI_STATUS } from '../../common/base/codes/hci.js';
import { SMP_CODE } from '../../common/base/codes/smp.js';
import { bondFromOutcome, engineBond } from '../../common/stack/smp/bond.js';
import type { EngineBond } from '../../common/stack/smp/engine-types.js';
import { backToBack, CENTRAL_ADDRESS, PERIPHERAL_ADDRESS, type SideSetup } from './helpers/back-to-back.js';

async function bondedPair(central: SideSetup = {}, peripheral: SideSetup = {}): Promise<{ central: EngineBond; peripheral: EngineBond }> {
  const pair = backToBack({ central, peripheral });
  pair.central.input({ type: 'pair' });
  const o = await pair.outcomes();
  return { central: engineBond(bondFromOutcome(o.central, CENTRAL_ADDRESS)!), peripheral: engineBond(bondFromOutcome(o.peripheral, PERIPHERAL_ADDRESS)!) };
}

const codes = (air: { pdu: Buffer }[]) => air.map((x) => x.pdu[0]);

describe('Security Request and re-encryption', () => {
  it('without a stored key, the central answers a Security Request by pairing', async () => {
    const pair = backToBack();
    pair.peripheral.input({ type: 'request-security' });
    const { central, peripheral } = await pair.outcomes();
    expect(central.result).toBe('paired');
    expect(peripheral.result).toBe('paired');
    expect(codes(pair.air).slice(0, 2)).toEqual([SMP_CODE.SECURITY_REQUEST, SMP_CODE.PAIRING_REQUEST]);
  });

  for (const sc of [false, true]) {
    it(`${sc ? 'SC' : 'legacy'}: on a bonded link the central encrypts with the stored LTK, no Pairing Request (SM/PER/PIS/BV-02-C)`, async () => {
      const config = { secureConnections: sc ? 'allowed' : 'no' } as const;
      const bonds = await bondedPair({ config }, { config });
      if (!sc) expect(bonds.central.peerLtk!.ediv === 0 && bonds.central.peerLtk!.rand.every((b) => b === 0)).toBe(false);
      const pair = backToBack({ central: { config, env: { bond: bonds.central } }, peripheral: { config, env: { bond: bonds.peripheral } } });
      pair.peripheral.input({ type: 'request-security' });
      const { central, peripheral } = await pair.outcomes();
      expect(central).toMatchObject({ result: 'encrypted', with: 'stored-key', security: { secureConnections: sc, method: 'Just Works' } });
      expect(peripheral).toMatchObject({ result: 'encrypted', with: 'stored-key' });
      expect(codes(pair.air)).toEqual([SMP_CODE.SECURITY_REQUEST]);
    });
  }

  it('the central encrypts on its own ("secure") with a stored key, and pairs without one', async () => {
    const bonds = await bondedPair();
    const withKey = backToBack({ central: { env: { bond: bonds.central } }, peripheral: { env: { bond: bonds.peripheral } } });
    withKey.central.input({ type: 'secure' });
    expect((await withKey.outcomes()).central.result).toBe('encrypted');
    expect(withKey.air).toEqual([]);
    const without = backToBack();
    without.central.input({ type: 'secure' });
    expect((await without.outcomes()).central.result).toBe('paired');
  });

  it('a stored unauthenticated key does not meet a Security Request asking for MITM: the central pairs again', async () => {
    const bonds = await bondedPair();
    const mitm = { ioCapability: 'KeyboardDisplay', mitm: 'requested' } as const;
    const pair = backToBack({ central: { config: mitm, env: { bond: bonds.central } }, peripheral: { config: mitm, env: { bond: bonds.peripheral } } });
    pair.peripheral.input({ type: 'request-security' });
    const { central } = await pair.outcomes();
    expect(central).toMatchObject({ result: 'paired', security: { authenticated: true, method: 'Numeric Comparison' } });
  });

  it('the peripheral lost its key: encryption fails with 0x06 PIN or Key Missing and the central is told', async () => {
    const bonds = await bondedPair({ config: { secureConnections: 'no' } }, { config: { secureConnections: 'no' } });
    const pair = backToBack({ central: { env: { bond: bonds.central } } });
    pair.central.input({ type: 'secure' });
    const central = await pair.central.nextOutcome();
    expect(central).toMatchObject({ result: 'failed', reason: 'encryption', status: HCI_STATUS.PIN_OR_KEY_MISSING });
    expect(pair.actions.some((a) => a.side === 'peripheral' && a.action.type === 'event' && a.action.event.kind === 'key-missing')).toBe(true);
    pair.peripheral.close();
  });

  it('a central that is not pairable answers a Security Request with 0x05 Pairing Not Supported', async () => {
    const pair = backToBack({ central: { config: { pairable: false } }, timeoutMs: 30 });
    pair.peripheral.input({ type: 'request-security' });
    expect(await pair.peripheral.nextOutcome()).toMatchObject({ result: 'failed', reason: 0x05, by: 'peer' });
  });
});
