// Interoperability with an independent host stack: privacy. A ble-host 1.0.3 central bonds with
// `blebench peripheral --privacy` (an RPA made from its IRK, Core v5.4 Vol 6 Part B 1.3.2.2; the IRK and
// identity address distributed, Vol 3 Part H 3.6.4/3.6.5), the peripheral's RPA is renewed on its
// timeout while it advertises (Vol 3 Part C 10.7.1.2, --rpa-timeout 1), and ble-host comes back to the new
// RPA: it resolves it with the stored IRK (its storage.js resolveAddress), finds its bond and encrypts
// with the stored LTK; the peripheral answers from the bond and no second Pairing Request is sent.
import path from 'node:path';
import { describe, it } from 'vitest';
import { resolvesWith } from '../../common/base/crypto/random-address.js';
import { decodeCapture, readBtsnoop } from '../../common/stack/trace/btsnoop-reader.js';
import { Agreement } from './agreement.js';
import { SERVICE_UUID, only, openBench } from './interop-bench.js';

/** 'AA:BB:…' → HCI order. */
const wire = (address: string) => Buffer.from(address.split(':').reverse().join(''), 'hex');

describe('a ble-host central against blebench peripheral --privacy over blebench air', () => {
  it('bonds, comes back to the peripheral\'s new RPA, resolves it to the identity and re-encrypts with no Pairing Request', async ({ expect, onTestFinished }) => {
    const a = new Agreement();
    const bench = await openBench();
    onTestFinished(() => bench.close());
    const capture = path.join(bench.dir, 'peripheral.btsnoop');
    const keys = path.join(bench.dir, 'peripheral-keys.json');
    const peripheral = await bench.blebenchPeripheral(['--io-capability', 'NoInputNoOutput', '--sc', 'allowed', '--privacy', '--rpa-timeout', '1', '--keys', keys, '--btsnoop', capture]);
    const steps = [{ do: 'connect' }, { do: 'pair', features: {} }, { do: 'disconnect' }, { do: 'connect', newAddress: true }, { do: 'encrypt' }];
    const lines = await bench.bleHost('central', { serviceUuid: SERVICE_UUID, steps }).finished(30_000);
    await peripheral.stop('SIGTERM'); // its capture complete

    const [first, second] = only(lines, 'connected');
    a.check('the pairing', { event: 'paired', ok: true, bond: true }, only(lines, 'paired')[0] && { event: 'paired', ok: only(lines, 'paired')[0]!.ok, bond: only(lines, 'paired')[0]!.bond });
    // what the peripheral distributed: its IRK (wire order in the PDU) and identity address
    const entries = decodeCapture((await readBtsnoop(capture)).records);
    const idInfo = entries.find((e) => e.dir === 'tx' && e.name === 'SMP Identity Information');
    const idAddress = entries.find((e) => e.dir === 'tx' && e.name === 'SMP Identity Address Information');
    expect(idInfo && idAddress, 'the peripheral distributed its IRK and identity').toBeTruthy();
    const irk = Buffer.from(idInfo!.raw.subarray(1, 17)).reverse();
    const identity = String(idAddress!.fields.address).toUpperCase();
    a.check('two links, each from a random address', ['random', 'random'], [first?.peerAddressType, second?.peerAddressType]);
    a.check('the second link from a new address', true, !!first && !!second && first.peerAddress !== second.peerAddress);
    for (const [n, l] of [first, second].entries()) {
      a.check(`link ${n + 1}: an RPA of the IRK the peripheral distributed`, true, !!l && resolvesWith(irk, wire(String(l.peerAddress))));
    }
    a.check('ble-host resolved the new RPA to the identity the peripheral distributed', identity, String(second?.peerIdentityAddress ?? '').toUpperCase());
    a.check('ble-host held an LTK for the new RPA', true, second?.hasLtk);
    a.check('the encryption with the stored LTK', 0, only(lines, 'encrypt')[0]?.status);
    const names = entries.map((e) => e.name);
    a.check('Pairing Requests on the air', 1, names.filter((n) => n === 'SMP Pairing Request').length);
    a.check('LTK requests answered from the bond (no Negative Reply)', { replies: 2, negative: 0 }, {
      replies: names.filter((n) => n === 'HCI LE Long Term Key Request Reply').length,
      negative: names.filter((n) => n === 'HCI LE Long Term Key Request Negative Reply').length,
    });
    expect(a.disagreements).toEqual([]);
  }, 60_000);
});
