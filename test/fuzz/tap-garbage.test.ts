// The tap decodes every packet both ways, garbage included: it must never throw. Every fuzz case
// of both roles goes through a tap as it would travel (ACL fragments on a connected link, HCI
// events as they are), in both directions.
import { describe, expect, it } from 'vitest';
import { addressToWire } from '../../common/stack/air/bytes.js';
import { leConnectionComplete } from '../../common/stack/air/events.js';
import { generateCase } from '../../common/apps/fuzz/generate.js';
import { aclPackets } from '../../common/apps/fuzz/rogue-host.js';
import { Tap } from '../../common/stack/trace/tap.js';

const HANDLE = 0x0001;
const CASES = 4000;

describe('the tap on fuzz cases', () => {
  it('decodes every case of both roles without a failure, and names the garbage malformed', async () => {
    // observe() never throws: a decoder that fails is caught there and reported as a process warning.
    const failures: string[] = [];
    const onWarning = (w: Error) => void failures.push(w.message);
    process.on('warning', onWarning);
    for (const role of ['peripheral', 'central'] as const) {
      const tap = new Tap({ name: `fuzz-${role}`, keepEntries: 'all' });
      tap.observe('rx', leConnectionComplete({ status: 0, handle: HANDLE, role: role === 'peripheral' ? 1 : 0, peerAddressType: 0, peerAddress: addressToWire('11:22:33:44:55:66'), interval: 24, latency: 0, supervisionTimeout: 72, centralClockAccuracy: 0 }));
      for (let i = 0; i < CASES; i++) {
        const c = generateCase(99, i, role);
        for (const f of c.frames) {
          const out = f.kind === 'hci-event' ? [f.packet] : aclPackets(HANDLE, f, 251);
          for (const p of out) {
            tap.observe('rx', p);
            tap.observe('tx', p);
          }
        }
      }
      const layers = new Set(tap.entries.map((e) => e.layer));
      for (const l of ['att', 'smp', 'hci-evt', 'malformed'] as const) expect(layers, `${role}: ${[...layers].join(', ')}`).toContain(l);
    }
    await new Promise<void>((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    process.off('warning', onWarning);
    expect(failures).toEqual([]);
  });
});
