// The peripheral console's "refuse / accept the next pairing": an armed refusal is known, used up by
// the Pairing Failed it causes, and can be taken back before that.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMP_REASON } from '../../common/base/codes/smp.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import { PairingRefusal } from '../../peripheral/console/pairing-refusal.js';
import { connect, pairJustWorks, startBench, type Bench } from '../helpers/peripheral-bench.js';

describe('refusing and accepting the next pairing from the console', () => {
  let bench: Bench;
  const profile = loadProfile('default');
  beforeAll(async () => {
    bench = await startBench(profile);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('a refusal taken back lets the next pairing succeed', async () => {
    const refusal = new PairingRefusal(bench.server);
    expect(refusal.armed).toBeUndefined();
    refusal.refuseNext(SMP_REASON.PAIRING_NOT_SUPPORTED);
    expect(refusal.armed).toBe(SMP_REASON.PAIRING_NOT_SUPPORTED);
    expect(refusal.accept()).toBe(true);
    expect(refusal.armed).toBeUndefined();
    const c = await connect(bench, profile.advertising.serviceUuids[0]!);
    await pairJustWorks(bench, c.handle);
    expect(bench.server.central?.encrypted).toBe(true);
  });
});
