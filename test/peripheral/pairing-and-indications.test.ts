// Runtime actions around pairing and indications: the next Pairing Request refused with a chosen
// reason (bleno's SMP would accept it), bonds forgotten, and an indication that is never confirmed
// gives up after its timeout instead of blocking the next one. Core v5.4 Vol 3 Part H 3.5.5,
// Vol 3 Part F 3.4.7.2.
import { afterEach, describe, expect, it } from 'vitest';
import { SMP_CODE, SMP_REASON } from '../../common/base/codes/smp.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { Indications } from '../../peripheral/gatt/indications.js';
import type { PairingInfo } from '../../peripheral/index.js';
import { connect, startBench, startPairing, type Bench } from '../helpers/peripheral-bench.js';

let bench: Bench | undefined;
afterEach(async () => bench?.close());

describe('refuseNextPairing', () => {
  it('answers the next Pairing Request with Pairing Failed and the reason asked, then pairs normally again', async () => {
    const profile = loadProfile('default');
    bench = await startBench(profile);
    const link = await connect(bench, profile.advertising.serviceUuids[0]!);
    bench.server.refuseNextPairing(SMP_REASON.PAIRING_NOT_SUPPORTED);
    const failed = new Promise<PairingInfo>((resolve) => bench!.server.on('pairing', (p) => p.step === 'failed' && resolve(p)));
    startPairing(bench, link.handle);
    const f = await bench.ct.tap.waitFor((e) => e.layer === 'smp' && e.dir === 'rx' && e.fields.code === SMP_CODE.PAIRING_FAILED, { timeoutMs: 5000, includePast: true });
    expect(f.fields.reason).toBe(SMP_REASON.PAIRING_NOT_SUPPORTED);
    expect(bench.ct.tap.entries.some((e) => e.layer === 'smp' && e.dir === 'rx' && e.fields.code === SMP_CODE.PAIRING_RESPONSE)).toBe(false);
    expect(await failed).toMatchObject({ failed: { reason: SMP_REASON.PAIRING_NOT_SUPPORTED, sentBy: 'local' } });
    expect(bench.pt.kernelShare!.longTermKeys).toHaveLength(0);
  });

  it('forgetBonds empties the keys bleno loaded below it', async () => {
    const profile = loadProfile('default');
    bench = await startBench(profile);
    const link = await connect(bench, profile.advertising.serviceUuids[0]!);
    startPairing(bench, link.handle);
    await bench.pt.tap.waitFor((e) => e.name === 'HCI Encryption Change' && e.fields.enabled === true, { timeoutMs: 5000, includePast: true });
    expect(bench.pt.kernelShare!.longTermKeys).toHaveLength(1);
    const emptied = new Promise((resolve) => bench!.pt.kernelShare!.once('keys', resolve));
    await bench.server.forgetBonds();
    expect(await emptied).toEqual([]);
    expect(bench.pt.kernelShare!.longTermKeys).toHaveLength(0);
  });
});

describe('indications without a confirmation', () => {
  it('the first gives up after its timeout, and only then the next one is sent', async () => {
    const sent: number[] = [];
    const q = new Indications(20);
    const first = q.indicate(() => sent.push(1) > 0);
    const second = q.indicate(() => sent.push(2) > 0);
    expect(sent).toEqual([1]);
    expect(await first).toEqual({ confirmed: false, reason: 'no Handle Value Confirmation within 20 ms' });
    expect(sent).toEqual([1, 2]);
    expect(q.confirm()).toBe(true);
    expect(await second).toMatchObject({ confirmed: true });
    expect(q.confirm(), 'a confirmation with nothing outstanding').toBe(false);
  });

  it('a lost link fails every waiting indication with the reason', async () => {
    const q = new Indications(10_000);
    const a = q.indicate(() => true);
    const b = q.indicate(() => true);
    q.linkLost('the link is gone');
    expect(await a).toEqual({ confirmed: false, reason: 'the link is gone' });
    expect(await b).toEqual({ confirmed: false, reason: 'the link is gone' });
  });
});
