// What the peripheral console lists under "bonds" comes from PeripheralServer.bonds(): the keys the
// transport's kernel share keeps for centrals, in facts (authenticated, LE Secure Connections, debug
// key, size) rather than MGMT key types. Core v5.4 Vol 3 Part H 2.3.4, 2.3.5.
import { afterEach, describe, expect, it } from 'vitest';
import { stackPair } from '../smp/helpers/stack-pair.js';
import { Radio } from '../../common/stack/air/index.js';

describe('PeripheralServer.bonds()', () => {
  const radios: Radio[] = [];
  afterEach(() => radios.splice(0).forEach((r) => r.close()));

  it('none before pairing; after an LE Secure Connections Just Works bond, one unauthenticated SC key of 16 octets for the central', async () => {
    const radio = new Radio({ name: 'kept-bonds' });
    radios.push(radio);
    const pair = await stackPair({
      radio,
      central: { config: { ioCapability: 'NoInputNoOutput', secureConnections: 'only', bonding: true } },
      peripheral: { config: { ioCapability: 'NoInputNoOutput', secureConnections: 'only', bonding: true } },
    });
    try {
      expect(pair.server.bonds()).toEqual([]);
      const { handle } = await pair.connect();
      const outcomes = await pair.pair(handle);
      expect(outcomes.peripheral).toMatchObject({ result: 'paired' });
      const centralAddress = pair.ct.tap.links().find((l) => l.handle === handle)?.localAddress;
      const bonds = pair.server.bonds()!;
      expect(bonds).toHaveLength(1);
      expect(bonds[0]).toMatchObject({ authenticated: false, secureConnections: true, debugKey: false, keySize: 16, ediv: 0 });
      expect(centralAddress).toBeDefined();
      expect(bonds[0]!.peerAddress.toLowerCase()).toBe(centralAddress!.toLowerCase());
    } finally {
      await pair.close();
    }
  });
});
