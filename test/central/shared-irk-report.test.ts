// Two peripherals that share one IRK (a manufacturing fault), on the virtual radio with real noble and
// bleno: the central bonded with unit A; unit B (the peripheral re-flashed with a new random static
// identity and the same IRK) advertises an RPA of that IRK, which the central resolves to A's bond (Core
// v5.4 Vol 6 Part B 1.3.2.3). Its kept key meets 0x06; on-key-missing pair pairs again, B distributes
// A's IRK under its own identity, and the pairing report says that two devices share one IRK.
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { MemoryKeyStore } from '../../common/stack/smp/key-store.js';
import { pairingConfig } from '../../common/stack/smp/pairing-config.js';
import { formatPairingReport } from '../../central/pairing/pairing-report.js';
import { until } from '../helpers/until.js';
import { useWorld } from '../helpers/world.js';

const world = useWorld();
const profile = loadProfile('default');
const target = { kind: 'service' as const, value: profile.advertising.serviceUuids[0]! };

async function bondThenSecondUnit(newIdentity: 'same-irk' | 'fresh') {
  const w = await world({
    radio: { name: 'shared-irk' },
    peripheral: { profile, smp: { config: pairingConfig({ bonding: true }), keyStore: new MemoryKeyStore(), privacy: { mode: 'host', rpaTimeoutS: 900 } } },
    central: { policy: 'never', onKeyMissing: 'pair', timeoutMs: 3000, smp: { config: pairingConfig({ bonding: true }) } },
  });
  const first = await w.client.connectTo(target);
  expect((await first.pair()).result).toBe('encrypted');
  await until(async () => ((await w.client.bonds.store.list()).length ? true : undefined), 'the bond in the central key store');
  const [unitA] = await w.client.bonds.store.list();
  await first.disconnect();
  await w.server.forgetBonds({ newIdentity });
  const second = await w.client.connectTo(target);
  const report = await second.pair();
  return { report, unitA: unitA!, w };
}

describe('two peripherals sharing one IRK', () => {
  it("the second unit's RPA resolves to the first one's bond: 0x06, a new pairing, and the report names the shared IRK", async () => {
    const { report, unitA, w } = await bondThenSecondUnit('same-irk');
    expect(report.result).toBe('encrypted');
    const [unitB] = await w.client.bonds.store.list();
    expect(unitB!.peer.type).toBe('random');
    expect(unitB!.peer.address).not.toBe(unitA.peer.address);
    expect(unitB!.peerIrk!.equals(unitA.peerIrk!)).toBe(true);
    const note = report.notes.find((n) => /share one IRK/.test(n));
    expect(note).toContain(`resolved with the IRK of the bond with ${unitA.peer.address} (public)`);
    expect(note).toContain(`paired as ${unitB!.peer.address} (random)`);
    expect(formatPairingReport(report).join('\n')).toMatch(/note: .*share one IRK/);
    // the report's address line: the RPA on the air and the new unit's identity
    expect(report.addresses.peer.line).toMatch(new RegExp(`^RPA [0-9A-F:]{17} → identity ${unitB!.peer.address} \\(random static\\)$`));
  });

  it('a unit with its own IRK is a new device: no kept key is tried, no shared-IRK note', async () => {
    const { report, w } = await bondThenSecondUnit('fresh');
    expect(report.result).toBe('encrypted');
    expect(report.notes.filter((n) => /IRK/.test(n))).toEqual([]);
    expect(w.ct.tap.entries.filter((e) => e.name === 'HCI Encryption Change' && e.fields.status === 0x06)).toHaveLength(0);
  });
});
