// The matrix pairs at most once per link: against a blebench peripheral that refuses every pairing
// (Pairing Failed 0x05), the paired phase sends exactly one Pairing Request; every later cell that
// meets 0x05/0x0F is reported with the ATT error and why the central did not pair again. A peer that
// keeps the Repeated Attempts gate (Core v5.4 Vol 3 Part H 2.3.6) would otherwise lock it out.
// Real noble and bleno on the virtual radio.
import { useWorld } from '../helpers/world.js';
import { describe, expect, it } from 'vitest';
import { ATT_ERROR } from '../../common/base/codes/att.js';
import { SMP_REASON } from '../../common/base/codes/smp.js';
import { loadProfile } from '../../common/stack/gatt/index.js';
import type { TimelineEntry } from '../../common/stack/trace/timeline.js';
import { AttError, SmpPairingFailed } from '../../central/errors.js';
import { runMatrix } from '../../central/matrix/run-matrix.js';

const world = useWorld();

const profile = loadProfile('default');
const isRequest = (e: TimelineEntry) => e.name === 'SMP Pairing Request';

describe('the matrix against a peripheral that refuses pairing', () => {
  it('on-error: one Pairing Request per link; later cells say pairing failed earlier on this link, with the reason', async () => {
    const { pt, ct, server, client } = await world({ radio: { name: 'matrix-pairing-once' }, peripheral: { profile }, central: { policy: 'on-error', timeoutMs: 3000 } });
    server.refusePairing(SMP_REASON.PAIRING_NOT_SUPPORTED, { times: 'always' });
    const found = await client.find({ kind: 'service', value: profile.advertising.serviceUuids[0]! });
    const r = await runMatrix(client, found, { policy: 'on-error', profile });

    // two links (unencrypted, paired); the central's Pairing Requests, by link
    const links = ct.tap.links();
    expect(links).toHaveLength(2);
    const sent = links.map((l) => ct!.tap.entries.filter((e) => e.dir === 'tx' && e.handle === l.handle && isRequest(e)).length);
    expect(sent).toEqual([0, 1]);
    expect(pt.tap.entries.filter((e) => e.dir === 'rx' && isRequest(e))).toHaveLength(1);
    expect(pt.tap.entries.filter((e) => e.dir === 'tx' && e.name === 'SMP Pairing Failed')).toHaveLength(1);

    const paired = r.phases.find((p) => p.name === 'paired')!;
    expect(paired.pairings).toHaveLength(1);
    const [trigger, ...more] = paired.cells.filter((c) => c.pairing);
    expect(more).toEqual([]);
    expect(trigger!.outcome.kind === 'error' && trigger!.outcome.error).toBeInstanceOf(SmpPairingFailed);
    expect(trigger!.why).toMatch(/the central paired and pairing failed: pairing failed: the peripheral sent Pairing Failed 0x05 Pairing Not Supported/);

    // every later cell that could have paired names the earlier failure and its reason
    const after = paired.cells.slice(paired.cells.indexOf(trigger!) + 1);
    const refusedLater = after.filter((c) => c.outcome.kind === 'error' && c.outcome.error instanceof AttError && ([ATT_ERROR.INSUFFICIENT_AUTHENTICATION, ATT_ERROR.INSUFFICIENT_ENCRYPTION] as number[]).includes(c.outcome.error.attCode));
    expect(refusedLater.length).toBeGreaterThanOrEqual(4);
    for (const c of refusedLater) {
      expect(c.why).toContain('no pairing: pairing failed earlier on this link: SMP 0x05 Pairing Not Supported (Pairing Failed from the peripheral); one attempt per link');
      expect(c.security.encrypted).toBe(false);
      expect(c.pairing).toBeUndefined();
    }
    // the unencrypted phase (policy never) says why it did not pair, as before
    const unencrypted = r.phases.find((p) => p.name === 'unencrypted')!;
    expect(unencrypted.cells.filter((c) => c.why.includes('pairing failed earlier'))).toEqual([]);
  });
});
